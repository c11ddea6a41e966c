"""A cycle's results for inside roles: the league table of the block, one unit's breakdown, the Excel
export, and publishing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments import workflow
from chiso.assessments.models import Cycle, State
from chiso.assessments.scoring import APPRAISED, FINAL, cycle_analysis, stage_tree
from chiso.assessments.templatetags.chiso_ui import lang
from chiso.assessments.views.common import (
    STAGE_LABELS,
    STAGE_SLUGS,
    cycle_or_404,
    fmt,
    forbidden,
    message_of,
    node_name,
    places_of,
    when,
)
from chiso.engine.analysis import BLOCK, YearAnalysis
from chiso.engine.i18n import localized
from chiso.engine.narrative import block_rank_phrase
from chiso.engine.numbers import format_rank, format_signed
from chiso.units.models import Block

# -- results ----------------------------------------------------------------------------------------


def stage_from(request: HttpRequest, cycle: Cycle) -> str:
    slug = request.GET.get("giai-doan", "")
    if slug in STAGE_SLUGS:
        return STAGE_SLUGS[slug]
    all_approved = not cycle.assessments.exclude(state=State.APPROVED).exists()
    return FINAL if all_approved else APPRAISED


def results_context(cycle: Cycle, stage: str, block: str = "") -> dict[str, Any]:
    """League table of the cycle (x/N, the rank within each unit's block, change against last year,
    groups) and the field breakdown; `block` (a block's code) keeps the rows of that block only."""
    analysis = cycle_analysis(cycle, stage)
    framework = analysis.framework
    places = places_of(framework)
    fields = list(framework.root.children)
    of = analysis.total_ranking.of
    language = lang()
    blocks = cycle_blocks(analysis)
    chosen = next((b for b in blocks if b.code == block), None)
    rows = []
    for row in analysis.league_table():
        if chosen is not None and row.unit.block != chosen.name:
            continue
        ref = row.unit.ref
        components = []
        for node in fields:
            value = analysis.current.value(ref, node.code)
            percent = value * 100 / node.max_points if value is not None and node.max_points else None
            components.append({"code": node.code, "points": fmt(value, places), "percent": fmt(percent, 1)})
        group = row.group
        rows.append(
            {
                "rank": format_rank(row.rank, of),
                "block_rank": format_rank(row.block_rank, row.block_of) if row.block_of else "–",
                "block": localized(row.unit.block, row.unit.block_en) if row.unit.block else "–",
                "code": row.unit.code,
                "name": row.unit.name,
                "score": fmt(row.score, places),
                "bar": bar(row.score, framework.root.max_points),
                "change_score": format_signed(row.change.score, places, language) if row.change else "–",
                "change_rank": signed_int(row.change.rank) if row.change else "–",
                "trend": trend(row.change.rank if row.change else None),
                "group": group.label if group else "–",
                "group_position": group.position if group else None,
                "components": components,
            }
        )
    mean = analysis.computed_mean()
    return {
        "cycle": cycle,
        "framework": framework,
        "rows": rows,
        "fields": [{"code": n.code, "name": node_name(n), "max": fmt(n.max_points, 0)} for n in fields],
        "of": of,
        "blocks": blocks,
        "chosen_block": chosen,
        "ranked": len(analysis.total_ranking),
        "mean": fmt(mean, places),
        "max_points": fmt(framework.root.max_points, 0),
        "previous": analysis.previous.year if analysis.previous else None,
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "bands": [
            {
                "label": b.label,
                "min": fmt(b.min_percent, 0),
                "position": i,
            }
            for i, b in enumerate(framework.ranking.groups.bands or [])
        ],
    }


def cycle_blocks(analysis: YearAnalysis) -> list[Block]:
    """The blocks the cycle's units are ranked in, in the blocks' order (one query)."""
    names = set(analysis.peer_group_rankings()[BLOCK])
    return list(Block.objects.filter(name__in=names)) if names else []


def bar(value: Decimal | None, maximum: Decimal | None) -> int:
    if value is None or not maximum:
        return 0
    return max(0, min(100, int(value * 100 / maximum)))


def signed_int(value: int | None) -> str:
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else str(value)


def trend(rank_change: int | None) -> str:
    if rank_change is None:
        return ""
    return "up" if rank_change > 0 else "down" if rank_change < 0 else "same"


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's results for inside roles, at any stage; the officer publishes from here."""
    the_cycle = cycle_or_404(request, pk)
    stage = stage_from(request, the_cycle)
    context = results_context(the_cycle, stage, request.GET.get("khoi", ""))
    pending = the_cycle.assessments.exclude(state=State.APPROVED).count()
    context.update(
        {
            "public": False,
            "stages": [(slug, STAGE_LABELS[s], s == stage) for slug, s in STAGE_SLUGS.items()],
            "stage_slug": next(slug for slug, s in STAGE_SLUGS.items() if s == stage),
            "can_publish": perm.can_publish(request.user, the_cycle),
            "pending": pending,
            "published_at": when(the_cycle.published_at) if the_cycle.published_at else "",
        }
    )
    return render(request, "assessments/results.html", context)


def unit_context(cycle: Cycle, stage: str, unit_code: str) -> dict[str, Any]:
    analysis = cycle_analysis(cycle, stage)
    unit = next((u for u in analysis.current.peers if u.code == unit_code), None)
    if unit is None:
        raise Http404("không có đơn vị")
    assessment = cycle.assessments.select_related("unit").get(unit__code=unit_code)
    framework = analysis.framework
    places = places_of(framework)
    profile = analysis.profile(unit.ref)
    block = next((g for g in profile.peer_groups if g.kind == BLOCK), None)
    tree = stage_tree(assessment, stage, framework)
    language = lang()
    fields = []
    for node, component in zip(framework.root.children, profile.components, strict=True):
        leaves = []
        for leaf in node.walk():
            if leaf.children:
                continue
            score = tree.get(leaf.code)
            leaves.append(
                {
                    "code": leaf.code,
                    "name": node_name(leaf),
                    "points": fmt(score.points if score else None, places),
                    "max": fmt(leaf.max_points, places),
                    "bar": bar(score.points if score else None, leaf.max_points),
                }
            )
        fields.append(
            {
                "code": node.code,
                "name": node_name(node),
                "points": fmt(component.score, places),
                "max": fmt(node.max_points, 0),
                "percent": fmt(component.score * 100 / node.max_points, 1)
                if component.score is not None and node.max_points
                else "–",
                "rank": format_rank(component.rank, component.of),
                "mean": fmt(component.mean, places),
                "bar": bar(component.score, node.max_points),
                "mean_bar": bar(component.mean, node.max_points),
                "leaves": leaves,
            }
        )
    change = profile.change
    return {
        "cycle": cycle,
        "unit": unit,
        "assessment": assessment,
        "score": fmt(profile.score, places),
        "max_points": fmt(framework.root.max_points, 0),
        "rank": format_rank(profile.rank, profile.of),
        "block_name": localized(unit.block, unit.block_en) if block and unit.block else None,
        "block_rank": format_rank(block.rank, block.of) if block else None,
        # The press sentence is Vietnamese (as the report's): shown on Vietnamese pages only.
        "block_sentence": block_rank_phrase(block.rank, block.of, block.name)
        if block and language == "vi"
        else None,
        "block_mean": fmt(block.mean, places) if block else None,
        "group": profile.group.label if profile.group else "–",
        "group_position": profile.group.position if profile.group else None,
        "change_score": format_signed(change.score, places, language) if change else None,
        "change_rank": signed_int(change.rank) if change else None,
        "previous_year": profile.previous_year,
        "mean": fmt(profile.national_mean, places),
        "fields": fields,
        "stage_label": STAGE_LABELS[stage],
    }


@login_required
@require_GET
def results_unit(request: HttpRequest, pk: int, unit_code: str) -> HttpResponse:
    the_cycle = cycle_or_404(request, pk)
    stage = stage_from(request, the_cycle)
    context = unit_context(the_cycle, stage, unit_code)
    context["public"] = False
    context["stage_slug"] = next(slug for slug, s in STAGE_SLUGS.items() if s == stage)
    return render(request, "assessments/results_unit.html", context)


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    the_cycle = cycle_or_404(request, pk)
    return excel_response(the_cycle, stage_from(request, the_cycle))


def excel_response(cycle: Cycle, stage: str) -> HttpResponse:
    from chiso.assessments.exports import cycle_workbook

    content = cycle_workbook(cycle, stage, lang())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{cycle.year}-ky-{cycle.pk}.xlsx"'
    return response


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    the_cycle = cycle_or_404(request, pk)
    try:
        workflow.publish(request.user, the_cycle)
    except workflow.NotAllowed as exc:
        return forbidden(request, message_of(exc))
    except workflow.WorkflowError as exc:
        messages.error(request, message_of(exc))
        return redirect("assessments:results", pk=the_cycle.pk)
    messages.success(request, _("Đã công bố kết quả. Mọi người có thể xem mà không cần đăng nhập."))
    return redirect("assessments:published", pk=the_cycle.pk)
