"""Public results pages: the indices, a league table, a unit's profile."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.core.pagecache import cached_page
from chiso.core.pagination import PAGE, WHOLE, paginate
from chiso.engine.analysis import REGION, TOTAL, YearAnalysis, ranked_node
from chiso.engine.indices import NO_GROUPS, mean_label
from chiso.engine.numbers import format_number, format_rank, format_signed
from chiso.engine.periods import period_label, previous_period, sort_key
from chiso.engine.units import UnitError
from chiso.frameworks.models import Index
from chiso.frameworks.services import IndexNotFound, find_index
from chiso.results import levels, maps, periods
from chiso.results.cache import cached_registry
from chiso.results.models import ResultSet
from chiso.results.opendata import league_rows
from chiso.results.presenters import league_row, league_row_display, profile_to_dict, signed_int
from chiso.results.search import search_units
from chiso.results.services import (
    analyse,
    analysis_of_period_sets,
    credit_of,
    reference_date,
    result_years,
)


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _index_or_404(code: str) -> Index:
    try:
        return find_index(code)
    except IndexNotFound as exc:
        raise Http404(str(exc)) from exc


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """Every index with the years that have results, newest first, and the latest top five; an index
    with results per month or quarter only (the real-time 766) with its latest period; of each index's
    first level (its ranking links to its other levels)."""
    published = (
        ResultSet.objects.published()
        .filter(level=F("index__unit_level"))
        .select_related("index", "dataset", "framework")
    )
    by_index: dict[int, list[ResultSet]] = {}
    periodic: dict[int, dict[tuple[int, str], ResultSet]] = {}
    for result_set in published.order_by("index__code", "year", "period", "version"):  # one query
        if result_set.period:
            periodic.setdefault(result_set.index_id, {})[(result_set.year, result_set.period)] = result_set
        else:
            by_index.setdefault(result_set.index_id, []).append(result_set)
    cards = []
    for sets in by_index.values():
        index, latest = sets[0].index, sets[-1]
        analysis = analyse(index, latest.year)
        years = sorted({s.year for s in sets}, reverse=True)
        links = [(str(y), reverse("results:ranking", args=[index.code, y])) for y in years]
        cards.append(_card(index, latest, analysis, links))
    cards.extend(_period_card(found) for index_id, found in periodic.items() if index_id not in by_index)
    return render(request, "results/home.html", {"cards": cards})


def _card(index: Index, shown: ResultSet, analysis: YearAnalysis, links: list[tuple[str, str]]) -> dict:
    """A home card: an index's latest result set, its top five, links to its other years or periods."""
    places = analysis.framework.display_precision
    node = ranked_node(analysis)
    top = [
        {
            "rank": row.rank,
            "name": row.unit.display_name,
            "code": row.unit.code,
            "score": format_number(row.score, places, _lang()),
        }
        for row in analysis.league_table(node)[:5]
    ]
    return {
        "index": index,
        "latest": shown.year,
        "title": periods.heading(index, shown.year, shown.period),
        "query": periods.query(shown.period),
        "links": links,
        "periodic": bool(shown.period),
        "top": top,
        "source": shown.dataset.credit,
    }


PERIOD_LINKS = 12  # the latest months and quarters linked from a home card


def _period_card(found: dict[tuple[int, str], ResultSet]) -> dict:
    """The card of an index with results of months or quarters only: its latest period, and links
    to the latest few."""
    ordered = sorted(found, key=lambda yp: sort_key(*yp), reverse=True)
    latest = found[ordered[0]]
    analysis = analysis_of_period_sets(latest.index, latest.year, latest.period, found)
    links = [
        (period_label(y, p), reverse("results:ranking", args=[latest.index.code, y]) + periods.query(p))
        for y, p in ordered[:PERIOD_LINKS]
    ]
    return _card(latest.index, latest, analysis, links)


@cached_page(query=("vung", "ban-do", PAGE, WHOLE, periods.PARAM, levels.PARAM))
def ranking(request: HttpRequest, index_code: str, year: int) -> HttpResponse:
    """The league table of an index-year (or of a month or quarter of it, `?ky=`) for the units of
    one level (`?cap=`, the index's first by default), optionally one region only."""
    index = _index_or_404(index_code)
    period = periods.requested_period(request, year)
    level = levels.requested_level(request, index) or index.unit_level
    try:
        analysis = analyse(index, year, period=period, level=level)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    lang = _lang()
    places = analysis.framework.display_precision
    region = request.GET.get("vung", "")
    node = ranked_node(analysis)
    table = league_rows(analysis, region, node=node)  # the rows the API and the downloads give too
    pager = paginate(request, table)  # the rows of one page are formatted (3,321 communes …)
    rows = []
    for row in pager.rows:
        values = league_row(row, lang)
        rows.append(
            {
                **league_row_display(values, analysis.total_ranking.of, places, lang),
                "trend": _trend(values["change_rank"]),
                "group_position": values["group_position"],
                "bar": _bar(row.score, analysis.node_of(node).max_points),
            }
        )
    national, source = analysis.national_mean()
    regions = sorted({(u.region, u.region_name) for u in analysis.current.peers if u.region})
    years = result_years(index, level=level)
    path = reverse("results:ranking", args=[index.code, year])
    cap = levels.shown(index, level)
    context = {
        "index": index,
        "year": year,
        "period": period,
        "cap": cap,
        "period_query": periods.query(period, cap),
        "heading": periods.heading(index, year, period),
        "periods": periods.choices(
            index, year, period, lambda y: reverse("results:ranking", args=[index.code, y]), level
        ),
        "levels": levels.choices(index, year, period, level, path),
        "ranked_on": "" if node == TOTAL else analysis.node_of(node).name,
        "years": years,
        "framework": analysis.framework,
        "rows": rows,
        "pager": pager,
        "of": analysis.total_ranking.of,
        "ranked": len(analysis.total_ranking),
        "unranked": [analysis.units[ref].display_name for ref in analysis.total_ranking.unranked],
        "national_mean": format_number(national, places, lang),
        "mean_label": capfirst(_(mean_label(analysis.current.peer_scope))),
        "mean_is_published": bool(source and source.startswith("published")),
        "previous": _previous_label(analysis, period),
        "not_comparable": analysis.previous_not_comparable,
        "regions": regions,
        "region": region,
        # The downloads of this table: its period, level and region.
        "download_query": periods.query(period, cap)
        + (("&" if period or cap else "?") + urlencode({"vung": region}) if region else ""),
        "max_points": format_number(analysis.node_of(node).max_points, 0, lang),
        "source": credit_of(index, year, period=period, level=level),
        **_map_context(request, index, analysis, year),
    }
    return render(request, "results/ranking.html", context)


def _previous_label(analysis: YearAnalysis, period: str) -> str | int | None:
    """What a page compares with: the year before, or the month or quarter before (its label)."""
    if analysis.previous is None:
        return None
    if not period:
        return analysis.previous.year
    return period_label(*previous_period(analysis.current.year, period))


def _map_context(request: HttpRequest, index, analysis, year: int, highlight: str | None = None) -> dict:
    """The map of an index-year of provinces, coloured as asked (`?ban-do=`), and the links to its
    other colourings; nothing for indices of other units."""
    if not maps.is_mappable(analysis):
        return {}
    return maps.map_context(
        request.GET.get("ban-do", maps.SCORE), analysis, year, index.short_name, highlight
    )


@cached_page(query=(periods.PARAM, levels.PARAM))
def profile(request: HttpRequest, index_code: str, year: int, unit_code: str) -> HttpResponse:
    """One unit's position in an index-year (or a month or quarter of it, `?ky=`), among the units
    of its own level (or of `?cap=`)."""
    index = _index_or_404(index_code)
    period = periods.requested_period(request, year)
    level = levels.requested_level(request, index) or levels.level_of_unit(index, unit_code)
    try:
        analysis = analyse(index, year, period=period, level=level)
        unit = cached_registry((level,)).by_code(unit_code, level, reference_date(year, period))
    except (LookupError, UnitError) as exc:
        raise Http404(str(exc)) from exc
    result = analysis.profile(unit.ref)
    data = profile_to_dict(result, index)
    lang = _lang()
    places = result.framework.display_precision
    components = [
        {
            "code": c.code,
            "name": c.name,
            "score": format_number(c.score, places, lang),
            "max": format_number(c.max_points, 0, lang) if c.max_points is not None else "?",
            "rank": format_rank(c.rank, c.of),
            "change_rank": signed_int(c.change.rank) if c.change else "–",
            "trend": _trend(c.change.rank if c.change else None),
            "mean": format_number(c.mean, places, lang),
            "best": format_number(c.best, places, lang),
            "bar": _bar(c.score, c.max_points),
            "mean_bar": _bar(c.mean, c.max_points),
            "strength": c in result.strengths,
            "weakness": c in result.weaknesses,
        }
        for c in result.components
    ]
    change = result.change
    cap = levels.shown(index, level)
    context = {
        "index": index,
        "year": year,
        "period": period,
        "cap": cap,
        "period_query": periods.query(period, cap),
        "heading": periods.heading(index, year, period),
        "previous_label": _previous_label(analysis, period),
        "period_text": period_label(year, period) if period else "",
        "periods": periods.choices(
            index,
            year,
            period,
            lambda y: reverse("results:profile", args=[index.code, y, unit.code]),
            level,
        ),
        "unit": unit,
        "profile": result,
        "data": data,
        "score": format_number(result.score, places, lang),
        "max_points": format_number(result.framework.root.max_points, 0, lang),
        "rank": format_rank(result.rank, result.of),
        "change_score": format_signed(change.score, places, lang) if change else None,
        "change_rank": signed_int(change.rank) if change else None,
        "trend": _trend(change.rank if change else None),
        "previous_score": format_number(change.previous_score, places, lang) if change else None,
        "previous_rank": format_rank(change.previous_rank, result.of) if change else None,
        "national_mean": format_number(result.national_mean, places, lang),
        # The mean's label follows the peer set: "Trung bình cả nước", "Trung bình của tỉnh" …
        "mean_label": capfirst(_(data["mean_label"])),
        "has_groups": result.framework.ranking.groups.method != NO_GROUPS,
        "peer_groups": [
            {
                # a region's English is in the unit's data; subregions and the cities are in the catalogue
                "name": unit.region_name if g.kind == REGION and unit.region_name else _(g.name),
                "rank": format_rank(g.rank, g.of),
                "mean": format_number(g.mean, places, lang),
            }
            for g in result.peer_groups
        ],
        "regional_rank": format_rank(result.regional_rank, result.regional_of),
        "regional_mean": format_number(result.regional_mean, places, lang),
        "components": components,
        "source": credit_of(index, year, period=period, level=level),
    }
    return render(request, "results/profile.html", context)


def _trend(rank_change: int | None) -> str:
    if rank_change is None:
        return ""
    return "up" if rank_change > 0 else "down" if rank_change < 0 else "same"


def _bar(value, maximum) -> int:
    """Width in percent of a bar for a value out of a maximum (0 when either is unknown)."""
    if value is None or not maximum:
        return 0
    return max(0, min(100, int(value * 100 / maximum)))


def search(request: HttpRequest) -> HttpResponse:
    """Find a unit by its name however it is typed (or its code): its lineage and its published results."""
    query = request.GET.get("q", "").strip()[:100]
    found = search_units(query) if query else []
    return render(request, "results/search.html", {"query": query, "found": found})
