"""Work lists: what the user has to do now, and one cycle's units with their state and totals."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chiso.accounts.permissions import own_units
from chiso.assessments import actions as perm
from chiso.assessments.home import home_panels
from chiso.assessments.models import Assessment, CriterionScore, Cycle, State
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, row_points
from chiso.assessments.views.common import (
    APPRAISAL_SENT,
    STATE_ORDER,
    cycle_or_404,
    fmt,
    is_inside,
    places_of,
    when,
)
from chiso.engine.frameworks import Framework
from chiso.engine.numbers import format_date
from chiso.engine.scoring import aggregate_units

# The next step a user can take, most urgent first: (action, label).
NEXT_STEPS = [
    (perm.HEAD_APPROVE, gettext_lazy("Phê duyệt và gửi thẩm định")),
    (perm.EDIT_SELF, gettext_lazy("Tự đánh giá")),
    (perm.EXPLAIN, gettext_lazy("Giải trình kết quả thẩm định")),
    (perm.APPRAISE, gettext_lazy("Thẩm định")),
    (perm.SEND_TO_COUNCIL, gettext_lazy("Trình hội đồng")),
    (perm.COUNCIL_APPROVE, gettext_lazy("Hội đồng xem xét, phê duyệt")),
    (perm.WITHDRAW, gettext_lazy("Đã gửi — có thể rút lại để sửa")),
]
TODO_ACTIONS = {a for a, _label in NEXT_STEPS} - {perm.WITHDRAW}


PER_PAGE = 100  # units a page of a cycle's list

# -- work list and cycle --------------------------------------------------------------------------


def _next_step(actions: set[str]) -> str:
    for action, label in NEXT_STEPS:
        if action in actions:
            return str(label)
    return _("Xem")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the user has to do now, and the cycles or units they follow."""
    user = request.user
    visible = (
        Assessment.objects.restrict(user, perm.VIEW)
        .select_related("cycle__framework", "unit")
        .order_by("-cycle__year", "cycle__block", "unit__name")
    )
    todo, mine = [], []
    inside = is_inside(user)
    own = own_units(user)
    for assessment in visible:
        actions = perm.allowed_actions(user, assessment)
        item = {
            "assessment": assessment,
            "next": _next_step(actions),
            "due": format_date(assessment.cycle.self_assessment_due),
            "urgent": bool(actions & TODO_ACTIONS),
        }
        if item["urgent"]:
            todo.append(item)
        if assessment.unit_id in own:
            mine.append(item)
    cycles = []
    if inside:
        for cycle in Cycle.objects.restrict(user, perm.VIEW).select_related("framework__index"):
            counts: defaultdict[str, int] = defaultdict(int)
            for state in cycle.assessments.values_list("state", flat=True):
                counts[state] += 1
            total = sum(counts.values())
            cycles.append(
                {
                    "cycle": cycle,
                    "total": total,
                    "approved": counts[State.APPROVED],
                    "states": [
                        {"label": State(s).label, "count": counts[s], "state": s}
                        for s in STATE_ORDER
                        if counts[s]
                    ],
                    "due": format_date(cycle.self_assessment_due),
                }
            )
    context = {
        "panels": home_panels(request),
        "todo": todo[:60],
        "todo_more": max(0, len(todo) - 60),
        "mine": mine,
        "cycles": cycles,
        "inside": inside,
    }
    return render(request, "assessments/home.html", context)


@login_required
@require_GET
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    """A cycle's units with their state and totals at each stage (inside roles only)."""
    the_cycle = cycle_or_404(request, pk)
    framework = the_cycle.framework.to_engine()
    places = places_of(framework)
    state_filter = request.GET.get("trang-thai", "")
    counts: dict[str, int] = defaultdict(int)
    for state, count in the_cycle.assessments.values_list("state").annotate(n=Count("pk")).order_by():
        counts[state] = count
    listed = the_cycle.assessments.select_related("unit", "cycle").order_by("unit__name", "pk")
    if state_filter:
        listed = listed.filter(state=state_filter)
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("trang"))
    shown = list(page.object_list)
    # The totals of the units of this page only, every tree at once (one query).
    points = stage_points_of(shown, framework)
    rows = []
    for assessment in shown:
        totals = {stage: fmt(points[stage].get(assessment.pk), places) for stage in (SELF, APPRAISED, FINAL)}
        rows.append(
            {
                "assessment": assessment,
                "self": totals[SELF],
                "appraised": totals[APPRAISED]
                if assessment.state in APPRAISAL_SENT or assessment.state in (State.UNDER_APPRAISAL,)
                else "–",
                "final": totals[FINAL] if assessment.state == State.APPROVED else "–",
                "submitted": when(assessment.submitted_at),
                "next": _next_step(perm.allowed_actions(request.user, assessment)),
            }
        )
    context = {
        "cycle": the_cycle,
        "framework": framework,
        "rows": rows,
        "states": [{"state": s, "label": State(s).label, "count": counts[s]} for s in STATE_ORDER],
        "state_filter": state_filter,
        "page_obj": page,
        "total": sum(counts.values()),
        "due": format_date(the_cycle.self_assessment_due),
        "can_publish": perm.can_publish(request.user, the_cycle),
        "can_import": perm.can_publish(request.user, the_cycle),  # its officers, before publication
    }
    return render(request, "assessments/cycle.html", context)


def stage_points_of(
    assessments: list[Assessment], framework: Framework
) -> dict[str, dict[int, Decimal | None]]:
    """Stage → assessment id → total, for these assessments: their scores read in one query, every
    tree summed at once (`aggregate_units`), as `stage_tree` sums each."""
    leaves = {leaf.code for leaf in framework.leaves()}
    by_stage: dict[str, dict[int, dict[str, Decimal | None]]] = {
        stage: {a.pk: {} for a in assessments} for stage in (SELF, APPRAISED, FINAL)
    }
    for row in CriterionScore.objects.filter(assessment__in=[a.pk for a in assessments]).only(
        "assessment_id", "criterion", "self_points", "appraised_points", "final_points"
    ):
        if row.criterion in leaves:
            for stage, values in by_stage.items():
                values[row.assessment_id][row.criterion] = row_points(row, stage)
    root = framework.root.code
    return {
        stage: {pk: tree[root] for pk, tree in aggregate_units(framework, values).items()}
        for stage, values in by_stage.items()
    }
