"""Locks that hold (issue 10): published figures never move, approved or council figures move only
after a reopening, nobody judges their own unit, every edit names the version it edits."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as perm
from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.models import Assessment, AuditEntry, CriterionScore, Evidence, Explanation, State
from chiso.assessments.scoring import FINAL, cycle_analysis
from chiso.assessments.tests.helpers import PDF, fill_self_assessment, version, version_of
from chiso.core.once import new_token

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def justice(cycle) -> Assessment:
    return cycle.assessments.get(unit__code="QN.STP")


def health(cycle) -> Assessment:
    return cycle.assessments.get(unit__code="QN.SYT")


def to_council(assessment: Assessment, staff, head, people, survey: str) -> None:
    fill_self_assessment(staff, assessment, with_evidence=False)
    workflow.head_approve(head, assessment)
    workflow.set_appraised(
        people["appraiser"],
        assessment,
        "4.1",
        "2",
        "Thiếu báo cáo",
        expected_version=version(assessment, "4.1"),
    )
    workflow.send_appraisal(people["appraiser"], assessment)
    for code in ("8.1", "8.2"):
        workflow.set_survey_index(
            people["officer"], assessment, code, survey, "SIPAS", expected_version=version(assessment, code)
        )
    workflow.send_to_council(people["officer"], assessment)


def approve_both(cycle, people) -> None:
    to_council(justice(cycle), people["staff"], people["head"], people, "90")
    to_council(health(cycle), people["other_staff"], people["other_head"], people, "85")
    for assessment in cycle.assessments.all():
        workflow.council_approve(people["council"], assessment)


def figures(cycle) -> tuple:
    """Everything that makes the final results: every score row and the league table."""
    table = cycle_analysis(cycle, FINAL).league_table()
    rows = list(
        CriterionScore.objects.filter(assessment__cycle=cycle)
        .order_by("pk")
        .values_list("survey_index", "self_points", "appraised_points", "final_points", "version")
    )
    return rows, [(row.unit.code, row.score, row.rank) for row in table]


# -- 1. published and approved figures -----------------------------------------------------------------


def test_the_survey_page_cannot_change_a_published_cycle(client, cycle, people):
    """The attack of issue 10: POST v-<assessment>-8.1=10 on the survey page of a published cycle."""
    approve_both(cycle, people)
    workflow.publish(people["officer"], cycle)
    before = figures(cycle)
    target = justice(cycle)
    client.force_login(people["officer"])
    url = reverse("administration:survey", args=[cycle.pk])
    response = client.post(
        url,
        {
            f"v-{target.pk}-8.1": "10",
            f"ver-{target.pk}-8.1": str(version(target, "8.1")),
            "source": "Sửa sau công bố",
        },
    )
    assert response.status_code == 422 and "đã công bố" in response.text
    assert figures(cycle) == before
    assert not AuditEntry.objects.filter(action="survey_index", reason="Sửa sau công bố").exists()
    # The page shows the cells locked.
    assert 'disabled title="Đã khóa' in client.get(url).text


def test_survey_indices_are_locked_with_the_council_and_after_approval_until_reopened(cycle, people):
    assessment = justice(cycle)
    to_council(assessment, people["staff"], people["head"], people, "90")
    with pytest.raises(workflow.NotAllowed, match="đã khóa"):
        workflow.set_survey_index(
            people["officer"], assessment, "8.1", "10", expected_version=version(assessment, "8.1")
        )
    workflow.council_approve(people["council"], assessment)
    final = CriterionScore.objects.get(assessment=assessment, criterion="8.1").final_points
    with pytest.raises(workflow.NotAllowed, match="mở lại"):
        workflow.set_survey_index(
            people["officer"], assessment, "8.1", "10", expected_version=version(assessment, "8.1")
        )
    assert CriterionScore.objects.get(assessment=assessment, criterion="8.1").final_points == final
    # Reopening (audited, with a reason) is the way: then the index changes, the final points only
    # when the council approves again.
    workflow.reopen(people["officer"], assessment, "Kết quả khảo sát được hiệu chỉnh")
    workflow.set_survey_index(
        people["officer"],
        assessment,
        "8.1",
        "10",
        "SIPAS hiệu chỉnh",
        expected_version=version(assessment, "8.1"),
    )
    row = CriterionScore.objects.get(assessment=assessment, criterion="8.1")
    assert row.survey_index == Decimal(10) and row.final_points == final
    assert AuditEntry.objects.filter(assessment=assessment, action="reopen").exists()


def test_linking_a_survey_to_an_approved_assessment_is_refused_whole(cycle, people):
    """`chiso survey link` calls the same service: one locked assessment refuses the whole link."""
    approve_both(cycle, people)
    before = figures(cycle)
    with pytest.raises(workflow.NotAllowed):
        workflow.set_survey_index(
            people["admin"], health(cycle), "8.2", "1", expected_version=version(health(cycle), "8.2")
        )
    assert figures(cycle) == before


def _put(assessment: Assessment, state: str) -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(state=state, round=1)
    assessment.refresh_from_db()
    return assessment


# Every writer of the workflow and of evidence, as the role it allows, in a state it allows: in a
# published cycle each one is refused and changes nothing.
WRITERS = {
    "save_self_score": (
        State.DRAFT,
        lambda a, p: workflow.save_self_score(
            p["staff"], a, "4.1", {"points": "1"}, expected_version=version(a, "4.1")
        ),
    ),
    "add_evidence": (
        State.DRAFT,
        lambda a, p: evidence_service.add_evidence(p["staff"], a, "3.2", SimpleUploadedFile("x.pdf", PDF)),
    ),
    "remove_evidence": (
        State.DRAFT,
        lambda a, p: evidence_service.remove_evidence(p["staff"], a.evidence.filter(criterion="3.2").last()),
    ),
    "send_to_head": (State.DRAFT, lambda a, p: workflow.send_to_head(p["staff"], a)),
    "head_approve": (State.AWAITING_HEAD, lambda a, p: workflow.head_approve(p["head"], a)),
    "withdraw": (State.SUBMITTED, lambda a, p: workflow.withdraw(p["staff"], a, "Sửa")),
    "set_appraised": (
        State.UNDER_APPRAISAL,
        lambda a, p: workflow.set_appraised(
            p["appraiser"], a, "4.1", "1", "Sửa", expected_version=version(a, "4.1")
        ),
    ),
    "send_appraisal": (State.UNDER_APPRAISAL, lambda a, p: workflow.send_appraisal(p["appraiser"], a)),
    "explain": (State.APPRAISED, lambda a, p: workflow.explain(p["staff"], a, "4.1", "Giải trình")),
    "finish_explanation": (State.APPRAISED, lambda a, p: workflow.finish_explanation(p["staff"], a)),
    "send_to_council": (State.EXPLAINED, lambda a, p: workflow.send_to_council(p["officer"], a)),
    "council_approve": (State.COUNCIL, lambda a, p: workflow.council_approve(p["council"], a)),
    "reopen": (State.APPROVED, lambda a, p: workflow.reopen(p["officer"], a, "Sửa")),
    "set_survey_index": (
        State.UNDER_APPRAISAL,
        lambda a, p: workflow.set_survey_index(
            p["officer"], a, "8.1", "10", expected_version=version(a, "8.1")
        ),
    ),
}


def _everything(cycle) -> tuple:
    return (
        figures(cycle)[0],
        list(Assessment.objects.order_by("pk").values_list("state", "version", "round")),
        list(Evidence.objects.order_by("pk").values_list("removed")),
        Evidence.objects.count(),
        Explanation.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("name", list(WRITERS))
def test_nothing_changes_in_a_published_cycle(cycle, people, name):
    approve_both(cycle, people)
    workflow.publish(people["officer"], cycle)
    state, write = WRITERS[name]
    assessment = justice(cycle)
    Evidence.objects.create(
        assessment=assessment, criterion="3.2", original_name="a.pdf", content_type="application/pdf", size=1
    )
    assessment = _put(assessment, state)
    before = _everything(cycle)
    with pytest.raises(workflow.NotAllowed, match="đã công bố"):
        write(assessment, people)
    assert _everything(cycle) == before
    assert not perm.allowed(people["officer"], perm.ENTER_SURVEY, assessment)
    assert not Assessment.objects.filter(cycle=cycle).restrict(people["staff"], perm.EDIT_SELF).exists()


def test_each_writer_is_allowed_when_the_cycle_is_not_published(cycle, people):
    """The other side of the test above: the same calls succeed before publication (so the refusals
    above come from the publication)."""
    fill_self_assessment(people["staff"], justice(cycle), with_evidence=True)
    for state, write in WRITERS.values():
        write(_put(justice(cycle), state), people)


# -- 3. separation of duties -----------------------------------------------------------------------------


def test_an_appraiser_or_council_member_does_not_judge_their_own_unit(client, cycle, people):
    appraiser, council = people["appraiser"], people["council"]
    Membership.objects.create(user=appraiser, role=Role.UNIT_HEAD, unit=justice(cycle).unit)
    Membership.objects.create(user=council, role=Role.UNIT_STAFF, unit=justice(cycle).unit)
    own, other = _put(justice(cycle), State.SUBMITTED), _put(health(cycle), State.SUBMITTED)
    for user in (appraiser, council):
        user.__dict__.pop("_chiso_memberships", None)
    assert not perm.allowed(appraiser, perm.APPRAISE, own)
    assert perm.allowed(appraiser, perm.APPRAISE, other)
    appraisable = Assessment.objects.filter(cycle=cycle).restrict(appraiser, perm.APPRAISE)
    assert list(appraisable) == [other]
    with pytest.raises(workflow.NotAllowed, match="Bạn thuộc Sở Tư pháp"):
        workflow.set_appraised(appraiser, own, "4.1", "1", "Thiếu", expected_version=version(own, "4.1"))
    with pytest.raises(workflow.NotAllowed, match="Bạn thuộc"):
        workflow.send_appraisal(appraiser, own)
    client.force_login(appraiser)
    response = client.post(
        reverse("assessments:appraise", args=[own.pk, "4.1"]),
        {"appraised_points": "1", "reason": "Thiếu", "version": version(own, "4.1")},
        **HTMX,
    )
    assert response.status_code == 403 and not CriterionScore.objects.filter(assessment=own).exists()

    own, other = _put(own, State.COUNCIL), _put(other, State.COUNCIL)
    assert not perm.allowed(council, perm.COUNCIL_APPROVE, own)
    assert perm.allowed(council, perm.COUNCIL_APPROVE, other)
    assert list(Assessment.objects.filter(cycle=cycle).restrict(council, perm.COUNCIL_APPROVE)) == [other]
    with pytest.raises(workflow.NotAllowed, match="Bạn thuộc"):
        workflow.council_approve(council, own)
    client.force_login(council)
    response = client.post(
        reverse("assessments:transition", args=[own.pk, "council_approve"]), {"version": version_of(own)}
    )
    assert response.status_code == 403
    assert Assessment.objects.get(pk=own.pk).state == State.COUNCIL
    # Their own unit's work they still do as its staff: viewing it, for one.
    assert perm.allowed(council, perm.VIEW, own)


# -- 4. the version is required ------------------------------------------------------------------------------


def test_a_save_without_a_version_is_refused_with_a_message(client, cycle, people):
    a = justice(cycle)
    with pytest.raises(workflow.WorkflowError, match="thiếu số phiên bản"):
        workflow.save_self_score(people["staff"], a, "4.1", {"points": "3"}, expected_version=None)
    client.force_login(people["staff"])
    response = client.post(reverse("assessments:save_self", args=[a.pk, "4.1"]), {"points": "3"}, **HTMX)
    assert response.status_code == 422 and "thiếu số phiên bản" in response.text
    assert not CriterionScore.objects.filter(assessment=a, self_points__isnull=False).exists()
    ok = client.post(
        reverse("assessments:save_self", args=[a.pk, "4.1"]), {"points": "3", "version": "0"}, **HTMX
    )
    assert ok.status_code == 200 and a.scores.get(criterion="4.1").self_points == Decimal(3)


def test_an_appraisal_without_a_version_is_refused(client, cycle, people):
    a = _put(justice(cycle), State.SUBMITTED)
    client.force_login(people["appraiser"])
    response = client.post(
        reverse("assessments:appraise", args=[a.pk, "4.1"]),
        {"appraised_points": "1", "reason": "Thiếu"},
        **HTMX,
    )
    assert response.status_code == 422 and "thiếu số phiên bản" in response.text
    assert not CriterionScore.objects.filter(assessment=a, appraised_points__isnull=False).exists()


def test_a_step_needs_the_version_of_the_page_it_was_taken_from(client, cycle, people):
    a = justice(cycle)
    fill_self_assessment(people["staff"], a)
    client.force_login(people["staff"])
    url = reverse("assessments:transition", args=[a.pk, "send_to_head"])
    page = client.get(reverse("assessments:assessment", args=[a.pk])).text
    assert f'name="version" value="{version_of(a)}"' in page
    missing = client.post(url, follow=True)
    assert "thiếu số phiên bản" in missing.text and Assessment.objects.get(pk=a.pk).state == State.DRAFT
    opened = version_of(a)
    # Meanwhile the head approves and withdraws it: the page the staff member has open is stale.
    workflow.head_approve(people["head"], a)
    workflow.withdraw(people["head"], a, "Sửa 3.1")
    stale = client.post(url, {"version": opened}, follow=True)
    assert "vừa được người khác chuyển" in stale.text
    assert Assessment.objects.get(pk=a.pk).state == State.DRAFT
    client.post(url, {"version": version_of(a)})
    assert Assessment.objects.get(pk=a.pk).state == State.AWAITING_HEAD


# -- 5. double submissions -----------------------------------------------------------------------------


def tokens_of(html: str) -> list[str]:
    found = re.findall(r'name="once" value="([^"]+)"', html)
    assert found and len(set(found)) == len(found)
    return found


def test_an_explanation_or_a_document_posted_twice_is_written_once(client, cycle, people):
    a = justice(cycle)
    fill_self_assessment(people["staff"], a)
    client.force_login(people["staff"])
    tokens = tokens_of(client.get(reverse("assessments:assessment", args=[a.pk])).text)
    upload = reverse("assessments:upload", args=[a.pk, "4.1"])
    documents = Evidence.objects.filter(assessment=a, criterion="4.1")
    before = documents.count()
    for _twice in range(2):
        response = client.post(
            upload, {"file": SimpleUploadedFile("bien-ban.pdf", PDF), "once": tokens[0]}, **HTMX
        )
        assert response.status_code == 200
    assert documents.count() == before + 1

    a = _put(a, State.APPRAISED)
    CriterionScore.objects.filter(assessment=a, criterion="4.1").update(appraised_points=Decimal("0.5"))
    tokens = tokens_of(client.get(reverse("assessments:assessment", args=[a.pk])).text)
    explain = reverse("assessments:explain", args=[a.pk, "4.1"])
    first = client.post(explain, {"text": "Đã bổ sung biên bản", "once": tokens[0]}, follow=True)
    second = client.post(explain, {"text": "Đã bổ sung biên bản", "once": tokens[0]}, follow=True)
    assert Explanation.objects.filter(score__assessment=a).count() == 1
    assert "Đã ghi nội dung giải trình" in first.text and "Biểu mẫu này đã được gửi" in second.text
    # The same words in another form are another explanation.
    client.post(explain, {"text": "Đã bổ sung biên bản", "once": new_token()}, **HTMX)
    assert Explanation.objects.filter(score__assessment=a).count() == 2


def test_a_refused_post_does_not_use_up_its_form(client, cycle, people):
    """A post the workflow refuses writes nothing, the token included: the corrected form goes."""
    a = _put(justice(cycle), State.APPRAISED)
    client.force_login(people["staff"])
    explain = reverse("assessments:explain", args=[a.pk, "4.1"])
    refused = client.post(explain, {"text": "  ", "once": "t" * 32}, **HTMX)
    assert refused.status_code == 422 and not Explanation.objects.exists()
    client.post(explain, {"text": "Đã bổ sung", "once": "t" * 32}, **HTMX)
    assert Explanation.objects.count() == 1
