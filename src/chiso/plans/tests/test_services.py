"""Plans: required owners and deadlines, the reporting schedule and silence, escalation, the
responsibility import, proposals on real PAPI data, commitments and the report rows."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from chiso.plans import services
from chiso.plans.models import Commitment, Escalation, Frequency, ItemStatus, PlanItem, Responsibility, Task
from chiso.plans.services import Period, PlanError
from chiso.plans.tests.conftest import workbook

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


# -- owners and deadlines are mandatory -------------------------------------------------------------


def test_an_item_needs_a_lead_and_a_deadline(plan, people, agencies):
    officer = people["officer"]
    with pytest.raises(PlanError, match="cơ quan chủ trì"):
        services.add_item(officer, plan, criterion="d3", lead=None, deadline=date(2026, 6, 30))
    with pytest.raises(PlanError, match="thời hạn"):
        services.add_item(officer, plan, criterion="d3", lead=agencies["tp"], deadline=None)
    with pytest.raises(PlanError, match="Không có tiêu chí"):
        services.add_item(officer, plan, criterion="d99", lead=agencies["tp"], deadline=date(2026, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanItem.objects.create(plan=plan, criterion="d3", lead=agencies["tp"], deadline=None)  # type: ignore[misc]


def test_a_task_needs_an_owner_and_a_due_date(plan, people, agencies):
    item = plan.items.get()
    officer = people["officer"]
    with pytest.raises(PlanError, match="cơ quan thực hiện"):
        services.add_task(officer, item, title="Tập huấn", owner=None, due=date(2026, 3, 1))
    with pytest.raises(PlanError, match="hạn hoàn thành"):
        services.add_task(officer, item, title="Tập huấn", owner=agencies["tp"], due=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(item=item, title="x", owner=agencies["tp"], due=None)  # type: ignore[misc]


def test_only_officers_change_plans(plan, people, agencies):
    with pytest.raises(PlanError):
        services.add_item(
            people["leader"], plan, criterion="d3", lead=agencies["tp"], deadline=date(2026, 6, 30)
        )
    with pytest.raises(PlanError):
        services.add_task(
            people["head"], plan.items.get(), title="x", owner=agencies["tp"], due=date(2026, 1, 1)
        )


# -- the reporting schedule and silence -------------------------------------------------------------


def test_periods():
    q2 = Period.containing(Frequency.QUARTERLY, date(2025, 5, 20))
    assert (q2.start, q2.end, q2.label, q2.key) == (
        date(2025, 4, 1),
        date(2025, 6, 30),
        "Quý 2/2025",
        "quarter-2025-2",
    )
    assert Period.containing(Frequency.MONTHLY, date(2024, 2, 10)).end == date(2024, 2, 29)
    assert Period.containing(Frequency.HALF_YEARLY, date(2025, 9, 1)).label == "6 tháng cuối năm 2025"
    assert Period.containing(Frequency.YEARLY, date(2025, 9, 1)).label == "Cả năm 2025"
    assert Period(2025, 4, Frequency.QUARTERLY).next() == Period(2026, 1, Frequency.QUARTERLY)
    keys = [
        p.key for p in services.periods_between(Frequency.QUARTERLY, date(2025, 2, 1), date(2025, 12, 31))
    ]
    assert keys == ["quarter-2025-1", "quarter-2025-2", "quarter-2025-3", "quarter-2025-4"]
    assert Period.from_key("month-2025-03").label == "Tháng 03/2025"
    with pytest.raises(ValueError):
        Period.from_key("quarter-2025-5")


def _dated_item(plan, agencies, created=date(2025, 1, 10), deadline=date(2025, 12, 31)) -> PlanItem:
    item = plan.items.get()
    item.created, item.deadline = created, deadline
    item.save()
    return item


def test_a_passed_period_without_a_report_is_silent(plan, people, agencies):
    item = _dated_item(plan, agencies)
    states = [(e.period.key, e.state) for e in services.schedule(item, today=date(2025, 4, 15))]
    assert states == [
        ("quarter-2025-1", services.MISSING),  # due 10/04/2025 (10 days' grace)
        ("quarter-2025-2", services.OPEN),
        ("quarter-2025-3", services.UPCOMING),
        ("quarter-2025-4", services.UPCOMING),
    ]
    assert services.schedule(item, today=date(2025, 4, 10))[0].state == services.OPEN  # still in grace
    services.submit_report(
        people["staff"],
        item,
        period=Period(2025, 1, Frequency.QUARTERLY),
        text="Đã khảo sát",
        percent_done=20,
    )
    assert services.silent_periods(item, today=date(2025, 4, 15)) == []


def test_health(plan, people, agencies):
    item = _dated_item(plan, agencies)
    item.tasks.update(due=date(2025, 9, 30))
    assert services.health(item, date(2025, 3, 1)).state == services.ON_TRACK
    at_risk = services.health(item, date(2025, 4, 15))
    assert at_risk.state == services.AT_RISK and "Quý 1/2025" in at_risk.reasons[0]
    overdue = services.health(item, date(2025, 10, 5))
    assert overdue.state == services.OVERDUE and len(overdue.late_tasks) == 1
    item.status = ItemStatus.DONE
    item.save()
    assert services.health(item, date(2026, 5, 1)).state == services.DONE


def test_dashboard_by_agency(plan, people, agencies):
    _dated_item(plan, agencies)
    board = services.dashboard(today=date(2025, 4, 15))
    row = next(r for r in board.rows if r.agency == agencies["tttt"])
    assert (row.at_risk, row.overdue, len(row.silent)) == (1, 0, 1)
    assert board.silent_owners[0].agency == agencies["tttt"]


# -- escalation -------------------------------------------------------------------------------------


def test_escalation_emails_officers_and_owners_once(plan, people, agencies, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    item = _dated_item(plan, agencies)
    task = item.tasks.get()
    task.due = date(2025, 3, 31)
    task.save()
    report = services.escalate(date(2025, 4, 15))
    kinds = sorted(e.kind for e in report.new)
    assert kinds == [Escalation.Kind.OVERDUE_TASK, Escalation.Kind.SILENT]
    assert report.tasks_marked_late == 1
    task.refresh_from_db()
    assert task.status == Task.Status.LATE
    assert report.emails == 2 and len(mail.outbox) == 2
    to_officers = next(m for m in mail.outbox if "sonoivu@example.vn" in m.to)
    assert "quantri@example.vn" in to_officers.to
    assert "chưa báo cáo tiến độ Quý 1/2025" in to_officers.body
    assert "Nâng cấp cổng dịch vụ công" in to_officers.body
    to_agency = next(m for m in mail.outbox if "canbo_tttt@example.vn" in m.to)
    assert "giamdoc_tttt@example.vn" in to_agency.to and "canbo_tp@example.vn" not in to_agency.to
    # the next day: nothing new, no mail
    again = services.escalate(date(2025, 4, 16))
    assert again.new == [] and len(mail.outbox) == 2


def test_remind_command(plan, people, agencies, settings):
    from chiso.cli.parser import add_plans

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _dated_item(plan, agencies)
    parser = argparse.ArgumentParser()
    add_plans(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["plans", "remind", "--date", "15/04/2025", "--dry-run"])
    output = args.func(args)
    assert output.startswith("1 cảnh báo mới ngày 15/04/2025 (chạy thử")
    assert Escalation.objects.count() == 0 and mail.outbox == []
    args = parser.parse_args(["plans", "remind", "--date", "15/04/2025"])
    assert "đã gửi 2 thư" in args.func(args)
    assert Escalation.objects.count() == 1


# -- responsibilities from Excel --------------------------------------------------------------------


def test_import_responsibilities(people, agencies, cao_bang_2021):
    framework = cao_bang_2021.framework
    data = workbook(
        [
            ["Mã tiêu chí", "Tên", "Cơ quan chủ trì", "Cơ quan phối hợp"],
            ["d8", "Quản trị điện tử", "CB.STTTT", "Sở Nội vụ; sở tư pháp"],
            ["d7", "Quản trị môi trường", "Sở Tài nguyên và Môi trường", None],
            [None, None, None, None],
        ]
    )
    result = services.import_responsibilities(people["officer"], framework, data)
    assert (result.created, result.updated) == (2, 0)
    d8 = Responsibility.objects.get(framework=framework, criterion="d8")
    assert d8.lead == agencies["tttt"]
    assert set(d8.supporters.all()) == {agencies["nv"], agencies["tp"]}
    assert services.responsibility_for(framework, "d8.2") == d8  # a sub-dimension inherits


def test_import_errors_name_row_and_column_and_write_nothing(people, agencies, cao_bang_2021):
    framework = cao_bang_2021.framework
    data = workbook(
        [
            ["Mã tiêu chí", "Cơ quan chủ trì", "Cơ quan phối hợp"],
            ["d8", "CB.STTTT", ""],
            ["d42", "CB.STTTT", ""],
            ["d7", "Sở Không Có", ""],
            ["d3", "", ""],
            ["d1", "CB.SNV", "Sở Ma"],
            ["d8", "CB.SNV", ""],
        ]
    )
    with pytest.raises(services.ResponsibilityImportError) as caught:
        services.import_responsibilities(people["officer"], framework, data)
    assert caught.value.errors == [
        "Dòng 3, cột A: không có tiêu chí “d42” trong khung papi-2018.",
        "Dòng 4, cột B: không có cơ quan “Sở Không Có”.",
        "Dòng 5, cột B: thiếu cơ quan chủ trì.",
        "Dòng 6, cột C: không có cơ quan “Sở Ma”.",
        "Dòng 7: tiêu chí d8 lặp lại.",
    ]
    assert not Responsibility.objects.filter(framework=framework).exists()
    with pytest.raises(services.ResponsibilityImportError, match="thiếu cột “Cơ quan chủ trì”"):
        services.import_responsibilities(
            people["officer"], framework, workbook([["Mã tiêu chí", "Ai"], ["d8", "x"]])
        )
    with pytest.raises(services.ResponsibilityImportError, match="không phải tệp Excel"):
        services.import_responsibilities(
            people["officer"], framework, SimpleUploadedFile("a.xlsx", b"not excel")
        )


# -- proposals on real data -------------------------------------------------------------------------


def test_propose_items_for_cao_bang_papi_2021(agencies, people, cao_bang_2021):
    subject = cao_bang_2021
    services.set_responsibility(
        people["officer"], subject.framework, "d8", agencies["tttt"], [agencies["nv"]]
    )
    proposals = services.propose_items(subject.analysis, subject.ref, 50, subject.framework)
    # PAPI's sub-dimensions have no maximum, so its dimensions are the criteria planned.
    assert [p.code for p in proposals] == ["d8", "d7", "d3", "d1", "d2"]
    d8 = proposals[0]
    assert d8.percent is not None
    assert (
        round(d8.percent, 2) == Decimal("20.31")
        and d8.lead == agencies["tttt"]
        and d8.supporters == [agencies["nv"]]
    )
    assert proposals[1].lead is None
    assert [p.code for p in services.propose_items(subject.analysis, subject.ref, 30, subject.framework)] == [
        "d8"
    ]


def test_proposals_from_a_rank_target(agencies, cao_bang_2021):
    from chiso.engine.whatif import rank_target

    subject = cao_bang_2021
    result = rank_target(subject.analysis, subject.ref, 30)
    gains = {g.code: g.points for g in result.gains}
    proposals = services.proposals_from_gains(subject.analysis, subject.ref, gains, subject.framework)
    assert [p.code for p in proposals] == list(gains)
    gained = [p.gain for p in proposals if p.gain is not None]
    assert len(gained) == len(proposals) and sum(gained) == result.needed_gain
    assert all(p.points is not None and p.target == p.points + gains[p.code] for p in proposals)


# -- reports, commitments, report rows --------------------------------------------------------------


def test_only_the_owning_agency_reports_with_evidence_by_hash(plan, people, agencies):
    item = plan.items.get()
    period = services.reportable_periods(item)[0]
    with pytest.raises(PlanError):
        services.submit_report(people["other_staff"], item, period=period, text="x", percent_done=10)
    with pytest.raises(PlanError):
        services.submit_report(people["officer"], item, period=period, text="x", percent_done=10)
    with pytest.raises(PlanError, match="PDF"):
        services.submit_report(
            people["staff"],
            item,
            period=period,
            text="x",
            percent_done=10,
            evidence=SimpleUploadedFile("a.pdf", b"MZ"),
        )
    first = services.submit_report(
        people["staff"],
        item,
        period=period,
        text="Đã ký hợp đồng",
        percent_done=30,
        evidence=SimpleUploadedFile("hd.pdf", PDF),
    )
    second = services.submit_report(
        people["head"],
        item,
        period=period,
        text="Bổ sung",
        percent_done=35,
        evidence=SimpleUploadedFile("hd-2.pdf", PDF),
    )
    assert first.evidence_sha256 == second.evidence_sha256 and first.evidence.name == second.evidence.name
    assert first.evidence.name.endswith(first.evidence_sha256)
    assert first.agency == agencies["tttt"]


def test_heads_sign_their_agency_commitment_once(plan, people, agencies):
    # the lead, and the supporting agency (its commitment lists the item it supports)
    assert services.involved_agencies(plan) == [agencies["nv"], agencies["tttt"]]
    with pytest.raises(PlanError):
        services.sign_commitment(people["staff"], plan, agencies["tttt"])
    with pytest.raises(PlanError):
        services.sign_commitment(people["other_head"], plan, agencies["tp"])
    signed = services.sign_commitment(people["head"], plan, agencies["tttt"])
    assert signed.head == people["head"] and signed.text == plan.commitment_text
    with pytest.raises(PlanError, match="đã ký"):
        services.sign_commitment(people["head"], plan, agencies["tttt"])
    assert Commitment.objects.count() == 1


def test_report_rows_for_the_conference_report(plan, people, agencies):
    item = plan.items.get()
    item.deadline = date(2026, 6, 30)
    item.target_points = Decimal("3.5")
    item.save()
    rows = services.report_rows("PAPI", 2021, "04")
    assert rows == [
        {
            "code": "d8",
            "name": "Quản trị điện tử",
            "lead": "Sở Thông tin và Truyền thông",
            "supporters": "Sở Nội vụ",
            "action": "Đưa 100% thủ tục lên dịch vụ công trực tuyến toàn trình.",
            "deadline": "30/06/2026",
            "deadline_date": date(2026, 6, 30),
            "status": "Đang thực hiện",
            "target": "3,50",
        }
    ]
    assert services.report_rows("papi", 2020, "04") == []
    assert services.report_rows("nothing", 2021, "04") == []
    # A plan made after a month's results is that month's, not the year's.
    assert services.report_rows("PAPI", 2021, "04", "2021-10") == []
    plan.period = "2021-10"
    plan.save()
    assert services.report_rows("PAPI", 2021, "04") == []
    assert [row["code"] for row in services.report_rows("PAPI", 2021, "04", "2021-10")] == ["d8"]


def test_visible_plans(plan, people):
    assert list(services.visible_plans(people["leader"])) == [plan]
    assert list(services.visible_plans(people["staff"])) == [plan]
    assert list(services.visible_plans(people["other_staff"])) == []
    assert list(services.visible_plans(people["appraiser"])) == []
    from django.contrib.auth.models import AnonymousUser

    assert list(services.visible_plans(AnonymousUser())) == []
