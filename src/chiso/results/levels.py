"""The level of a results page: ``?cap=commune`` (the communes of an index of several levels).

An index may rank units of several levels, each among their own (`Index.levels`: the 766 ranks a
province's departments and its communes), with one result set per level (`ResultSet.level`). The
ranking, profile, points-lost (with what-if and target) and map pages take the level as the query
parameter `PARAM`, next to the period's (`chiso.results.periods`):
``/ket-qua/dvc766/2025/?ky=2025-10&cap=commune``. Without it a ranking shows the index's first
level and a unit's pages the unit's own level. Their links keep it (`periods.query`), and a selector
lists the levels with published results when there are several (`choices`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from chiso.frameworks.models import Index
from chiso.units.models import Unit

PARAM = "cap"


def asked(request: HttpRequest) -> str | None:
    """The level's text in the request, unchecked (None when there is none)."""
    return request.GET.get(PARAM, "").strip() or None


def checked(index: Index, level: str) -> str:
    """`level` when the index ranks units of it; else LookupError naming the levels it ranks."""
    if level not in index.levels:
        raise LookupError(
            _("Chỉ số {index} không xếp hạng cấp “{level}”. Có các cấp: {levels}.").format(
                index=index.short_name, level=level[:40], levels=", ".join(index.levels)
            )
        )
    return level


def requested_level(request: HttpRequest, index: Index) -> str | None:
    """The level asked by the request (None when none is); 404 for a level the index does not rank."""
    text = asked(request)
    if text is None:
        return None
    try:
        return checked(index, text)
    except LookupError as exc:
        raise Http404(str(exc)) from exc


def level_of_unit(index: Index, unit_code: str) -> str:
    """The level of the index whose units hold `unit_code` (the first in the index's order of
    levels), in one query; the index's first level when none does (its page then says so)."""
    found = set(Unit.objects.filter(code=unit_code, level__in=index.levels).values_list("level", flat=True))
    return next((level for level in index.levels if level in found), index.unit_level)


def shown(index: Index, level: str) -> str:
    """What a link keeps of a level: nothing for the index's first level (the default)."""
    return "" if level == index.unit_level else level


def choices(index: Index, year: int, period: str, level: str, url: str) -> list[dict[str, object]]:
    """The levels with published results for the year (or period) of an index, when there are
    several (none otherwise), each named by its peer noun ("Xã, phường, đặc khu") with the page's
    link (`url`, the page's path) and whether it is the one shown."""
    from chiso.results.periods import query
    from chiso.results.services import result_levels

    if len(index.levels) < 2:  # an index of one level: no query
        return []
    found = result_levels(index, year, period)
    if len(found) < 2:
        return []
    return [
        {
            "label": capfirst(index.peer_noun(found_level)),
            "url": url + query(period, shown(index, found_level)),
            "current": found_level == level,
        }
        for found_level in found
    ]
