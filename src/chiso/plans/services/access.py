"""Who may do what with plans, and which plans and agencies a user sees."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chiso.accounts.models import Role
from chiso.accounts.permissions import can_manage, has_role, organisers_of, own_units
from chiso.engine.names import match_key
from chiso.plans.models import (
    ItemStatus,
    Plan,
    PlanItem,
    Task,
)
from chiso.results.subjects import Subject
from chiso.units.models import Organiser, Unit

AGENCY_LEVEL = "department"


class PlanError(ValueError):
    """A user-facing refusal: a missing owner or deadline, a forbidden action, a bad file."""


# -- who may do what --------------------------------------------------------------------------------

READERS = (Role.ADMIN, Role.OFFICER, Role.LEADER)


def reads_all(user: User | AnonymousUser) -> bool:
    """Officers, administrators and leaders see every plan."""
    return has_role(user, *READERS)


def manages(user: User | AnonymousUser) -> bool:
    """Officers and administrators create and change plans and responsibilities."""
    return can_manage(user)


def agencies_of(user: User | AnonymousUser) -> set[int]:
    """The agencies a user works for (unit staff or unit head)."""
    return own_units(user)


def heads_of(user: User | AnonymousUser) -> set[int]:
    from chiso.accounts.permissions import roles_of

    return {u for u in roles_of(user).get(Role.UNIT_HEAD, set()) if u is not None}


def organisers_plans(user: User | AnonymousUser) -> Q | None:
    """The plans of the organisers the user reads for (None: every plan): those of a cycle of theirs,
    of their own province or district, or of a unit under it."""
    scope = organisers_of(user, *READERS)
    if scope is None:
        return None
    codes = [o.unit.code for o in Organiser.objects.filter(pk__in=scope).select_related("unit") if o.unit]
    return Q(cycle__organiser_id__in=scope) | Q(unit__code__in=codes) | Q(unit__parent_code__in=codes)


def visible_plans(user: User | AnonymousUser) -> QuerySet[Plan]:
    """Every plan of their organisers for readers; for an agency, the plans it leads, supports or
    owns a task in (a plan after an internal cycle: once the cycle is published, or if the plan is
    the agency's own); none for the public."""
    plans = Plan.objects.select_related("unit", "index", "cycle", "framework")
    if not user.is_authenticated:
        return plans.none()
    mine = agencies_of(user)
    # An agency's part in a plan made after an unpublished cycle's result does not show it the
    # plan (the figures and weak points of another unit) before the cycle is published.
    involved = (
        (Q(items__lead_id__in=mine) | Q(items__supporters__in=mine) | Q(items__tasks__owner_id__in=mine))
        & (Q(cycle__isnull=True) | Q(cycle__published_at__isnull=False) | Q(unit_id__in=mine))
        if mine
        else None
    )
    if reads_all(user):
        ours = organisers_plans(user)
        if ours is None:
            return plans
        return plans.filter(ours | involved if involved is not None else ours).distinct()
    if involved is None:
        return plans.none()
    return plans.filter(involved).distinct()


def can_report(user: User | AnonymousUser, item: PlanItem, task: Task | None = None) -> bool:
    """Only the owning agency reports: the item's lead, or the task's owner."""
    owner = task.owner_id if task is not None else item.lead_id
    return item.plan.status == Plan.Status.ACTIVE and owner in agencies_of(user)


def involved_agencies(plan: Plan) -> list[Unit]:
    """The agencies with a part in a plan: the items' leads and supporters and the tasks' owners."""
    ids = set(plan.items.exclude(status=ItemStatus.DROPPED).values_list("lead_id", flat=True))
    ids |= {
        i
        for i in plan.items.exclude(status=ItemStatus.DROPPED).values_list("supporters", flat=True)
        if i is not None
    }
    ids |= set(Task.objects.filter(item__plan=plan).values_list("owner_id", flat=True))
    return sorted(Unit.objects.filter(pk__in=ids), key=lambda u: match_key(u.name))


def agencies() -> QuerySet[Unit]:
    """The agencies that can lead or support (sở, ban, ngành)."""
    return Unit.objects.filter(level=AGENCY_LEVEL).order_by("name")


# -- what is analysed: a national result or an internal cycle ------------------------------------


def plans_of(subject: Subject) -> QuerySet[Plan]:
    """The plans made after one analysed result (an index-year's or a cycle's, for its unit)."""
    if subject.cycle is not None:
        return Plan.objects.filter(cycle=subject.cycle, unit=subject.unit)
    return Plan.objects.filter(index=subject.index, year=subject.year, unit=subject.unit)


def require_manager(user: User, plan: Plan | None = None) -> None:
    """Officers and administrators change plans — of their own organisers, when a plan is given."""
    if not manages(user):
        raise PlanError(_("Chỉ Sở Nội vụ hoặc quản trị viên được thay đổi kế hoạch."))
    ours = organisers_plans(user)
    if plan is not None and ours is not None and not Plan.objects.filter(ours, pk=plan.pk).exists():
        raise PlanError(_("Kế hoạch này thuộc đơn vị tổ chức khác."))
