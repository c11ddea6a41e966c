"""Analysis of one unit's result: where points were lost, what-if, rank targets.

The same pages serve a province in a published index-year and a unit in an internal cycle. The
decisions they show — the order of points at stake, the weak criteria, the default rank target —
are the engine's (`chiso.engine.losses`, `chiso.engine.whatif`), the same as in `chiso losses` and
the Word report.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.assessments.models import Cycle
from chiso.core import svgcharts
from chiso.core.pagecache import cached_page
from chiso.engine.analysis import TOTAL
from chiso.engine.losses import NodeLoss, components_at_stake, loss_analysis, tree_by_stake, weak_criteria
from chiso.engine.names import labelled, shown_code
from chiso.engine.numbers import NumberError, format_number, format_rank, format_signed, parse_decimal
from chiso.engine.whatif import Change, WhatIfError, default_target, plannable_nodes, rank_target, what_if
from chiso.results import levels, periods
from chiso.results.cache import kept_in_process
from chiso.results.extensions import panels_for
from chiso.results.periods import requested_period
from chiso.results.subjects import Subject, cycle_subject, may_analyse, national_subject


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _num(value: Decimal | None, places: int = 2) -> str:
    return format_number(value, places, _lang())


def subject_from(request: HttpRequest, kwargs: dict) -> Subject:
    """The analysed unit from the URL; an internal cycle only for the people who may see it
    (`subjects.may_analyse`: before publication, the inside roles only), refused before anything is
    computed."""
    try:
        if "cycle_id" in kwargs:
            cycle = get_object_or_404(Cycle, pk=kwargs["cycle_id"])
            if not request.user.is_authenticated:
                raise PermissionDenied
            unit_id = (
                cycle.assessments.filter(unit__code=kwargs["unit_code"])
                .values_list("unit_id", flat=True)
                .first()
            )
            if unit_id is None:
                raise LookupError(kwargs["unit_code"])
            if not may_analyse(request.user, cycle, unit_id):
                raise PermissionDenied
            return cycle_subject(cycle, kwargs["unit_code"])
        period = requested_period(request, kwargs["year"])
        level = levels.asked(request)
        return national_subject(kwargs["index_code"], kwargs["year"], kwargs["unit_code"], period, level)
    except LookupError as exc:
        raise Http404(str(exc)) from exc


# -- where points were lost -------------------------------------------------------------------------


def _loss_rows(subject: Subject, rows: list[NodeLoss], weak: set[str]) -> list[dict]:
    analysis = subject.analysis
    places = analysis.framework.display_precision
    lang = _lang()
    out = []
    for r in tree_by_stake(rows, analysis.framework):
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "depth": r.depth,
                "points": _num(r.points, places),
                "max": _num(r.max_points, places),
                "lost": _num(r.lost, places),
                "percent": _num(r.percent, 1),
                "at_max": r.at_max,
                "rank": format_rank(r.rank, r.of),
                "change_points": format_signed(r.change_points, places, lang),
                "change_rank": (f"{r.change_rank:+d}" if r.change_rank else "0")
                if r.change_rank is not None
                else "–",
                "trend": "up" if (r.change_rank or 0) > 0 else "down" if (r.change_rank or 0) < 0 else "",
                "best": _num(r.best, places),
                "regional_best": _num(r.regional_best, places),
                "mean": _num(r.mean, places),
                "weak": r.code in weak,
            }
        )
    return out


def _charts(subject: Subject) -> dict[str, SafeString]:
    """The two charts, drawn on the server: each component against the mean and the best; the
    ranking of every unit with this one highlighted."""
    analysis = subject.analysis
    places = analysis.framework.display_precision
    nodes = list(analysis.components)
    points, means, bests = [], [], []
    for node in nodes:
        node_ranking = analysis.ranking(node.code)
        points.append(analysis.current.value(subject.ref, node.code))
        means.append(analysis.computed_mean(node.code))
        bests.append(node_ranking.entries[0].value if node_ranking.entries else None)
    components = svgcharts.grouped_bars(
        [(shown_code(node.code), node.name) for node in nodes],
        [
            svgcharts.Series(subject.unit.display_name, svgcharts.HIGHLIGHT, points),
            svgcharts.Series(_("Trung bình"), "#5b6676", means),
            svgcharts.Series(_("Cao nhất"), "#1b7a43", bests),
        ],
        places=places,
        maximum=[node.max_points for node in nodes],
        label=_("Từng nội dung so với trung bình và cao nhất"),
    )
    entries = [
        svgcharts.RankedEntry(analysis.units[e.unit].display_name, e.rank, e.value, e.unit == subject.ref)
        for e in analysis.total_ranking.entries
        if e.value is not None
    ]
    ranking = svgcharts.ranking_dots(
        entries,
        places=places,
        of=analysis.total_ranking.of,
        rank_label=_("Hạng"),
        score_label=_("Điểm tổng"),
        label=_("Xếp hạng tổng"),
    )
    return {"components": components, "ranking": ranking}


def _stake_sentence(rows: list[NodeLoss], places: int) -> str:
    at_stake = components_at_stake(rows)[:3]
    if not at_stake:
        return ""
    parts = ", ".join(f"{labelled(r.code, r.name)} ({_num(r.lost, places)})" for r in at_stake)
    return _("Mất nhiều điểm nhất ở: %(parts)s.") % {"parts": parts}


def _live_panels(request: HttpRequest, kwargs: dict) -> str:
    """The panels of a kept page of points lost, for this request's user (about a province in a
    published index-year: its subject is made of published data only, kept per generation)."""
    period = requested_period(request, kwargs["year"])
    level = levels.asked(request)
    parts = ("national-subject", kwargs["index_code"], kwargs["year"], period, level, kwargs["unit_code"])
    subject = kept_in_process(parts, lambda: subject_from(request, kwargs))
    panels = panels_for("losses", request, subject)
    return render_to_string("results/_panels.html", {"panels": panels}, request)


# A province's page in a published index-year is kept (but its panels, per user); a unit's in an
# internal cycle is not: it depends on the cycle's assessments and on who may see them.
@cached_page(
    live={"panels": _live_panels},
    when=lambda kwargs: "cycle_id" not in kwargs,
    query=(periods.PARAM, levels.PARAM),
)
def losses(request: HttpRequest, **kwargs) -> HttpResponse:
    """Every node's points, points lost, rank and gaps; the charts; the what-if and target tools;
    the panels higher apps register (`chiso.results.extensions`: the plans made after this result)."""
    subject = subject_from(request, kwargs)
    analysis = subject.analysis
    places = analysis.framework.display_precision
    score = analysis.current.value(subject.ref, TOTAL)
    if score is None:
        raise Http404(_("Đơn vị không có kết quả năm này."))
    rows = loss_analysis(analysis, subject.ref)
    weak = weak_criteria(rows)
    whatif_fields = [
        {
            "code": n.code,
            "name": n.name,
            "value": _num(analysis.current.value(subject.ref, n.code), places),
            "max": _num(n.max_points, places),
        }
        for n in plannable_nodes(analysis.framework)
        if analysis.current.value(subject.ref, n.code) is not None
    ]
    current_rank = analysis.total_ranking.rank_of(subject.ref)
    target_rank, _note = default_target(analysis, subject.ref)
    context = {
        "subject": subject,
        "rows": _loss_rows(subject, rows, {r.code for r in weak}),
        "weak": [{"code": r.code, "name": r.name, "rank": format_rank(r.rank, r.of)} for r in weak],
        "charts": _charts(subject),
        "score": _num(score, places),
        "max_points": _num(analysis.framework.root.max_points, 0),
        "rank": format_rank(current_rank, analysis.total_ranking.of),
        "stake": _stake_sentence(rows, places),
        "whatif_fields": whatif_fields,
        "effort_fields": [{"code": n.code, "name": n.name} for n in analysis.components],
        "target_default": target_rank or current_rank or 1,
        "of": analysis.total_ranking.of,
        "whatif_url": subject.url("whatif"),
        "target_url": subject.url("target"),
        "panels": panels_for("losses", request, subject),
        "profile_url": reverse("results:profile", args=subject.url_args) + subject.query
        if subject.index
        else "",
    }
    return render(request, "results/losses.html", context)


# -- what-if and rank targets (htmx) ----------------------------------------------------------------


@require_POST
def whatif(request: HttpRequest, **kwargs) -> HttpResponse:
    """htmx: the new total and rank if some nodes had other values."""
    subject = subject_from(request, kwargs)
    places = subject.analysis.framework.display_precision
    changes, errors = [], []
    for key, value in request.POST.dict().items():
        if not key.startswith("v_") or not value.strip():
            continue
        code = key[2:]
        current = subject.analysis.current.value(subject.ref, code)
        try:
            amount = parse_decimal(value)
        except NumberError:
            errors.append(_("%(code)s: “%(value)s” không phải số.") % {"code": code, "value": value})
            continue
        if current is not None and _num(amount, places) == _num(current, places):
            continue  # left as shown
        changes.append(Change(code, amount, relative=False))
    result = None
    if not errors and changes:
        try:
            result = what_if(subject.analysis, subject.ref, changes)
        except WhatIfError as exc:
            errors.append(str(exc))
    context: dict = {"errors": errors, "changed": bool(changes)}
    if result is not None:
        moved = result.rank - result.new_rank
        context.update(
            {
                "score": _num(result.score, places),
                "new_score": _num(result.new_score, places),
                "delta": format_signed(result.new_score - result.score, places, _lang()),
                "rank": format_rank(result.rank, result.of),
                "new_rank": format_rank(result.new_rank, result.of),
                "moved": moved,
                "moved_abs": abs(moved),
                "changes": [
                    {
                        "code": c.code,
                        "name": subject.analysis.framework.node(c.code).name,
                        "old": _num(subject.analysis.current.value(subject.ref, c.code), places),
                        "new": _num(c.amount, places),
                    }
                    for c in changes
                ],
            }
        )
    return render(request, "results/_whatif_result.html", context, status=422 if errors else 200)


def _efforts(request: HttpRequest, errors: list[str]) -> dict[str, Decimal]:
    effort = {}
    for key, value in request.POST.dict().items():
        if key.startswith("e_") and value.strip():
            try:
                effort[key[2:]] = parse_decimal(value)
            except NumberError:
                errors.append(_("%(code)s: “%(value)s” không phải số.") % {"code": key[2:], "value": value})
            else:
                if effort[key[2:]] <= 0:
                    errors.append(_("%(code)s: chi phí phải lớn hơn 0.") % {"code": key[2:]})
    return effort


@require_POST
def target(request: HttpRequest, **kwargs) -> HttpResponse:
    """htmx: the cheapest way to a target rank, explained, with the panels registered under it
    (the plans app's button to plan it)."""
    subject = subject_from(request, kwargs)
    analysis = subject.analysis
    places = analysis.framework.display_precision
    errors: list[str] = []
    try:
        wanted = int(request.POST.get("rank", ""))
    except ValueError:
        wanted = 0
        errors.append(_("Hạng mục tiêu phải là số nguyên."))
    effort = _efforts(request, errors)
    result = None
    if not errors:
        try:
            result = rank_target(
                analysis, subject.ref, wanted, effort=effort or None, unit_name=subject.unit.name
            )
        except WhatIfError as exc:
            errors.append(str(exc))
    context: dict = {"errors": errors}
    if result is not None:
        context.update(
            {
                "result": result,
                "explanation": result.explanation_vi,
                "gains": [
                    {
                        "code": g.code,
                        "name": g.name,
                        "points": _num(g.points, places),
                        "raw": str(g.points),
                        "total_points": _num(g.total_points, places),
                        "feasible": _num(g.feasible, places),
                        "from": _num(analysis.current.value(subject.ref, g.code), places),
                        "to": _num((analysis.current.value(subject.ref, g.code) or 0) + g.points, places),
                    }
                    for g in result.gains
                ],
                "panels": panels_for("target", request, subject),
            }
        )
    return render(request, "results/_target_result.html", context, status=422 if errors else 200)
