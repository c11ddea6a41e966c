"""The permission table over HTTP: every role × every action × (own unit, other unit).

Allowed requests answer 200 or 302 (and change what they should); refused ones answer 403 — or
404 when the user may not even see the assessment (another unit's staff never learn that a draft
exists) — or send the anonymous public to the sign-in page, and change nothing in the database.
The expectations are written out here, independently of `permissions.RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from chiso.assessments import evidence as evidence_service
from chiso.assessments.models import (
    Assessment,
    AuditEntry,
    CriterionScore,
    Cycle,
    Evidence,
    Explanation,
    State,
)
from chiso.assessments.tests.helpers import PDF, fill_self_assessment, version_of
from chiso.core.once import new_token

pytestmark = pytest.mark.django_db

INSIDE = {"admin", "officer", "appraiser", "council", "leader"}
ROLES = ["admin", "officer", "appraiser", "council", "leader", "staff", "head", "public"]
OWN_UNIT = {"staff:own", "head:own"}
SEES = INSIDE | OWN_UNIT


@dataclass
class Case:
    state: str
    method: str
    route: str  # URL name; "{a}" arguments filled per target
    args: tuple = ()
    data: dict[str, Any] | None = None
    allowed: frozenset[str] = frozenset()
    changes: bool = True
    htmx: bool = False


def _case(state, method, route, args=(), data=None, allowed=(), changes=True, htmx=False):
    return Case(state, method, route, args, data, frozenset(allowed), changes, htmx)


CASES = {
    "view": _case(State.DRAFT, "get", "assessment", allowed=SEES, changes=False),
    "audit": _case(State.DRAFT, "get", "audit", allowed=SEES, changes=False),
    "criterion_audit": _case(
        State.DRAFT, "get", "criterion_audit", ("4.1",), allowed=SEES, changes=False, htmx=True
    ),
    "download_evidence": _case(State.DRAFT, "get", "evidence", ("{evidence}",), allowed=SEES, changes=False),
    "preview": _case(
        State.DRAFT, "post", "preview", ("4.1",), {"points": "3"}, OWN_UNIT, changes=False, htmx=True
    ),
    "edit_self": _case(State.DRAFT, "post", "save_self", ("4.1",), {"points": "3", "version": ""}, OWN_UNIT),
    "edit_self_after_submission": _case(
        State.SUBMITTED, "post", "save_self", ("4.1",), {"points": "3"}, allowed=()
    ),
    "upload_evidence": _case(State.DRAFT, "post", "upload", ("3.2",), {"file": "pdf"}, OWN_UNIT),
    "remove_evidence": _case(State.DRAFT, "post", "remove_evidence", ("{evidence}",), allowed=OWN_UNIT),
    "send_to_head": _case(State.DRAFT, "post", "transition", ("send_to_head",), allowed={"staff:own"}),
    "head_approve": _case(State.AWAITING_HEAD, "post", "transition", ("head_approve",), allowed={"head:own"}),
    "withdraw": _case(State.SUBMITTED, "post", "transition", ("withdraw",), {"reason": "Sửa 3.1"}, OWN_UNIT),
    "appraise": _case(
        State.SUBMITTED,
        "post",
        "appraise",
        ("4.1",),
        {"appraised_points": "1", "reason": "Thiếu báo cáo", "version": ""},
        {"appraiser"},
    ),
    "send_appraisal": _case(
        State.UNDER_APPRAISAL, "post", "transition", ("send_appraisal",), allowed={"appraiser"}
    ),
    "explain": _case(State.APPRAISED, "post", "explain", ("4.1",), {"text": "Đã bổ sung"}, OWN_UNIT),
    "finish_explanation": _case(
        State.APPRAISED, "post", "transition", ("finish_explanation",), allowed=OWN_UNIT
    ),
    "send_to_council": _case(
        State.EXPLAINED, "post", "transition", ("send_to_council",), allowed={"appraiser", "officer"}
    ),
    "council_approve": _case(State.COUNCIL, "post", "transition", ("council_approve",), allowed={"council"}),
    "reopen": _case(
        State.APPROVED, "post", "transition", ("reopen",), {"reason": "Sai sót"}, {"officer", "admin"}
    ),
}

CYCLE_CASES = {
    "cycle_page": _case(State.DRAFT, "get", "cycle", allowed=INSIDE, changes=False),
    "results": _case(State.APPROVED, "get", "results", allowed=INSIDE, changes=False),
    "results_unit": _case(State.APPROVED, "get", "results_unit", ("QN.STP",), allowed=INSIDE, changes=False),
    "export": _case(State.APPROVED, "get", "export", allowed=INSIDE, changes=False),
    "publish": _case(State.APPROVED, "post", "publish", allowed={"officer", "admin"}),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def prepare(cycle: Cycle, people: dict, state: str) -> dict[int, int]:
    """Both departments filled in, one document each, and put in `state`; evidence id per assessment."""
    evidence = {}
    for assessment, staff in (
        (cycle.assessments.get(unit__code="QN.STP"), people["staff"]),
        (cycle.assessments.get(unit__code="QN.SYT"), people["other_staff"]),
    ):
        fill_self_assessment(staff, assessment, with_evidence=False)
        upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
        evidence[assessment.pk] = evidence_service.add_evidence(staff, assessment, "3.2", upload).pk
        if state != State.DRAFT:
            CriterionScore.objects.filter(assessment=assessment).update(appraised_points=None)
            Assessment.objects.filter(pk=assessment.pk).update(state=state, round=1)
    return evidence


def snapshot(cycle: Cycle) -> tuple:
    cycle.refresh_from_db()
    return (
        AuditEntry.objects.count(),
        list(Assessment.objects.order_by("pk").values_list("state", "version", "round", "submitted_at")),
        list(
            CriterionScore.objects.order_by("pk").values_list(
                "self_points", "self_note", "appraised_points", "final_points", "version"
            )
        ),
        list(Evidence.objects.order_by("pk").values_list("removed")),
        Explanation.objects.count(),
        cycle.published_at,
    )


def request(client, case: Case, cycle: Cycle, assessment: Assessment | None, evidence: dict[int, int]):
    if assessment is None:  # cycle-level
        address = reverse(f"assessments:{case.route}", args=[cycle.pk, *case.args])
    else:
        args = [evidence[assessment.pk] if a == "{evidence}" else a for a in case.args]
        address = reverse(f"assessments:{case.route}", args=[assessment.pk, *args])
    extra = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    if case.method == "get":
        return client.get(address, **extra)
    data = dict(case.data or {})
    if data.get("file") == "pdf":
        data["file"] = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    if "version" in data and assessment is not None:
        row = assessment.scores.filter(criterion="4.1").first()
        data["version"] = row.version if row else 0
    if case.route == "transition" and assessment is not None:
        data["version"] = version_of(assessment)
    data["once"] = new_token()  # the one-time token of the forms that create rows
    return client.post(address, data, **extra)


def check(client, people, cycle, case: Case, name: str, targets) -> list[str]:
    problems = []
    evidence = prepare(cycle, people, case.state)
    for role in ROLES:
        for target_name, assessment in targets:
            key = f"{role}:{target_name}"
            may = role in case.allowed or key in case.allowed
            client.logout()
            if role != "public":
                client.force_login(people[role])
            with transaction.atomic():
                before = snapshot(cycle)
                response = request(client, case, cycle, assessment, evidence)
                after = snapshot(cycle)
                transaction.set_rollback(True)
            status = response.status_code
            if may:
                if status not in (200, 302) or (
                    status == 302 and "dang-nhap" in response.get("Location", "")
                ):
                    problems.append(f"{name} by {key}: expected success, got {status}")
                elif case.changes and before == after:
                    problems.append(f"{name} by {key}: answered {status} but changed nothing")
                elif not case.changes and before != after:
                    problems.append(f"{name} by {key}: a read changed the database")
            else:
                if role == "public":
                    ok = status == 302 and "dang-nhap" in response["Location"]
                elif role in INSIDE or target_name == "own":
                    ok = status in (403, 404)
                else:  # another unit's staff: not even told that it exists
                    ok = status == 404
                if not ok:
                    problems.append(f"{name} by {key}: expected refusal, got {status}")
                if before != after:
                    problems.append(f"{name} by {key}: refused ({status}) but the database changed")
    return problems


@pytest.mark.parametrize("name", list(CASES))
def test_every_role_on_own_and_other_unit(client, cycle, people, name):
    targets = [
        ("own", cycle.assessments.get(unit__code="QN.STP")),
        ("other", cycle.assessments.get(unit__code="QN.SYT")),
    ]
    problems = check(client, people, cycle, CASES[name], name, targets)
    assert problems == []


@pytest.mark.parametrize("name", list(CYCLE_CASES))
def test_every_role_on_cycle_pages(client, cycle, people, name):
    problems = check(client, people, cycle, CYCLE_CASES[name], name, [("cycle", None)])
    assert problems == []


def test_the_expectations_agree_with_the_permission_table(cycle, people):
    """The matrix above and permissions.RULES say the same thing for every role and unit."""
    from chiso.assessments import actions as perm

    action_of = {
        "view": perm.VIEW,
        "edit_self": perm.EDIT_SELF,
        "send_to_head": perm.SEND_TO_HEAD,
        "head_approve": perm.HEAD_APPROVE,
        "withdraw": perm.WITHDRAW,
        "appraise": perm.APPRAISE,
        "send_appraisal": perm.SEND_APPRAISAL,
        "explain": perm.EXPLAIN,
        "send_to_council": perm.SEND_TO_COUNCIL,
        "council_approve": perm.COUNCIL_APPROVE,
        "reopen": perm.REOPEN,
    }
    for name, action in action_of.items():
        case = CASES[name]
        for code, target_name in (("QN.STP", "own"), ("QN.SYT", "other")):
            assessment = cycle.assessments.get(unit__code=code)
            assessment.state = case.state
            for role in ROLES[:-1]:
                expected = role in case.allowed or f"{role}:{target_name}" in case.allowed
                people[role]._chiso_roles = None
                assert perm.allowed(people[role], action, assessment) == expected, (name, role, target_name)


def test_other_unit_staff_get_404_everywhere_even_for_missing_things(client, cycle, people):
    """A 404 for someone else's assessment looks exactly like one for an assessment that does not exist."""
    other = cycle.assessments.get(unit__code="QN.STP")
    client.force_login(people["other_staff"])
    theirs = client.get(reverse("assessments:assessment", args=[other.pk]))
    missing = client.get(reverse("assessments:assessment", args=[other.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
