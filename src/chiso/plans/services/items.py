"""Proposals from a result, plans, items and tasks; the plan as rows for the conference report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.engine.analysis import YearAnalysis
from chiso.engine.names import match_key
from chiso.engine.numbers import format_date, format_number, percent_of
from chiso.engine.units import UnitRef
from chiso.engine.whatif import plannable_nodes
from chiso.frameworks.models import Framework
from chiso.plans.models import (
    ItemStatus,
    Plan,
    PlanItem,
    Responsibility,
    Task,
)
from chiso.plans.services.access import (
    PlanError,
    agencies_of,
    manages,
    plans_of,
    require_manager,
    require_owners,
)
from chiso.results.subjects import Subject, cycle_subject, national_subject
from chiso.units.models import Unit

# -- proposals --------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """A criterion proposed for the plan, with its points and the agencies responsible for it."""

    code: str
    name: str
    points: Decimal | None
    max_points: Decimal | None
    percent: Decimal | None
    lead: Unit | None = None
    supporters: list[Unit] = field(default_factory=list)
    target: Decimal | None = None
    gain: Decimal | None = None  # points the total is expected to gain


def responsibility_for(framework: Framework, code: str) -> Responsibility | None:
    """The responsibility set on a criterion, else on its nearest ancestor that has one."""
    found = {
        r.criterion: r
        for r in Responsibility.objects.filter(framework=framework)
        .select_related("lead")
        .prefetch_related("supporters")
    }
    parents = framework.to_engine().parent_map()
    current: str | None = code
    while current is not None:
        if current in found:
            return found[current]
        current = parents.get(current)
    return None


def _with_responsibility(framework: Framework, proposal: Proposal) -> Proposal:
    found = responsibility_for(framework, proposal.code)
    if found is not None:
        proposal.lead = found.lead
        proposal.supporters = sorted(found.supporters.all(), key=lambda u: match_key(u.name))
    return proposal


def propose_items(
    analysis: YearAnalysis, unit: UnitRef, threshold: Decimal | int | str, framework: Framework
) -> list[Proposal]:
    """The criteria where the unit scored below `threshold` percent of the maximum, weakest first,
    each with its lead and supporting agencies from the responsibility table."""
    limit = Decimal(str(threshold))
    proposals = []
    for node in plannable_nodes(analysis.framework):
        points = analysis.current.value(unit, node.code)
        if points is None or not node.max_points:
            continue
        percent = percent_of(points, node.max_points)
        if percent < limit:
            proposal = Proposal(node.code, node.name_vi, points, node.max_points, percent)
            proposals.append(_with_responsibility(framework, proposal))
    return sorted(proposals, key=lambda p: (p.percent, p.code))


def proposals_from_gains(
    analysis: YearAnalysis, unit: UnitRef, gains: dict[str, Decimal], framework: Framework
) -> list[Proposal]:
    """Plan items for a rank target: each component to raise by so many of its own points."""
    from chiso.engine.whatif import contribution

    proposals = []
    for code, gain in gains.items():
        node = analysis.framework.node(code)
        points = analysis.current.value(unit, code)
        percent = percent_of(points, node.max_points) if points is not None and node.max_points else None
        target = points + gain if points is not None else None
        factor = contribution(analysis.framework, code)
        proposal = Proposal(
            code,
            node.name_vi,
            points,
            node.max_points,
            percent,
            target=target,
            gain=gain * factor if factor is not None else None,
        )
        proposals.append(_with_responsibility(framework, proposal))
    return proposals


# -- plans, items, tasks ----------------------------------------------------------------------------


def plan_for(subject: Subject, user: User) -> Plan:
    """The subject's active plan, created on first use."""
    plan = plans_of(subject).filter(status=Plan.Status.ACTIVE).order_by("pk").first()
    if plan is not None:
        return plan
    title = _("Kế hoạch cải thiện %(label)s — %(unit)s") % {"label": subject.label, "unit": subject.unit.name}
    return Plan.objects.create(
        index=subject.index,
        cycle=subject.cycle,
        framework=subject.framework,
        year=subject.year,
        period=subject.period,
        unit=subject.unit,
        title=title,
        created_by=user,
        commitment_text=_(
            "Cơ quan chúng tôi cam kết chủ trì thực hiện đầy đủ các nội dung, nhiệm vụ được giao trong kế "
            "hoạch, đúng thời hạn, và báo cáo tiến độ đúng kỳ kèm tài liệu kiểm chứng."
        ),
    )


@transaction.atomic
def add_item(
    user: User,
    plan: Plan,
    *,
    criterion: str,
    lead: Unit | None,
    deadline: date | None,
    supporters: list[Unit] | None = None,
    actions: str = "",
    target_points: Decimal | None = None,
    expected_gain: Decimal | None = None,
    current_points: Decimal | None = None,
    status: str = ItemStatus.IN_PROGRESS,
) -> PlanItem:
    """A plan item; the lead agency and the deadline are required."""
    require_manager(user, plan)
    framework = plan.framework.to_engine()
    try:
        node = framework.node(criterion)
    except KeyError:
        raise PlanError(_("Không có tiêu chí %(code)s trong khung.") % {"code": criterion}) from None
    if lead is None:
        raise PlanError(_("%(code)s: phải chọn cơ quan chủ trì.") % {"code": criterion})
    if deadline is None:
        raise PlanError(_("%(code)s: phải có thời hạn hoàn thành.") % {"code": criterion})
    require_owners(plan, [lead, *(supporters or [])])
    item = PlanItem.objects.create(
        plan=plan,
        criterion=criterion,
        criterion_name=node.name_vi,
        current_points=current_points,
        max_points=node.max_points,
        target_points=target_points,
        expected_gain=expected_gain,
        actions=actions,
        lead=lead,
        deadline=deadline,
        status=status,
    )
    if supporters:
        item.supporters.set([s for s in supporters if s.pk != lead.pk])
    return item


def subject_of(plan: Plan) -> Subject:
    if plan.cycle_id:
        return cycle_subject(plan.cycle, plan.unit.code)  # type: ignore[arg-type]
    return national_subject(plan.index.code, plan.year, plan.unit.code)  # type: ignore[union-attr]


def add_task(
    user: User,
    item: PlanItem,
    *,
    title: str,
    owner: Unit | None,
    due: date | None,
    owner_user: User | None = None,
) -> Task:
    """A task under an item; the owning agency and the due date are required."""
    require_manager(user, item.plan)
    if not title.strip():
        raise PlanError(_("Nhiệm vụ phải có nội dung."))
    if owner is None:
        raise PlanError(_("Nhiệm vụ phải có cơ quan thực hiện."))
    if due is None:
        raise PlanError(_("Nhiệm vụ phải có hạn hoàn thành."))
    require_owners(item.plan, [owner])
    return Task.objects.create(item=item, title=title.strip(), owner=owner, due=due, owner_user=owner_user)


def set_task_status(user: User, task: Task, status: str, today: date | None = None) -> Task:
    """The owner (or the officer) moves a task along; done records the day."""
    if not (manages(user) or task.owner_id in agencies_of(user)):
        raise PlanError(_("Chỉ cơ quan thực hiện hoặc Sở Nội vụ được cập nhật nhiệm vụ."))
    if status not in Task.Status.values:
        raise PlanError(_("Tình trạng không hợp lệ."))
    task.status = status
    task.done_on = (today or date.today()) if status == Task.Status.DONE else None
    task.save(update_fields=["status", "done_on"])
    return task


# -- for the conference report ----------------------------------------------------------------------


def report_rows(index_code: str, year: int, unit_code: str, period: str = "") -> list[dict]:
    """The improvement plan of a unit after an index-year's results (or a `period`'s), one row per item, ready to
    print: code, name, lead, supporters (names joined by ", "), action, deadline ("dd/mm/yyyy"),
    status (its Vietnamese label). Also deadline_date (a date) and target (a formatted number or "").
    Items not carried out are left out; no plan → []."""
    from chiso.frameworks.services import IndexNotFound, find_index

    try:
        index = find_index(index_code)
    except IndexNotFound:
        return []
    items = (
        PlanItem.objects.filter(
            plan__index=index, plan__year=year, plan__period=period, plan__unit__code=unit_code
        )
        .exclude(status=ItemStatus.DROPPED)
        .select_related("lead", "plan")
        .prefetch_related("supporters")
        .order_by("criterion", "pk")
    )
    return [
        {
            "code": item.criterion,
            "name": item.criterion_name,
            "lead": item.lead.name,
            "supporters": ", ".join(sorted((u.name for u in item.supporters.all()), key=match_key)),
            "action": item.actions,
            "deadline": format_date(item.deadline),
            "deadline_date": item.deadline,
            "status": str(ItemStatus(item.status).label),
            "target": format_number(item.target_points, 2) if item.target_points is not None else "",
        }
        for item in items
    ]
