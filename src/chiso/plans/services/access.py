"""Who may do what with plans, and which plans and agencies a user sees."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from chiso.accounts.models import Role
from chiso.accounts.permissions import can_manage, has_role, organisers_of, own_units
from chiso.engine.names import match_key
from chiso.engine.units import DISTRICT, ORGANISED_LEVELS, PROVINCE
from chiso.frameworks.models import Framework
from chiso.plans.models import (
    ItemStatus,
    Plan,
    PlanItem,
    Task,
)
from chiso.results.subjects import Subject
from chiso.units.models import Organiser, Unit

# The levels of the units that may lead or support a criterion, own a task and report progress: any
# unit an organiser runs or that lies in its territory — departments, districts, communes, offices,
# public service units, central agencies on its territory.
OWNER_LEVELS = ORGANISED_LEVELS
# A level with more units than this is offered through the search only (3,321 communes …).
LISTED_PER_LEVEL = 80


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


def _valid_on(on: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def default_root() -> Unit | None:
    """The territory of the installation: its first organiser's unit, else the administered province."""
    from chiso.units.services import province_code

    organiser = Organiser.objects.filter(unit__isnull=False).select_related("unit").order_by("pk").first()
    if organiser is not None:
        return organiser.unit
    code = province_code()
    if not code:
        return None
    return Unit.objects.filter(level=PROVINCE, code=code).order_by("-valid_from").first()


def territory_of(unit: Unit) -> Unit | None:
    """The province or district whose units answer for a plan of `unit`: the unit itself when it is
    a province or district, else the province or district above it (a department's, a commune's)."""
    if unit.level in (PROVINCE, DISTRICT):
        return unit
    if not unit.parent_code:
        return None
    return (
        Unit.objects.filter(level__in=(PROVINCE, DISTRICT), code=unit.parent_code)
        .order_by("valid_to", "-valid_from")
        .first()
    )


def plan_root(plan: Plan | Subject) -> Unit | None:
    """The territory whose units may own a plan's items and tasks (a plan's, or the plan to be made
    after a subject's): the cycle's organiser's, else the plan's unit's."""
    cycle = plan.cycle
    if cycle is not None and cycle.organiser_id and cycle.organiser.unit_id:
        return cycle.organiser.unit
    return territory_of(plan.unit)


def responsibility_root(user: User | AnonymousUser, framework: Framework) -> Unit | None:
    """The territory whose units answer for a framework's criteria: the framework's organiser's,
    else the first organiser the user is an officer of, else the installation's."""
    if framework.organiser_id and framework.organiser.unit_id:  # type: ignore[union-attr]
        return framework.organiser.unit  # type: ignore[union-attr]
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    organisers = Organiser.objects.filter(unit__isnull=False).select_related("unit").order_by("pk")
    if scope is not None:
        organisers = organisers.filter(pk__in=scope)
    first = organisers.first()
    return first.unit if first is not None else default_root()


def agencies(root: Unit | None = None, on: date | None = None) -> QuerySet[Unit]:
    """The units that can lead or support a criterion and own a task: every unit of `OWNER_LEVELS`
    valid on `on` (today) under `root` (a province or district: see `plan_root`,
    `responsibility_root`) — its departments, districts, offices and communes, and the communes and
    offices of its districts; without a root, every such unit. One query, however many communes."""
    on = on or date.today()
    units = Unit.objects.filter(_valid_on(on), level__in=OWNER_LEVELS)
    if root is not None:
        districts = Unit.objects.filter(_valid_on(on), level=DISTRICT, parent_code=root.code).values("code")
        units = units.filter(Q(parent_code=root.code) | Q(parent_code__in=districts))
    return units.order_by("level", "name")


def listed_agencies(root: Unit | None = None, on: date | None = None) -> list[Unit]:
    """The agencies a choice list shows before any search: every level with at most
    `LISTED_PER_LEVEL` units (departments, districts …); a larger level (communes) is reached by
    the search. Two queries."""
    units = agencies(root, on)
    small = [
        row["level"]
        for row in units.order_by().values("level").annotate(n=Count("pk"))
        if row["n"] <= LISTED_PER_LEVEL
    ]
    return list(units.filter(level__in=small)) if small else []


def search_agencies(
    text: str, root: Unit | None = None, on: date | None = None, limit: int = 30
) -> list[Unit]:
    """The agencies whose name, code or other name contains `text` (case and accents ignored),
    at most `limit`, by level and name. One query."""
    from chiso.engine.names import plain_key

    wanted = plain_key(text).strip()
    if not wanted:
        return []
    found = []
    for unit in agencies(root, on).only("pk", "name", "code", "level", "aliases"):
        keys = (unit.code, unit.name, *unit.aliases)
        if any(wanted in plain_key(str(key)) for key in keys):
            found.append(unit)
            if len(found) >= limit:
                break
    return found


def require_owners(plan: Plan, units: list[Unit]) -> None:
    """Every unit given a part in the plan is a unit of its territory, valid today (one query)."""
    if not units:
        return
    known = set(agencies(plan_root(plan)).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    for unit in units:
        if unit.pk not in known:
            raise PlanError(
                _("{unit} không phải đơn vị thuộc địa bàn của kế hoạch, hoặc đã hết hiệu lực.").format(
                    unit=unit.name
                )
            )


# -- what is analysed: a national result or an internal cycle ------------------------------------


def plans_of(subject: Subject) -> QuerySet[Plan]:
    """The plans made after one analysed result (an index-year's or a cycle's, for its unit)."""
    if subject.cycle is not None:
        return Plan.objects.filter(cycle=subject.cycle, unit=subject.unit)
    return Plan.objects.filter(
        index=subject.index, year=subject.year, period=subject.period, unit=subject.unit
    )


def require_manager(user: User, plan: Plan | None = None) -> None:
    """Officers and administrators change plans — of their own organisers, when a plan is given."""
    if not manages(user):
        raise PlanError(_("Chỉ Sở Nội vụ hoặc quản trị viên được thay đổi kế hoạch."))
    ours = organisers_plans(user)
    if plan is not None and ours is not None and not Plan.objects.filter(ours, pk=plan.pk).exists():
        raise PlanError(_("Kế hoạch này thuộc đơn vị tổ chức khác."))
