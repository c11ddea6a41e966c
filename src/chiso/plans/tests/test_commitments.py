"""The printable commitment, the signed scan, the scorecard of delivery and the `on time` rule."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from chiso.plans import services
from chiso.plans.models import Commitment, ProgressReport, Task
from chiso.plans.services import PlanError
from chiso.plans.services import commitments as cm
from chiso.plans.services.scorecard import on_time, scorecard

PDF = b"%PDF-1.4\n%scan\n"


def _text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_the_commitment_names_the_agency_the_organiser_its_items_and_deadlines(plan, agencies, tmp_path):
    content = cm.commitment_content(plan, agencies["tttt"])
    out = cm.write_docx(content, tmp_path / "cam-ket.docx")
    text = _text(out)
    item = plan.items.get()
    assert "BẢN CAM KẾT" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text
    assert "UBND tỉnh Cao Bằng" in text and "UBND TỈNH CAO BẰNG" in text
    assert "Chỉ số PAPI năm 2021" in text
    assert "d8" in text and "Chủ trì" in text
    assert item.deadline.strftime("%d/%m/%Y") in text
    assert "Nâng cấp cổng dịch vụ công" in text  # its task
    assert "THỦ TRƯỞNG SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text and "LÃNH ĐẠO UBND TỈNH CAO BẰNG" in text
    assert "{{" not in text and "{%" not in text
    # the supporter's commitment lists the same item as supported
    supporter = _text(cm.write_docx(cm.commitment_content(plan, agencies["nv"]), tmp_path / "nv.docx"))
    assert "Phối hợp" in supporter and "Nâng cấp cổng dịch vụ công" not in supporter
    with pytest.raises(PlanError):
        cm.commitment_content(plan, agencies["tp"])


def test_a_scan_marks_the_commitment_signed_on_paper(plan, agencies, people):
    upload = SimpleUploadedFile("cam-ket-da-ky.pdf", PDF)
    found = cm.attach_scan(people["staff"], plan, agencies["tttt"], upload, signed_on=date(2022, 3, 1))
    assert found.method == Commitment.Method.PAPER
    assert found.signed_date == date(2022, 3, 1) and found.scan_name == "cam-ket-da-ky.pdf"
    assert found.scan.read() == PDF
    # another agency's staff may not, a wrong file is refused, a future date is refused
    with pytest.raises(PlanError):
        cm.attach_scan(people["other_staff"], plan, agencies["tttt"], SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(PlanError, match="chỉ nhận PDF, PNG, JPG"):
        cm.attach_scan(people["officer"], plan, agencies["nv"], SimpleUploadedFile("a.docx", b"PK\x03\x04"))
    with pytest.raises(PlanError, match="chưa đến"):
        cm.attach_scan(
            people["officer"],
            plan,
            agencies["nv"],
            SimpleUploadedFile("a.pdf", PDF),
            signed_on=date.today() + timedelta(days=1),
        )
    assert not Commitment.objects.filter(agency=agencies["nv"]).exists()


def test_a_scan_attached_to_a_commitment_signed_in_the_app_keeps_it_signed_in_the_app(plan, agencies, people):
    services.sign_commitment(people["head"], plan, agencies["tttt"])
    found = cm.attach_scan(
        people["officer"], plan, agencies["tttt"], SimpleUploadedFile("x.jpg", b"\xff\xd8xx")
    )
    assert found.method == Commitment.Method.APP and found.scan


def test_on_time_is_on_or_before_the_due_day():
    due = date(2025, 6, 30)
    assert on_time(due, due)
    assert on_time(due - timedelta(days=1), due)
    assert not on_time(due + timedelta(days=1), due)


def _report(item, agency, year, number, day):
    report = ProgressReport.objects.create(
        item=item,
        agency=agency,
        period_kind="quarter",
        period_year=year,
        period_number=number,
        text="x",
        percent_done=50,
    )
    ProgressReport.objects.filter(pk=report.pk).update(
        submitted_at=timezone.make_aware(datetime(day.year, day.month, day.day, 9))
    )


def test_scorecard_figures_on_a_constructed_plan(plan, agencies, people):
    item = plan.items.get()
    item.created = date(2025, 1, 5)
    item.deadline = date(2025, 12, 31)
    item.save()
    plan.grace_days = 10
    plan.save()
    task = item.tasks.get()
    task.due, task.status, task.done_on = date(2025, 3, 31), Task.Status.DONE, date(2025, 3, 31)  # on the day
    task.save()
    Task.objects.create(
        item=item,
        title="b",
        owner=agencies["tttt"],
        due=date(2025, 4, 30),
        status=Task.Status.DONE,
        done_on=date(2025, 5, 1),
    )  # one day late
    Task.objects.create(item=item, title="c", owner=agencies["tttt"], due=date(2025, 6, 30))  # overdue
    Task.objects.create(item=item, title="d", owner=agencies["nv"], due=date(2025, 12, 1))  # not yet due
    _report(item, agencies["tttt"], 2025, 1, date(2025, 4, 10))  # Q1 due 10/04: on the day
    _report(item, agencies["tttt"], 2025, 2, date(2025, 7, 11))  # Q2 due 10/07: one day late
    # Q3 (due 10/10) missing; Q4 (due 10/01/2026) not yet due on 15/10/2025
    rows = {r.agency.code: r for r in scorecard(plan, today=date(2025, 10, 15))}
    tttt, nv = rows["CB.STTTT"], rows["CB.SNV"]
    assert (tttt.tasks_on_time, tttt.tasks_late, tttt.tasks_overdue, tttt.tasks_pending) == (1, 1, 1, 0)
    assert (tttt.reports_on_time, tttt.reports_late, tttt.reports_missing) == (1, 1, 1)
    assert tttt.items_led == 1 and nv.items_supported == 1 and nv.tasks_pending == 1
    assert float(tttt.rate or 0) == pytest.approx(100 * 2 / 6)
    assert nv.rate is None and list(rows) == ["CB.STTTT", "CB.SNV"]  # nothing due: last
    # PAPI 2022 is published: d8 of Cao Bằng compared with 2021
    assert len(tttt.criteria) == 1 and tttt.criteria[0].after is not None


def test_cli_commitment_and_scorecard(plan, agencies, tmp_path, capsys):
    from chiso.cli.main import main

    out = tmp_path / "c.docx"
    assert main(["plans", "commitment", str(plan.pk), "CB.STTTT", "-o", str(out)]) == 0
    assert "Sở Thông tin và Truyền thông" in _text(out)
    capsys.readouterr()
    assert main(["plans", "scorecard", str(plan.pk), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["code"] for r in rows} == {"CB.STTTT", "CB.SNV"}
    assert main(["plans", "scorecard", str(plan.pk), "--format", "csv"]) == 0
    assert "CB.SNV" in capsys.readouterr().out
    assert main(["plans", "scorecard", str(plan.pk)]) == 0
    assert "Sở Thông tin và Truyền thông: nhiệm vụ đúng hạn 0" in capsys.readouterr().out
    assert main(["plans", "commitment", str(plan.pk), "CB.STP", "-o", str(out)]) != 0


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_the_commitment_as_pdf(plan, agencies, tmp_path):
    content = cm.commitment_content(plan, agencies["tttt"])
    out = cm.write_pdf(content, tmp_path / "cam-ket.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    import os

    if os.environ.get("CHISO_KEEP_COMMITMENT"):
        __import__("shutil").copy(out, os.environ["CHISO_KEEP_COMMITMENT"])


def test_pages_permissions_upload_and_scorecard(client, plan, agencies, people):
    tttt, nv = agencies["tttt"], agencies["nv"]
    doc = f"/ke-hoach/{plan.pk}/cam-ket/{tttt.pk}/"
    client.force_login(people["staff"])
    response = client.get(doc)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/ke-hoach/{plan.pk}/cam-ket/{nv.pk}/").status_code == 404  # not its own
    assert client.get(f"/ke-hoach/{plan.pk}/danh-gia/").status_code == 403
    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "Sở Nội vụ" not in page.split('id="commitments"')[1].split("</section>")[0]
    response = client.post(
        f"/ke-hoach/{plan.pk}/cam-ket/{tttt.pk}/ban-quet/",
        {"scan": SimpleUploadedFile("da-ky.pdf", PDF), "signed_on": "2025-01-02"},
    )
    assert response.status_code == 302
    assert Commitment.objects.get(agency=tttt).method == Commitment.Method.PAPER
    assert client.get(f"/ke-hoach/{plan.pk}/cam-ket/{tttt.pk}/tep/").status_code == 200
    for role in ("leader", "officer"):
        client.force_login(people[role])
        assert client.get(f"/ke-hoach/{plan.pk}/cam-ket/{nv.pk}/").status_code == 200
        page = client.get(f"/ke-hoach/{plan.pk}/danh-gia/")
        assert page.status_code == 200 and "Sở Thông tin và Truyền thông" in page.content.decode()
        assert "02/01/2025" in page.content.decode()
        xlsx = client.get(f"/ke-hoach/{plan.pk}/danh-gia/?dinh-dang=xlsx")
        assert xlsx.content[:2] == b"PK"
