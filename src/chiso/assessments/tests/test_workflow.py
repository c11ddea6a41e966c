"""The whole cycle through the services: self-assessment → head → appraisal → explanation →
council → publication, with the audit log and the guards on every step."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.models import AuditEntry, Evidence, State
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, cycle_analysis, stage_tree
from chiso.assessments.tests.helpers import PDF, fill_self_assessment

pytestmark = pytest.mark.django_db


def justice(cycle):
    return cycle.assessments.get(unit__code="QN.STP")


def test_self_points_follow_the_rules(cycle, people):
    assessment = justice(cycle)
    row = workflow.save_self_score(
        people["staff"], assessment, "3.1", {"numerator": "950", "denominator": "1000"}, expected_version=0
    )
    assert row.self_points == Decimal("7.6")  # 950/1000 × 8
    row = workflow.save_self_score(
        people["staff"], assessment, "1.1", {"choice": "khong_kip_thoi"}, expected_version=0
    )
    assert row.self_points == Decimal(1)
    row = workflow.save_self_score(
        people["staff"], assessment, "5.2", {"occurrences": "2"}, expected_version=0
    )
    assert row.self_points == Decimal(1)
    with pytest.raises(workflow.WorkflowError):
        workflow.save_self_score(
            people["staff"], assessment, "3.1", {"numerator": "1200", "denominator": "x"}, expected_version=1
        )
    with pytest.raises(workflow.WorkflowError, match="điều tra xã hội học"):
        workflow.save_self_score(people["staff"], assessment, "8.1", {"points": "10"}, expected_version=0)


def test_the_whole_cycle(cycle, people):
    assessment = justice(cycle)
    fill_self_assessment(people["staff"], assessment)
    workflow.send_to_head(people["staff"], assessment)
    assessment.refresh_from_db()
    assert assessment.state == State.AWAITING_HEAD
    workflow.head_approve(people["head"], assessment)
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED and assessment.head_approved_by == people["head"]

    self_total = stage_tree(assessment, SELF)["total"].points
    assert self_total is None  # survey criteria have no points yet: the total is missing, not zero
    assert stage_tree(assessment, SELF)["3"].points == Decimal("7.6") + Decimal("3.5") + Decimal("5.4")

    with pytest.raises(workflow.WorkflowError, match="lý do"):
        workflow.set_appraised(people["appraiser"], assessment, "3.2", "2", "", expected_version=1)
    workflow.set_appraised(
        people["appraiser"], assessment, "3.2", "2", "Chưa công khai 3 thủ tục mới", expected_version=1
    )
    assessment.refresh_from_db()
    assert assessment.state == State.UNDER_APPRAISAL
    workflow.send_appraisal(people["appraiser"], assessment)
    assessment.refresh_from_db()
    assert assessment.state == State.APPRAISED and assessment.round == 1

    workflow.explain(people["staff"], assessment, "3.2", "Đã công khai ngày 15/12, xin xem tài liệu bổ sung.")
    workflow.finish_explanation(people["staff"], assessment)
    workflow.set_appraised(
        people["appraiser"], assessment, "3.2", "3", "Chấp nhận một phần giải trình", expected_version=2
    )
    for code, percent in (("8.1", "85.5"), ("8.2", "80")):
        workflow.set_survey_index(
            people["officer"], assessment, code, percent, "SIPAS 2025", expected_version=0
        )
    workflow.send_to_council(people["appraiser"], assessment)
    workflow.council_approve(people["council"], assessment)
    assessment.refresh_from_db()
    assert assessment.state == State.APPROVED

    final = stage_tree(assessment, FINAL)
    appraised = stage_tree(assessment, APPRAISED)
    assert final["3.2"].points == Decimal(3) and final["8.1"].points == Decimal("13.68")
    assert final["total"].points == appraised["total"].points
    assert stage_tree(assessment, SELF)["3.2"].points == Decimal("3.5")  # self scores are kept

    log = AuditEntry.objects.filter(assessment=assessment, criterion="3.2")
    assert [e.action for e in log.order_by("time", "id")][-4:] == [
        "appraise",
        "explain",
        "appraise",
        "finalise",
    ]
    appraisal = log.filter(action="appraise").first()
    assert appraisal is not None and appraisal.reason == "Chấp nhận một phần giải trình"

    with pytest.raises(workflow.WorkflowError, match="chưa được phê duyệt"):
        workflow.publish(people["officer"], cycle)


def test_publication_ranks_the_block(cycle, people):
    for assessment, staff, head in (
        (justice(cycle), people["staff"], people["head"]),
        (cycle.assessments.get(unit__code="QN.SYT"), people["other_staff"], people["other_head"]),
    ):
        fill_self_assessment(staff, assessment, with_evidence=False)
        workflow.head_approve(head, assessment)
        workflow.set_appraised(
            people["appraiser"],
            assessment,
            "1.2",
            "3.8",
            "",
            expected_version=workflow.current_version(assessment, "1.2"),
        )
        workflow.send_appraisal(people["appraiser"], assessment)
        for code in ("8.1", "8.2"):
            workflow.set_survey_index(
                people["officer"],
                assessment,
                code,
                "90" if staff == people["staff"] else "70",
                expected_version=0,
            )
        workflow.send_to_council(people["officer"], assessment)
        workflow.council_approve(people["council"], assessment)
    workflow.publish(people["officer"], cycle)
    cycle.refresh_from_db()
    assert cycle.is_published
    analysis = cycle_analysis(cycle)
    table = analysis.league_table()
    assert [row.unit.name for row in table] == ["Sở Tư pháp", "Sở Y tế"]
    assert [row.rank for row in table] == [1, 2] and analysis.total_ranking.of == 2


def test_submission_needs_points_and_evidence_or_an_explanation(cycle, people):
    assessment = justice(cycle)
    workflow.save_self_score(people["staff"], assessment, "1.1", {"choice": "kip_thoi"}, expected_version=0)
    with pytest.raises(workflow.WorkflowError, match=r"1\.2: chưa chấm điểm"):
        workflow.send_to_head(people["staff"], assessment)


def test_withdraw_before_the_deadline_only(cycle, people):
    assessment = justice(cycle)
    fill_self_assessment(people["staff"], assessment)
    workflow.head_approve(people["head"], assessment)
    with pytest.raises(workflow.WorkflowError, match="lý do"):
        workflow.withdraw(people["staff"], assessment, "")
    workflow.withdraw(people["staff"], assessment, "Bổ sung tài liệu tiêu chí 3.2")
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT
    workflow.head_approve(people["head"], assessment)
    cycle.self_assessment_due = date.today() - timedelta(days=1)
    cycle.save()
    assessment.refresh_from_db()
    with pytest.raises(workflow.NotAllowed):
        workflow.withdraw(people["staff"], assessment, "Quá hạn")


def test_concurrent_edits_never_overwrite_silently(cycle, people):
    assessment = justice(cycle)
    first = workflow.save_self_score(people["staff"], assessment, "4.1", {"points": "3"}, expected_version=0)
    opened_version = first.version
    workflow.save_self_score(
        people["head"], assessment, "4.1", {"points": "3.5"}, expected_version=opened_version
    )
    with pytest.raises(workflow.StaleEdit) as caught:
        workflow.save_self_score(
            people["staff"], assessment, "4.1", {"points": "2"}, expected_version=opened_version
        )
    assert caught.value.theirs == Decimal("3.5") and caught.value.by == "thutruong_stp"
    assert "3.5" in str(caught.value) and "2" in str(caught.value)
    assert assessment.scores.get(criterion="4.1").self_points == Decimal("3.5")


def test_evidence_is_checked_and_stored_by_content_hash(cycle, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = justice(cycle)
    first = evidence_service.add_evidence(
        people["staff"], assessment, "3.2", SimpleUploadedFile("a.pdf", PDF)
    )
    second = evidence_service.add_evidence(
        people["staff"], assessment, "3.3", SimpleUploadedFile("b.pdf", PDF)
    )
    assert first.sha256 == second.sha256 and first.file.name == second.file.name
    assert first.file.name.endswith(first.sha256)
    with pytest.raises(workflow.WorkflowError, match="không đúng định dạng"):
        evidence_service.add_evidence(
            people["staff"], assessment, "3.2", SimpleUploadedFile("fake.pdf", b"MZ not a pdf")
        )
    with pytest.raises(workflow.WorkflowError, match="chỉ nhận"):
        evidence_service.add_evidence(
            people["staff"], assessment, "3.2", SimpleUploadedFile("virus.exe", b"MZ")
        )
    evidence_service.remove_evidence(people["staff"], first)
    assert Evidence.objects.filter(pk=first.pk, removed=True).exists()  # kept for the audit
    assert (tmp_path / first.file.name).exists()


def test_reopen_needs_a_reason_and_an_unpublished_cycle(cycle, people):
    assessment = justice(cycle)
    fill_self_assessment(people["staff"], assessment)
    workflow.head_approve(people["head"], assessment)
    workflow.send_appraisal(people["appraiser"], assessment)
    workflow.send_to_council(people["officer"], assessment)
    workflow.council_approve(people["council"], assessment)
    with pytest.raises(workflow.NotAllowed):
        workflow.reopen(people["appraiser"], assessment, "Sai sót")
    workflow.reopen(people["officer"], assessment, "Phát hiện sai sót ở tiêu chí 3.1")
    assessment.refresh_from_db()
    assert assessment.state == State.UNDER_APPRAISAL
    assert (
        AuditEntry.objects.filter(assessment=assessment, action="reopen").get().reason.startswith("Phát hiện")
    )
