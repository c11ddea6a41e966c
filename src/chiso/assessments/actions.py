"""Who may do what to which assessment: one table, enforced per object everywhere, and on lists
through the querysets `Assessment.objects.restrict(user, action)` and `Cycle.objects.restrict(user)`.

Unit staff and unit heads act on their own unit only; appraisers, the council, the Home Affairs
officer and leaders see every unit of a cycle; the public sees published results only (the
results pages), never drafts, evidence or appraisal notes. Roles themselves are the accounts app's.

Three locks hold for every caller (web, command line, services), because they are part of the rule:
- once a cycle is published, nothing but viewing is allowed on its assessments;
- once an assessment is with the council or approved, nothing that feeds its points changes (the
  survey indices included) until it is reopened, with a reason, in the audit log;
- nobody judges a unit they belong to: an appraiser, council member or officer who also holds a
  unit role for a unit does not appraise, send, approve, reopen or enter survey indices for it.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from chiso.accounts.models import Role
from chiso.accounts.permissions import EVERYONE_INSIDE, acts_for, manages, organisers_of, own_units, roles_of
from chiso.assessments.models import Assessment, Cycle, State

AssessmentsQ = TypeVar("AssessmentsQ", bound="QuerySet[Assessment]")
CyclesQ = TypeVar("CyclesQ", bound="QuerySet[Cycle]")

# Actions on one assessment, and the roles and states that allow each.
VIEW = "view"
EDIT_SELF = "edit_self"  # points, inputs, notes, evidence of the self-assessment
SEND_TO_HEAD = "send_to_head"
HEAD_APPROVE = "head_approve"  # the unit head approves and submits
WITHDRAW = "withdraw"  # take back a submission to edit it, before appraisal and the deadline
APPRAISE = "appraise"  # set appraised points with reasons
SEND_APPRAISAL = "send_appraisal"  # send the appraised result to the unit
EXPLAIN = "explain"  # the unit answers the appraisal (giải trình)
SEND_TO_COUNCIL = "send_to_council"
COUNCIL_APPROVE = "council_approve"
REOPEN = "reopen"  # a higher role reopens an approved assessment, with a reason
ENTER_SURVEY = "enter_survey"  # survey criteria: their points come from survey results

ASSESSMENT_ACTIONS = (
    VIEW,
    EDIT_SELF,
    SEND_TO_HEAD,
    HEAD_APPROVE,
    WITHDRAW,
    APPRAISE,
    SEND_APPRAISAL,
    EXPLAIN,
    SEND_TO_COUNCIL,
    COUNCIL_APPROVE,
    REOPEN,
    ENTER_SURVEY,
)

# States in which an assessment's points are locked: sent to the council, or approved by it. Only a
# reopening (by the officer, with a reason, audited) unlocks them.
LOCKED_STATES: set[str] = {State.COUNCIL, State.APPROVED}

# Actions that judge a unit from outside it: refused to anyone who also holds a unit role for that
# unit (separation of duties).
JUDGING = {APPRAISE, SEND_APPRAISAL, SEND_TO_COUNCIL, COUNCIL_APPROVE, REOPEN, ENTER_SURVEY}

# Cycle-level actions.
MANAGE = "manage"  # cycles, frameworks, units, users, reminders
PUBLISH = "publish"


# action → (roles acting on any unit, roles acting on their own unit, states in which it is allowed)
RULES: dict[str, tuple[set[str], set[str], set[str] | None]] = {
    VIEW: (EVERYONE_INSIDE, {Role.UNIT_STAFF, Role.UNIT_HEAD}, None),
    EDIT_SELF: (set(), {Role.UNIT_STAFF, Role.UNIT_HEAD}, {State.DRAFT}),
    SEND_TO_HEAD: (set(), {Role.UNIT_STAFF}, {State.DRAFT}),
    HEAD_APPROVE: (set(), {Role.UNIT_HEAD}, {State.DRAFT, State.AWAITING_HEAD}),
    WITHDRAW: (set(), {Role.UNIT_STAFF, Role.UNIT_HEAD}, {State.AWAITING_HEAD, State.SUBMITTED}),
    APPRAISE: ({Role.APPRAISER}, set(), {State.SUBMITTED, State.UNDER_APPRAISAL, State.EXPLAINED}),
    SEND_APPRAISAL: ({Role.APPRAISER}, set(), {State.SUBMITTED, State.UNDER_APPRAISAL, State.EXPLAINED}),
    EXPLAIN: (set(), {Role.UNIT_STAFF, Role.UNIT_HEAD}, {State.APPRAISED}),
    SEND_TO_COUNCIL: ({Role.APPRAISER, Role.OFFICER}, set(), {State.APPRAISED, State.EXPLAINED}),
    COUNCIL_APPROVE: ({Role.COUNCIL}, set(), {State.COUNCIL}),
    REOPEN: ({Role.OFFICER, Role.ADMIN}, set(), {State.APPROVED, State.COUNCIL}),
    ENTER_SURVEY: ({Role.OFFICER, Role.ADMIN}, set(), set(State.values) - LOCKED_STATES),
}

# The unit's own steps close at the self-assessment deadline; the officer can extend it.
DEADLINE_BOUND = {EDIT_SELF, SEND_TO_HEAD, HEAD_APPROVE, WITHDRAW}


def _deadline_open(assessment: Assessment, today: date | None = None) -> bool:
    return (today or date.today()) <= assessment.cycle.self_assessment_due


def holds_role_for(user: User | AnonymousUser, action: str, assessment: Assessment) -> bool:
    """Does the user hold a role that does `action` on this assessment (whatever its state, the
    deadline, the publication or the separation of duties)?"""
    if action not in RULES:
        return False
    any_unit, own_unit, _states = RULES[action]
    held = roles_of(user)
    by_role = acts_for(user, assessment.cycle.organiser_id, *any_unit)
    return by_role or any(assessment.unit_id in held.get(role, set()) for role in own_unit)


def allowed(
    user: User | AnonymousUser, action: str, assessment: Assessment, today: date | None = None
) -> bool:
    """May `user` do `action` on `assessment` now? Unknown actions are refused."""
    if not holds_role_for(user, action, assessment):
        return False
    if action != VIEW and assessment.cycle.is_published:
        return False
    if action in JUDGING and assessment.unit_id in own_units(user):
        return False
    states = RULES[action][2]
    if states is not None and assessment.state not in states:
        return False
    return action not in DEADLINE_BOUND or _deadline_open(assessment, today)


def allowed_actions(
    user: User | AnonymousUser, assessment: Assessment, today: date | None = None
) -> set[str]:
    return {action for action in ASSESSMENT_ACTIONS if allowed(user, action, assessment, today)}


def sees_cycle_results(user: User | AnonymousUser, cycle: Cycle) -> bool:
    """May the user see the figures of every unit of `cycle` (points, ranks, means, charts, and
    what is computed from them)? The inside roles of its organiser always; everyone else — unit
    staff and heads included — only once the cycle is published. A unit sees its own figures on its
    assessment page, as far as the workflow has gone."""
    return cycle.is_published or acts_for(user, cycle.organiser_id, *EVERYONE_INSIDE)


def can_publish(user: User | AnonymousUser, cycle: Cycle) -> bool:
    return manages(user, cycle.organiser_id) and not cycle.is_published


def restrict_assessments(
    queryset: AssessmentsQ, user: User | AnonymousUser, action: str = VIEW, today: date | None = None
) -> AssessmentsQ:
    """The assessments of `queryset` on which `user` may do `action` now: the rule of `allowed` as a
    filter (roles, own units, states, the self-assessment deadline). Unknown actions give none."""
    if action not in RULES:
        return queryset.none()
    any_unit, own_unit, states = RULES[action]
    scope = organisers_of(user, *any_unit)
    if scope is not None:
        held = roles_of(user)
        units = {u for role in own_unit for u in held.get(role, set()) if u is not None}
        if not (scope or units):
            return queryset.none()
        queryset = queryset.filter(Q(cycle__organiser_id__in=scope) | Q(unit_id__in=units))
    if action != VIEW:
        queryset = queryset.filter(cycle__published_at__isnull=True)
    if action in JUDGING:
        queryset = queryset.exclude(unit_id__in=own_units(user))
    if states is not None:
        queryset = queryset.filter(state__in=states)
    if action in DEADLINE_BOUND:
        queryset = queryset.filter(cycle__self_assessment_due__gte=today or date.today())
    return queryset


def restrict_cycles(queryset: CyclesQ, user: User | AnonymousUser, action: str = VIEW) -> CyclesQ:
    """The cycles of `queryset` in which `user` may do `action` on at least one assessment (every
    cycle of their organisers for the roles acting on any unit); `MANAGE` keeps the cycles of the
    organisers the user is an officer of."""
    if action == MANAGE:
        managed = organisers_of(user, Role.ADMIN, Role.OFFICER)
        return queryset if managed is None else queryset.filter(organiser_id__in=managed)
    if action not in RULES:
        return queryset.none()
    if action != VIEW:
        queryset = queryset.filter(published_at__isnull=True)
    any_unit, own_unit, _states = RULES[action]
    scope = organisers_of(user, *any_unit)
    if scope is None:
        return queryset
    held = roles_of(user)
    units = {u for role in own_unit for u in held.get(role, set()) if u is not None}
    if not (scope or units):
        return queryset.none()
    mine = queryset.filter(assessments__unit_id__in=units).values("pk") if units else []
    return queryset.filter(Q(organiser_id__in=scope) | Q(pk__in=mine))
