"""A cycle's results for inside roles: the league table of the block, one unit's breakdown, the Excel
export, and publishing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments import standings, workflow
from chiso.assessments.models import Cycle, CycleStanding, State
from chiso.assessments.scoring import stage_tree
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
from chiso.core.svgcharts import nice_ticks
from chiso.engine.i18n import localized
from chiso.engine.narrative import block_rank_phrase
from chiso.engine.numbers import format_rank, format_signed

# -- results ----------------------------------------------------------------------------------------


def stage_from(request: HttpRequest, cycle: Cycle) -> str:
    slug = request.GET.get("giai-doan", "")
    if slug in STAGE_SLUGS:
        return STAGE_SLUGS[slug]
    return standings.default_stage(cycle)


PER_PAGE = 100
ALL = "tat-ca"  # ?trang=tat-ca: every line on one page, to print


@dataclass(frozen=True)
class BlockChoice:
    """A block of the cycle's units, for the block filter."""

    code: str
    display_name: str


def _blocks(summary: dict[str, Any]) -> list[BlockChoice]:
    return [
        BlockChoice(b["code"], localized(b["name"], b["name_en"] or None))
        for b in summary["blocks"]
        if b["code"]
    ]


def _block_label(summary: dict[str, Any], code: str) -> str:
    found = next((b for b in summary["blocks"] if b["code"] == code), None)
    return localized(found["name"], found["name_en"] or None) if found else "–"


def results_context(cycle: Cycle, stage: str, block: str = "", page: str = "") -> dict[str, Any]:
    """League table of the cycle (x/N, the rank within each unit's block, change against last year,
    groups) and the field breakdown, read from the stored standings (`chiso.assessments.standings`),
    `PER_PAGE` lines a page (`page`: its number, or `ALL` to print); `block` (a block's code) keeps
    the rows of that block only."""
    standing = standings.standing_of(cycle, stage, wait=False)  # stale while recomputed: shown so
    summary = standing.summary
    framework = cycle.framework.to_engine()
    places = places_of(framework)
    fields = list(framework.root.children)
    of = summary["of"]
    language = lang()
    blocks = _blocks(summary)
    chosen = next((b for b in blocks if b.code == block), None)
    found = standings.lines(standing, chosen.code if chosen else "")
    page_obj = None
    if page == ALL:
        shown = list(found)
    else:
        page_obj = Paginator(found, PER_PAGE).get_page(page)
        shown = list(page_obj.object_list)
    # The bars start near the lowest total, not at zero: 82 and 91 must not look alike.
    floor = bar_floor(found.aggregate(low=Min("total"))["low"], framework.root.max_points)
    rows = []
    for line in shown:
        figures = line.figures
        unit = line.assessment.unit
        components = []
        for node in fields:
            value = standings.number(figures["fields"][node.code][0])
            percent = value * 100 / node.max_points if value is not None and node.max_points else None
            components.append({"code": node.code, "points": fmt(value, places), "percent": fmt(percent, 1)})
        group, change = figures["group"], figures["change"]
        rows.append(
            {
                "rank": format_rank(line.rank, of),
                "block_rank": format_rank(figures["block_rank"], figures["block_of"])
                if figures["block_of"]
                else "–",
                "block": _block_label(summary, line.block) if line.block else "–",
                "code": unit.code,
                "name": unit.name,
                "score": fmt(line.total, places),
                "bar": bar(line.total, framework.root.max_points, floor),
                "change_score": format_signed(standings.number(change[0]), places, language)
                if change
                else "–",
                "change_rank": signed_int(change[1]) if change else "–",
                "trend": trend(change[1] if change else None),
                "group": localized(group[1], group[2] or None) if group else "–",
                "group_position": group[0] if group else None,
                "components": components,
            }
        )
    return {
        "cycle": cycle,
        "framework": framework,
        "rows": rows,
        "page_obj": page_obj,
        **stale_context(standing),
        "all_slug": ALL,
        "fields": [{"code": n.code, "name": node_name(n), "max": fmt(n.max_points, 0)} for n in fields],
        "of": of,
        "blocks": blocks,
        "chosen_block": chosen,
        "ranked": summary["ranked"],
        "mean": fmt(standings.number(summary["mean"]), places),
        "max_points": fmt(framework.root.max_points, 0),
        "bar_from": fmt(floor, 0),
        "previous": summary["previous_year"],
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


def stale_context(standing: CycleStanding) -> dict[str, Any]:
    """What `_stale_note.html` needs: the stored table (marked `stale` while it is computed again)
    and when it was computed."""
    return {"standing": standing, "standing_computed": when(standing.computed_at)}


def bar(value: Decimal | None, maximum: Decimal | None, floor: Decimal = Decimal(0)) -> int:
    """A bar's width in % of its column: `value` on the scale from `floor` to `maximum`."""
    if value is None or not maximum or maximum <= floor:
        return 0
    return max(0, min(100, int((value - floor) * 100 / (maximum - floor))))


def bar_floor(lowest: Decimal | None, maximum: Decimal | None) -> Decimal:
    """Where a league table's bars start: a round value at or below the lowest total (zero when the
    totals spread over most of the scale)."""
    if lowest is None or not maximum:
        return Decimal(0)
    return Decimal(str(nice_ticks(float(lowest), float(maximum))[0]))


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
    context = results_context(the_cycle, stage, request.GET.get("khoi", ""), request.GET.get("trang", ""))
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
    """One unit's results: its own stored line of the league table and the table's summary, and its
    own criteria (one assessment's points); never the whole cycle."""
    assessment = cycle.assessments.select_related("unit").filter(unit__code=unit_code).first()
    if assessment is None:
        raise Http404("không có đơn vị")
    standing = standings.standing_of(cycle, stage, wait=False)  # stale while recomputed: shown so
    line = standings.line_of(standing, assessment)
    if line is None and standing.stale:  # a unit the stored table does not know yet: computed now
        standing = standings.standing_of(cycle, stage)
        line = standings.line_of(standing, assessment)
    if line is None:
        raise Http404("không có đơn vị")
    summary = standing.summary
    figures = line.figures
    framework = cycle.framework.to_engine()
    places = places_of(framework)
    tree = stage_tree(assessment, stage, framework)
    language = lang()
    fields = []
    for node in framework.root.children:
        points_text, rank = figures["fields"][node.code]
        points = standings.number(points_text)
        field_summary = summary["fields"][node.code]
        mean = standings.number(field_summary["mean"])
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
                "points": fmt(points, places),
                "max": fmt(node.max_points, 0),
                "percent": fmt(points * 100 / node.max_points, 1)
                if points is not None and node.max_points
                else "–",
                "rank": format_rank(rank, field_summary["of"]),
                "mean": fmt(mean, places),
                "bar": bar(points, node.max_points),
                "mean_bar": bar(mean, node.max_points),
                "leaves": leaves,
            }
        )
    block = standings.block_of(summary, line)
    group, change = figures["group"], figures["change"]
    return {
        "cycle": cycle,
        "unit": assessment.unit,
        "assessment": assessment,
        **stale_context(standing),
        "score": fmt(line.total, places),
        "max_points": fmt(framework.root.max_points, 0),
        "rank": format_rank(line.rank, summary["of"]),
        "block_name": localized(block["name"], block["name_en"] or None) if block else None,
        "block_rank": format_rank(figures["block_rank"], figures["block_of"]) if block else None,
        # The press sentence is Vietnamese (as the report's): shown on Vietnamese pages only.
        "block_sentence": block_rank_phrase(figures["block_rank"], figures["block_of"], block["name"])
        if block and language == "vi"
        else None,
        "block_mean": fmt(standings.number(block["mean"]), places) if block else None,
        "group": localized(group[1], group[2] or None) if group else "–",
        "group_position": group[0] if group else None,
        "change_score": format_signed(standings.number(change[0]), places, language) if change else None,
        "change_rank": signed_int(change[1]) if change else None,
        "previous_year": summary["previous_year"],
        "mean": fmt(standings.number(summary["mean"]), places),
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
