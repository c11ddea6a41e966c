"""The locality dashboard: every index of one unit in one year on one page
(`chiso.results.locality.overview`; the command line's `chiso locality` says the same)."""

from __future__ import annotations

from contextlib import suppress

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.engine.narrative import rounded_difference
from chiso.engine.numbers import format_number, format_rank, format_signed
from chiso.engine.units import PROVINCE
from chiso.results import maps
from chiso.results.locality import IndexStanding, LocalityError, YearPoint, overview
from chiso.results.presenters import signed_int

WIDTH, HEIGHT, PAD = 180, 64, 8


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def trend_svg(points: list[YearPoint], year: int, label: str) -> SafeString:
    """A small line of the unit's rank over the years, drawn on the server: rank 1 at the top, each
    year a dot (the shown year filled), the first and last year under the line; every dot has its
    rank x/N as a tooltip. Ranks, not scores: a framework's new scale (PAPI's 60 then 80 points)
    does not break the line."""
    ranked = [p for p in points if p.rank is not None]
    if not ranked:
        return mark_safe("")
    first, last = ranked[0].year, ranked[-1].year
    worst = max(p.of for p in ranked) or 1
    span = max(last - first, 1)
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD - 12

    def xy(p: YearPoint) -> tuple[float, float]:
        x = PAD + (plot_w * (p.year - first) / span if last > first else plot_w / 2)
        y = PAD + plot_h * ((p.rank or 1) - 1) / max(worst - 1, 1)
        return round(x, 1), round(y, 1)

    coords = [xy(p) for p in ranked]
    parts = [
        f'<svg class="spark" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(label)}">',
        f'<line x1="{PAD}" y1="{PAD}" x2="{WIDTH - PAD}" y2="{PAD}" class="spark-top"/>',
    ]
    if len(coords) > 1:
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(f'<polyline points="{path}" class="spark-line"/>')
    for p, (x, y) in zip(ranked, coords, strict=True):
        shown = " spark-now" if p.year == year else ""
        tip = f"{p.year}: {format_rank(p.rank, p.of)}"
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="3" class="spark-dot{shown}"><title>{tip}</title></circle>'
        )
    base = HEIGHT - 3
    parts.append(f'<text x="{PAD}" y="{base}" class="spark-year">{first}</text>')
    if last > first:
        parts.append(f'<text x="{WIDTH - PAD}" y="{base}" class="spark-year" text-anchor="end">{last}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every value above is a number or escaped


def _links(standing: IndexStanding) -> dict[str, str]:
    prefix, args = standing.url_prefix, standing.url_args
    losses = reverse(f"results:{prefix}_losses", args=args)
    links = {"losses": losses, "whatif": losses + "#whatif-form", "target": losses + "#target-form"}
    with suppress(NoReverseMatch):  # the plans app's page proposing plan items (when installed)
        links["plan"] = reverse(f"plans:{prefix}_propose", args=args)
    if standing.cycle_id is None:
        links["profile"] = reverse("results:profile", args=args)
    return links


def _card(standing: IndexStanding, lang: str) -> dict:
    profile, places = standing.profile, standing.places
    wording = standing.wording
    maximum = standing.max_points
    scale = (
        " %" if wording.percent else (f"/{format_number(maximum, 0, lang)}" if maximum is not None else "")
    )
    mean = profile.national_mean
    return {
        "s": standing,
        "score": format_number(standing.score, places, lang),
        "scale": scale,
        "rank": format_rank(standing.rank, standing.of),
        "peer_noun": _(wording.peer_noun),
        "change_score": format_signed(standing.change_score, places, lang)
        if standing.change_score is not None
        else "–",
        "change_rank": signed_int(standing.change_rank),
        "previous_year": profile.previous_year,
        "group": profile.group.label if profile.group else "",
        "mean": format_number(mean, places, lang),
        "mean_label": capfirst(_(wording.mean_label)),
        "versus_mean": format_signed(rounded_difference(standing.score, mean, places), places, lang),
        "strengths": [c.name for c in profile.strengths],
        "weaknesses": [c.name for c in profile.weaknesses],
        "weak": [
            {"code": w.code, "name": w.name, "rank": format_rank(w.rank, w.of)} for w in standing.weak[:5]
        ],
        "weak_more": max(0, len(standing.weak) - 5),
        "svg": trend_svg(
            standing.trend, standing.year, _("Thứ hạng {index} qua các năm").format(index=standing.index_name)
        ),
        "trend_text": " · ".join(f"{p.year}: {format_rank(p.rank, p.of)}" for p in standing.trend),
        "links": _links(standing),
    }


def locality(request: HttpRequest, unit_code: str, year: int) -> HttpResponse:
    """Every index of one unit in one year: each index's sentence, rank, change, group and mean, the
    count of indices up and down, each index's trend, and where points were lost across them all."""
    wanted = request.GET.get("nam", "")
    if wanted.isdigit() and int(wanted) != year:
        return redirect("results:locality", unit_code=unit_code, year=int(wanted))
    lang = _lang()
    try:
        data = overview(unit_code, year)
    except LocalityError as exc:
        raise Http404(str(exc)) from exc
    if not data.standings and not data.not_published and data.years == [year]:
        # nothing published names the unit in any year: no page about it (not even its name)
        raise Http404(_("Chưa có kết quả công bố nào của đơn vị này."))
    cards = [_card(s, lang) for s in data.standings]
    by_key = {c["s"].key: c for c in cards}
    stakes = [
        {
            "index": row.standing.index_name,
            "code": row.node.code,
            "name": row.node.name,
            "points": format_number(row.node.points, row.standing.places, lang),
            "max": format_number(row.node.max_points, 0, lang) if row.node.max_points is not None else "–",
            "stake": format_number(row.stake, row.standing.places, lang),
            "share": format_number(row.share_lost, 1, lang) if row.share_lost is not None else "–",
            "rank": format_rank(row.node.rank, row.node.of),
            "url": by_key[row.standing.key]["links"]["losses"],
        }
        for row in data.at_stake
    ]
    context = {
        "o": data,
        "unit": data.unit,
        "year": year,
        "cards": cards,
        "stakes": stakes,
        "counts": data.counts,
        "down_text": data.counts.down_text(),
        "up_text": data.counts.up_text(),
        **_map_context(request, data.unit, data.standings, year),
        "report_links": _report_links(data.unit, data.standings, year),
    }
    return render(request, "results/locality.html", context)


def _report_links(unit, standings: list[IndexStanding], year: int) -> list[dict[str, str]]:
    """The conference report of the unit and year (every published index in one document): Word,
    Excel, PDF when the server has LibreOffice, and Word in English. None when no published index
    ranks the unit (an internal assessment alone is not in that report) or the reports app is absent."""
    from chiso.core.pdf import soffice

    if not any(s.cycle_id is None for s in standings):
        return []
    try:
        url = {
            kind: reverse("reports:conference", args=(unit.code, year, kind))
            for kind in ("docx", "xlsx", "pdf")
        }
    except NoReverseMatch:
        return []
    links = [
        {"url": url["docx"], "label": "Word", "kind": "docx"},
        {"url": url["xlsx"], "label": "Excel", "kind": "xlsx"},
    ]
    if soffice() is not None:
        links.append({"url": url["pdf"], "label": "PDF", "kind": "pdf"})
    links.append({"url": url["docx"] + "?ngon-ngu=en", "label": _("Tiếng Anh (Word)"), "kind": "docx-en"})
    return links


def _map_context(request: HttpRequest, unit, standings: list[IndexStanding], year: int) -> dict:
    """A province's page shows the map of the provinces with its own outlined: coloured by the first
    index of the provinces published that year (the conference order), or, when none is, every
    province in the no-data colour with the year's provinces (34 from 2025)."""
    if unit.level != PROVINCE:
        return {}
    shown = next(
        (
            s
            for s in standings
            if s.cycle_id is None and s.analysis is not None and maps.is_mappable(s.analysis)
        ),
        None,
    )
    if shown is None or shown.analysis is None:
        return {
            "map": maps.empty_map(year, unit.code).svg(),
            "map_title": _("Bản đồ năm {year}").format(year=year),
        }
    found = maps.map_context(
        request.GET.get("ban-do", maps.SCORE), shown.analysis, year, shown.index_name, unit.code
    )
    if "map_title" not in found:
        found["map_title"] = f"{shown.index_name} {year}"
    return found
