"""The period of a results page: ``?ky=2025-10`` (a month), ``?ky=2025-Q4`` (a quarter), none (the year).

The ranking, profile, points-lost (with what-if and target) and map pages of an index with results
per month or quarter (the real-time 766 index) take the period as the query parameter `PARAM` on
their usual path, whose year must be the period's: ``/ket-qua/dvc766/2025/?ky=2025-10``. Their
links keep it, and the level (`query`; `chiso.results.levels`), and a selector lists the periods
that have published results (`choices`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest

from chiso.engine.periods import PeriodError, period_in_year, period_label
from chiso.frameworks.models import Index
from chiso.results import levels

PARAM = "ky"


def requested_period(request: HttpRequest, year: int) -> str:
    """The stored period asked by the request ("" for the whole year); 404 for a period that is not
    one, or not of the path's year."""
    try:
        return period_in_year(request.GET.get(PARAM, ""), year)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc


def query(period: str, level: str = "") -> str:
    """The query string that keeps a period and a level on a link ("?ky=2025-10&cap=commune"; ""
    for the whole year of the index's first level: `levels.shown` gives "" for it)."""
    found = "&".join(f"{key}={value}" for key, value in ((PARAM, period), (levels.PARAM, level)) if value)
    return f"?{found}" if found else ""


def heading(index: Index, year: int, period: str) -> str:
    """ "PAPI 2024", "Chỉ số 766 tháng 10/2025", "Chỉ số 766 quý IV/2025"."""
    if not period:
        return f"{index.short_name} {year}"
    return f"{index.short_name} {period_label(year, period)}"


def choices(
    index: Index, year: int, period: str, url: Callable[[int], str], level: str | None = None
) -> list[dict[str, object]]:
    """The periods with published results of an index (of `level`, the index's first by default)
    that has months or quarters (none for an index of whole years only: its year selector is
    enough), each with the page's link (`url(year)` is the page's path for a year; the level kept)
    and whether it is the one shown."""
    from chiso.results.services import result_periods

    found = result_periods(index, level=level)
    if all(not p for _y, p in found):
        return []
    kept = levels.shown(index, level or index.unit_level)
    return [
        {
            "label": period_label(y, p),
            "url": url(y) + query(p, kept),
            "current": (y, p) == (year, period),
        }
        for y, p in found
    ]
