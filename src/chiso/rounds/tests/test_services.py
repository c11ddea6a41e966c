"""The round's services: create with default criteria, send, answer with evidence, submit and approve,
late and missing, reminders, synthesis into plan items, export."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from chiso.plans.models import PlanItem
from chiso.rounds import services
from chiso.rounds.models import Attachment, Request, Round
from chiso.rounds.services import LATE, MISSING, ON_TIME, WAITING, RoundError
from chiso.rounds.tests.conftest import PDF, fill, new_round

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def req(round_, agency):
    return Request.objects.get(round=round_, agency=agency)


def test_a_new_round_asks_each_agency_about_the_criteria_it_leads_or_supports(world):
    round_ = new_round(world)
    assert round_.status == Round.Status.DRAFT
    codes = {r.agency.code: sorted(a.criterion for a in r.answers.all()) for r in round_.requests.all()}
    assert codes == {"CB.STTTT": ["d8"], "CB.STP": ["d6", "d8"], "CB.H1": ["d3"]}
    assert req(round_, world["tttt"]).answers.get().criterion_name  # the framework's name is kept


def test_only_the_organisers_officers_create_and_only_its_units(world):
    with pytest.raises(RoundError, match="Chỉ cán bộ"):
        services.create_round(
            world["people"]["other_officer"],
            world["organiser"],
            number="1",
            issued=date(2022, 6, 3),
            deadline=date(2022, 6, 28),
            title="x",
            year=2021,
            indices=[world["papi"]],
            agencies=[world["tttt"]],
        )
    from chiso.units.models import Unit

    outsider = Unit.objects.create(level="department", code="X.1", name="Sở ngoài tỉnh", parent_code="99")
    with pytest.raises(RoundError, match="Không thuộc đơn vị tổ chức: Sở ngoài tỉnh"):
        new_round(world, agencies=[outsider])
    with pytest.raises(RoundError, match="Hạn gửi báo cáo phải sau ngày văn bản"):
        new_round(world, deadline=date(2022, 6, 1))


def test_the_officer_edits_criteria_and_an_empty_list_takes_the_agency_out(world):
    round_ = new_round(world)
    officer = world["people"]["officer"]
    assert services.set_criteria(officer, req(round_, world["district"]), "d1, d3 d5") == 3
    with pytest.raises(RoundError, match="«zz»"):
        services.set_criteria(officer, req(round_, world["district"]), "d1, zz")
    assert services.set_criteria(officer, req(round_, world["tp"]), "  ") == 0
    assert not round_.requests.filter(agency=world["tp"]).exists()


def test_send_refuses_an_agency_without_criteria_then_mails_the_agencies(world):
    round_ = new_round(world)
    officer = world["people"]["officer"]
    services.set_criteria(officer, req(round_, world["district"]), "d3")
    req(round_, world["district"]).answers.all().delete()
    with pytest.raises(RoundError, match="Huyện Thử Nghiệm"):
        services.send_round(officer, round_)
    services.set_criteria(officer, req(round_, world["district"]), "d3")
    sent = services.send_round(officer, round_)
    assert round_.status == Round.Status.SENT and sent == 3
    assert any("28/06/2022" in m.body and "1009/SNV" in m.subject for m in mail.outbox)
    with pytest.raises(RoundError):
        services.set_criteria(officer, req(round_, world["district"]), "d1")


def test_an_agency_sees_only_its_own_request_and_only_once_sent(world):
    round_ = new_round(world)
    staff = world["people"]["staff"]
    assert not services.own_requests(staff).exists()
    services.send_round(world["people"]["officer"], round_)
    assert list(services.own_requests(staff)) == [req(round_, world["tttt"])]
    with pytest.raises(RoundError):
        fill(world["people"]["tp_staff"], req(round_, world["tttt"]))


def test_staff_answer_with_evidence_submit_to_the_head_who_sends(sent_round, world):
    request = req(sent_round, world["tttt"])
    staff, head = world["people"]["staff"], world["people"]["head"]
    with pytest.raises(RoundError, match="Chưa nêu nguyên nhân và giải pháp cho tiêu chí: d8"):
        services.submit(staff, request)
    answer = request.answers.get()
    services.save_answer(
        staff,
        answer,
        causes="Tỷ lệ hồ sơ trực tuyến thấp",
        responsibility="Sở TTTT",
        solutions="Nâng cấp cổng",
        files=[SimpleUploadedFile("minh-chung.pdf", PDF)],
    )
    assert Attachment.objects.get(answer=answer).name == "minh-chung.pdf"
    with pytest.raises(RoundError, match="chỉ nhận PDF"):
        services.save_answer(
            staff,
            answer,
            causes="x",
            responsibility="",
            solutions="y",
            files=[SimpleUploadedFile("virus.exe", b"MZ")],
        )
    assert answer.attachments.count() == 1
    services.submit(staff, request)
    assert request.status == Request.Status.AWAITING_HEAD and request.submitted_at is None
    assert not services.can_edit(staff, request)
    services.return_to_staff(head, request)
    assert request.status == Request.Status.DRAFT
    services.submit(staff, request)
    services.submit(head, request)
    assert request.status == Request.Status.SUBMITTED and request.submitted_by == head


def test_an_agency_without_a_head_sends_directly(sent_round, world):
    request = req(sent_round, world["tp"])
    fill(world["people"]["tp_staff"], request)
    services.submit(world["people"]["tp_staff"], request)
    assert request.status == Request.Status.SUBMITTED


def test_late_means_sent_after_the_deadline_day_in_local_time(sent_round, world):
    request = req(sent_round, world["tp"])
    request.status = Request.Status.SUBMITTED
    # 23:30 on 28/06 in Hà Nội is 16:30 UTC the same day: on time; 00:30 on 29/06 local is late.
    request.submitted_at = datetime(2022, 6, 28, 23, 30, tzinfo=HANOI)
    assert services.state_of(request) == ON_TIME
    request.submitted_at = datetime(2022, 6, 29, 0, 30, tzinfo=HANOI)
    assert services.state_of(request) == LATE
    unsent = req(sent_round, world["tttt"])
    assert services.state_of(unsent, today=date(2022, 6, 28)) == WAITING
    assert services.state_of(unsent, today=date(2022, 6, 29)) == MISSING


def test_status_counts_received_late_missing(sent_round, world):
    tp = req(sent_round, world["tp"])
    tp.status, tp.submitted_at = Request.Status.SUBMITTED, datetime(2022, 6, 30, 9, tzinfo=HANOI)
    tp.save()
    status = services.round_status(sent_round, today=date(2022, 7, 1))
    assert status.counts == {MISSING: 2, WAITING: 0, LATE: 1, ON_TIME: 0}
    assert status.received == 1
    assert [r.request.agency.code for r in status.rows][-1] == "CB.STP"


def test_remind_mails_only_the_agencies_that_have_not_sent(sent_round, world):
    fill(world["people"]["tp_staff"], req(sent_round, world["tp"]))
    services.submit(world["people"]["tp_staff"], req(sent_round, world["tp"]))
    mail.outbox.clear()
    done = services.remind(sent_round, user=world["people"]["officer"])
    assert sorted(u.code for u in done.agencies) == ["CB.H1", "CB.STTTT"]
    assert done.emails == 2
    assert all("canbo_tp@example.vn" not in m.to for m in mail.outbox)
    assert req(sent_round, world["tttt"]).reminders == 1
    with pytest.raises(RoundError):
        services.remind(sent_round, user=world["people"]["other_officer"])


def test_synthesis_turns_chosen_answers_into_plan_items(sent_round, world):
    staff = world["people"]["tp_staff"]
    request = req(sent_round, world["tp"])
    fill(staff, request)
    services.submit(staff, request)
    answers = list(services.submitted_answers(sent_round))
    assert [a.criterion for a in answers] == ["d6", "d8"]
    officer = world["people"]["officer"]
    due = date.today() + timedelta(days=180)
    items = services.synthesise(
        officer, sent_round, [services.Choice(answers[0], "Công khai ngân sách xã", world["tp"], due)]
    )
    item = PlanItem.objects.get(pk=items[0].pk)
    assert (item.criterion, item.lead, item.deadline, item.actions) == (
        "d6",
        world["tp"],
        due,
        "Công khai ngân sách xã",
    )
    assert item.plan.unit.code == "04" and item.plan.index == world["papi"] and item.plan.year == 2021
    answers[0].refresh_from_db()
    assert answers[0].plan_item == item
    with pytest.raises(RoundError, match="đã đưa vào kế hoạch"):
        services.synthesise(officer, sent_round, [services.Choice(answers[0], "", world["tp"], due)])
    with pytest.raises(RoundError, match="thời hạn"):  # nothing written when one is refused
        services.synthesise(officer, sent_round, [services.Choice(answers[1], "", world["tp"], None)])
    assert PlanItem.objects.count() == 1


def test_export_has_the_status_and_every_analysis(sent_round, world):
    fill(world["people"]["tp_staff"], req(sent_round, world["tp"]), text="Thiếu cán bộ")
    services.submit(world["people"]["tp_staff"], req(sent_round, world["tp"]))
    out = io.BytesIO()
    services.export_xlsx(sent_round, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    first, second = book.worksheets
    assert "1009/SNV-CCHC&VTLT" in first["A2"].value and "28/06/2022" in first["A2"].value
    names = [str(first.cell(row, 2).value) for row in range(5, 8)]
    assert sorted(names) == ["Huyện Thử Nghiệm", "Sở Thông tin và Truyền thông", "Sở Tư pháp"]
    causes = [second.cell(row, 5).value for row in range(5, second.max_row + 1)]
    assert causes == ["Thiếu cán bộ", "Thiếu cán bộ"]


def test_the_word_report_has_the_status_and_the_analyses(sent_round, world):
    from docx import Document

    fill(world["people"]["tp_staff"], req(sent_round, world["tp"]), text="Thiếu cán bộ chuyên trách")
    services.submit(world["people"]["tp_staff"], req(sent_round, world["tp"]))
    out = io.BytesIO()
    services.export_docx(sent_round, out)
    doc = Document(io.BytesIO(out.getvalue()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO TỔNG HỢP KẾT QUẢ PHÂN TÍCH" in text and "1009/SNV-CCHC&VTLT" in text
    assert "Nguyên nhân: Thiếu cán bộ chuyên trách" in text and "PAPI d6" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["STT", "Cơ quan, đơn vị", "Tình trạng", "Ngày gửi"] and len(rows) == 4
    width = doc.sections[0].page_width
    assert width is not None and round(width.cm, 1) == 21.0
