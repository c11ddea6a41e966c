"""The round pages for each role: the officer creates, edits, sends, follows, reminds, synthesises and
exports; an agency answers its own request; others get the Vietnamese 403. And `chiso rounds`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.core.once import new_token
from chiso.plans.models import PlanItem
from chiso.rounds.models import Request, Round
from chiso.rounds.tests.conftest import PDF, fill

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_officer_creates_a_round_from_the_form(client, world):
    as_user(client, world["people"]["officer"])
    page = client.get(reverse("rounds:new"))
    assert page.status_code == 200 and "Số hiệu văn bản" in page.content.decode()
    data = {
        "number": "1009/SNV-CCHC&VTLT",
        "issued": "03/06/2022",
        "deadline": "28/06/2022",
        "title": "Phân tích PAPI 2021",
        "year": "2021",
        "indices": [world["papi"].pk],
        "agencies": [world["tttt"].pk, world["district"].pk],
        "once": new_token(),
    }
    response = client.post(reverse("rounds:new"), data)
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("rounds:round", args=[round_.pk])
    client.post(reverse("rounds:new"), data)  # the same form twice: one round
    assert Round.objects.count() == 1 and round_.deadline == date(2022, 6, 28)
    page = client.get(reverse("rounds:round", args=[round_.pk])).content.decode()
    assert "Huyện Thử Nghiệm" in page and 'value="d3"' in page and "Gửi đề nghị" in page


def test_officer_pages_refuse_others_with_the_vietnamese_403(client, sent_round, world):
    for name in ("other_officer", "staff"):
        as_user(client, world["people"][name])
        response = client.get(reverse("rounds:round", args=[sent_round.pk]))
        assert response.status_code == 403
        assert "Chỉ cán bộ của đơn vị tổ chức đợt báo cáo" in response.content.decode()
    assert client.get(reverse("rounds:new")).status_code == 403
    assert client.get(reverse("rounds:export", args=[sent_round.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("rounds:round", args=[sent_round.pk])).status_code == 302


def test_an_agency_opens_its_own_request_and_not_anothers(client, sent_round, world):
    own = Request.objects.get(round=sent_round, agency=world["tttt"])
    other = Request.objects.get(round=sent_round, agency=world["tp"])
    as_user(client, world["people"]["staff"])
    listing = client.get(reverse("rounds:list")).content.decode()
    assert (
        reverse("rounds:request", args=[own.pk]) in listing
        and reverse("rounds:request", args=[other.pk]) not in listing
    )
    page = client.get(reverse("rounds:request", args=[own.pk])).content.decode()
    assert "Nguyên nhân" in page and "Lưu nháp" in page
    response = client.get(reverse("rounds:request", args=[other.pk]))
    assert response.status_code == 403 and "gửi cơ quan, đơn vị khác" in response.content.decode()


def test_staff_answer_with_a_file_and_the_head_approves(client, sent_round, world):
    request = Request.objects.get(round=sent_round, agency=world["tttt"])
    answer = request.answers.get()
    as_user(client, world["people"]["staff"])
    prefix = f"a{answer.pk}"
    client.post(
        reverse("rounds:answer", args=[answer.pk]),
        {
            f"{prefix}-causes": "Thiếu hạ tầng",
            f"{prefix}-responsibility": "Sở TTTT",
            f"{prefix}-solutions": "Đầu tư hạ tầng",
            f"{prefix}-files": [SimpleUploadedFile("bien-ban.pdf", PDF)],
        },
    )
    answer.refresh_from_db()
    assert answer.causes == "Thiếu hạ tầng" and answer.attachments.get().name == "bien-ban.pdf"
    client.post(reverse("rounds:submit", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == Request.Status.AWAITING_HEAD
    as_user(client, world["people"]["head"])
    assert "Duyệt và gửi báo cáo" in client.get(reverse("rounds:request", args=[request.pk])).content.decode()
    client.post(reverse("rounds:submit", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == Request.Status.SUBMITTED
    file = client.get(reverse("rounds:file", args=[answer.attachments.get().pk]))
    assert file.status_code == 200
    as_user(client, world["people"]["tp_staff"])
    assert client.get(reverse("rounds:file", args=[answer.attachments.get().pk])).status_code == 403


def test_the_officer_sees_counts_reminds_and_synthesises(client, sent_round, world):
    tp = Request.objects.get(round=sent_round, agency=world["tp"])
    fill(world["people"]["tp_staff"], tp)
    from chiso.rounds import services

    services.submit(world["people"]["tp_staff"], tp)
    as_user(client, world["people"]["officer"])
    page = client.get(reverse("rounds:round", args=[sent_round.pk])).content.decode()
    assert 'id="count-received">1<small>/3' in page
    assert 'id="count-missing">2' in page  # the deadline 28/06/2022 has passed: late, not on time
    assert 'id="count-late">1' in page
    response = client.post(reverse("rounds:remind", args=[sent_round.pk]))
    assert response.status_code == 302 and "/viec/" in response.url
    assert Request.objects.get(round=sent_round, agency=world["tttt"]).reminders == 1
    answers = list(services.submitted_answers(sent_round))
    due = (date.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    bad = client.post(
        reverse("rounds:synthesis", args=[sent_round.pk]),
        {f"chon-{answers[0].pk}": "1", f"han-{answers[0].pk}": "32/13/2025"},
    )
    assert "thời hạn phải theo dạng dd/mm/yyyy" in bad.content.decode() and not PlanItem.objects.exists()
    client.post(
        reverse("rounds:synthesis", args=[sent_round.pk]),
        {
            f"chon-{answers[0].pk}": "1",
            f"giai-phap-{answers[0].pk}": "Rà soát quy trình",
            f"chu-tri-{answers[0].pk}": str(world["district"].pk),
            f"han-{answers[0].pk}": due,
        },
    )
    item = PlanItem.objects.get()
    assert item.lead == world["district"] and item.actions == "Rà soát quy trình"
    page = client.get(reverse("rounds:synthesis", args=[sent_round.pk])).content.decode()
    assert "Đã đưa vào kế hoạch: Huyện Thử Nghiệm chủ trì" in page
    export = client.get(reverse("rounds:export", args=[sent_round.pk]))
    assert export.status_code == 200 and export["Content-Disposition"].endswith('.xlsx"')
    word = client.get(reverse("rounds:export", args=[sent_round.pk]) + "?dang=docx")
    assert word.status_code == 200 and word["Content-Disposition"].endswith('.docx"')


def test_round_pages_keep_their_queries_bounded(client, django_assert_max_num_queries, sent_round, world):
    from chiso.rounds import services
    from chiso.units.models import Unit

    tp = Request.objects.get(round=sent_round, agency=world["tp"])
    fill(world["people"]["tp_staff"], tp)
    services.submit(world["people"]["tp_staff"], tp)
    as_user(client, world["people"]["officer"])
    urls = [
        reverse("rounds:list"),
        reverse("rounds:round", args=[sent_round.pk]),
        reverse("rounds:synthesis", args=[sent_round.pk]),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    # Ten more agencies that answered: no more queries.
    for n in range(10):
        unit = Unit.objects.create(level="department", code=f"CB.X{n}", name=f"Sở {n}", parent_code="04")
        request = Request.objects.create(round=sent_round, agency=unit)
        request.answers.create(framework=world["framework"], criterion="d1", causes="a", solutions="b")
        request.status = Request.Status.SUBMITTED
        request.save()
    assert len(services.submitted_answers(sent_round)) == 12
    for url in urls:
        with django_assert_max_num_queries(counts[url], info=url):
            assert client.get(url).status_code == 200


def test_the_command_line_lists_creates_shows_reminds_and_exports(world, capsys, tmp_path):
    from chiso.cli.main import main

    assert (
        main(
            [
                "rounds",
                "create",
                "--organiser",
                "so-noi-vu-04",
                "--number",
                "1064/SNV",
                "--deadline",
                "28/06/2022",
                "--issued",
                "10/06/2022",
                "--title",
                "Phân tích PAPI",
                "--year",
                "2021",
                "--index",
                "papi",
                "--user",
                "sonoivu_cb",
                "--send",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    round_ = Round.objects.get()
    assert f"Đã tạo đợt báo cáo số {round_.pk}" in out and round_.status == Round.Status.SENT
    assert main(["rounds", "list"]) == 0
    assert "1064/SNV" in capsys.readouterr().out
    assert main(["rounds", "status", str(round_.pk)]) == 0
    out = capsys.readouterr().out
    assert "đã nhận 0/3" in out and "Huyện Thử Nghiệm: Quá hạn chưa gửi" in out
    assert main(["rounds", "remind", str(round_.pk)]) == 0
    assert "Đã nhắc 3 cơ quan" in capsys.readouterr().out
    target = tmp_path / "tong-hop.xlsx"
    assert main(["rounds", "export", str(round_.pk), "-o", str(target)]) == 0
    assert target.stat().st_size > 1000
    assert main(["rounds", "export", str(round_.pk), "-o", str(tmp_path / "bao-cao.docx")]) == 0
    assert (tmp_path / "bao-cao.docx").read_bytes()[:2] == b"PK"
    assert (
        main(
            [
                "rounds",
                "create",
                "--organiser",
                "so-noi-vu-04",
                "--number",
                "x",
                "--deadline",
                "28/06/2022",
                "--title",
                "t",
                "--year",
                "2021",
                "--index",
                "papi",
                "--units",
                "ZZ",
                "--user",
                "sonoivu_cb",
            ]
        )
        == 1
    )
    assert "ZZ" in capsys.readouterr().err
