"""What the plans app adds to the home page (`chiso.assessments.home`): the criteria, plan items and
tasks given to the signed-in user's own units — a department, a district, a commune, an office —
with the reporting period each item is waiting for."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from chiso.assessments.home import HomePanel, register_home_panel

if TYPE_CHECKING:
    from django.http import HttpRequest

SHOWN = 30  # rows of each list on the home page; the plans list holds the rest


def my_work(user: Any, today: date | None = None) -> dict[str, Any] | None:
    """The user's units' criteria (lead or supporting), open plan items and open tasks, in plans
    they may see; None when the user works for no unit or has nothing. Six queries, however many."""
    from django.db.models import Q

    from chiso.plans.models import ItemStatus, Plan, PlanItem, Responsibility, Task
    from chiso.plans.services import LATE, MISSING, OPEN, UPCOMING, agencies_of, schedule, visible_plans

    mine = agencies_of(user)
    if not mine:
        return None
    today = today or date.today()
    plans = visible_plans(user).filter(status=Plan.Status.ACTIVE).values("pk")
    criteria = []
    responsibilities = (
        Responsibility.objects.filter(Q(lead_id__in=mine) | Q(supporters__in=mine))
        .distinct()
        .select_related("framework__index", "lead")
        .order_by("framework__code", "criterion")[:SHOWN]
    )
    names: dict[int, dict[str, str]] = {}
    for row in responsibilities:
        if row.framework_id not in names:
            names[row.framework_id] = {n.code: n.name for n in row.framework.to_engine().nodes()}
        criteria.append(
            {
                "row": row,
                "name": names[row.framework_id].get(row.criterion, ""),
                "leads": row.lead_id in mine,
            }
        )
    items = []
    open_items = (
        PlanItem.objects.filter(plan__in=plans)
        .filter(Q(lead_id__in=mine) | Q(supporters__in=mine))
        .filter(status__in=[ItemStatus.PROPOSED, ItemStatus.IN_PROGRESS])
        .distinct()
        .select_related("plan", "lead")
        .prefetch_related("reports")
        .order_by("deadline", "pk")[:SHOWN]
    )
    for item in open_items:
        entries = schedule(item, today)
        waiting = next((e for e in entries if e.state == MISSING), None)
        waiting = waiting or next((e for e in reversed(entries) if e.state == OPEN), None)
        waiting = waiting or next((e for e in entries if e.state == UPCOMING), None)
        items.append(
            {
                "item": item,
                "leads": item.lead_id in mine,
                "entry": waiting,
                "reported": sum(1 for e in entries if e.state not in (MISSING, OPEN, UPCOMING)),
                "late": sum(1 for e in entries if e.state == LATE),
                "missing": sum(1 for e in entries if e.state == MISSING),
            }
        )
    tasks = [
        {"task": task, "late": task.is_late(today)}
        for task in Task.objects.filter(item__plan__in=plans, owner_id__in=mine)
        .exclude(status=Task.Status.DONE)
        .select_related("item", "owner")
        .order_by("due", "pk")[:SHOWN]
    ]
    if not (criteria or items or tasks):
        return None
    return {"criteria": criteria, "items": items, "tasks": tasks, "shown": SHOWN}


def home_panel(request: HttpRequest) -> dict[str, Any] | None:
    return my_work(request.user)


def register() -> None:
    """Add the panel to the home page (called once the apps are ready)."""
    register_home_panel(HomePanel("plans/_home_panel.html", home_panel))
