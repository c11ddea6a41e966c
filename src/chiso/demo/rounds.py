"""The demo's analysis-report round: the Sở Nội vụ asked the departments to analyse the PAPI 2024
criteria they answer for; the justice department has answered, the others not yet."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.demo.cycles import EVIDENCE_PDF
from chiso.frameworks.models import Index
from chiso.rounds import services
from chiso.rounds.models import Request, Round
from chiso.units.models import Unit
from chiso.units.organisers import default_organiser

ROUND_NUMBER = "1009/SNV-CCHC"
ROUND_AGENCIES = ("sotuphap", "sonongnghiep", "soyte", "sokhoahoc", "thanhtra")


def create_round(people: dict[str, User], units: dict[str, Unit], today: date) -> None:
    if Round.objects.filter(number=ROUND_NUMBER).exists():
        return
    officer = people["sonoivu"]
    round_ = services.create_round(
        officer,
        default_organiser(),
        number=ROUND_NUMBER,
        issued=today - timedelta(days=10),
        deadline=today + timedelta(days=7),
        title="Phân tích nguyên nhân, trách nhiệm, giải pháp cải thiện Chỉ số PAPI năm 2024",
        year=2024,
        indices=[Index.objects.get(code="papi")],
        agencies=[units[slug] for slug in ROUND_AGENCIES if slug in units],
    )
    services.send_round(officer, round_, send=False)
    request = Request.objects.get(round=round_, agency=units["sotuphap"])
    staff = people["canbo_sotuphap"]
    for answer in request.answers.all():
        services.save_answer(
            staff,
            answer,
            causes="Việc niêm yết, công khai thủ tục tại bộ phận một cửa cấp xã chưa đầy đủ.",
            responsibility="Phòng Hành chính tư pháp; UBND cấp xã.",
            solutions="Rà soát, niêm yết đầy đủ thủ tục; kiểm tra định kỳ hằng quý.",
            files=[SimpleUploadedFile("ra-soat-niem-yet.pdf", EVIDENCE_PDF)]
            if answer.criterion == "d1.1"
            else [],
        )
    services.submit(people.get("thutruong_sotuphap", staff), request)
