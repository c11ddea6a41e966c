"""The public search: a unit however its name is typed, where it stands in the lineage, and every
published result that names it.

"ninh thuan" finds Ninh Thuận (valid until 30/06/2025), says it became part of Khánh Hòa on
01/07/2025 with a link to it, and lists Ninh Thuận's published PAPI, PCI … results. The web page
(`results:search`) and `chiso units search` call `search_units`.

The name index over every unit (tens of thousands with the communes) is built once per process and
kept while the units do not change (the analyses' cache generation, `chiso.results.cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone

from chiso.assessments.models import Assessment
from chiso.engine import units as engine_units
from chiso.engine.unit_search import SearchIndex
from chiso.results import cache
from chiso.results.models import ResultSet, UnitResult
from chiso.units.models import Unit, UnitLineage

LIMIT = 20  # units shown for one query


@dataclass
class Link:
    """A unit the found one became, or came from: its name, the day, and where to look it up."""

    name: str
    level: str
    effective: date
    url: str


@dataclass
class Published:
    """One index (or an organiser's cycle) that published results naming the unit."""

    label: str
    years: list[tuple[int | str, str]]  # (year or cycle name, URL), newest first


@dataclass
class Found:
    """A unit that matched, with what a citizen looks for next."""

    unit: Unit
    matched: str  # the name or alias that matched, when it is not the unit's name
    parent: str
    became: list[Link] = field(default_factory=list)
    came_from: list[Link] = field(default_factory=list)
    results: list[Published] = field(default_factory=list)
    page: tuple[int, str] | None = None  # (latest year, its page with every index of the unit)


_kept: tuple[str | None, SearchIndex, dict[engine_units.UnitRef, int]] | None = None


def _index() -> tuple[SearchIndex, dict[engine_units.UnitRef, int]]:
    """Every unit's names, and the database id of each unit, kept while the units do not change."""
    global _kept
    generation = cache.generation()
    if _kept is not None and generation is not None and _kept[0] == generation:
        return _kept[1], _kept[2]
    rows = list(Unit.objects.all())
    engine = [row.to_engine() for row in rows]
    ids = {unit.ref: row.pk for unit, row in zip(engine, rows, strict=True)}
    index = SearchIndex(engine_units.UnitRegistry(engine, []))
    _kept = (generation, index, ids)
    return index, ids


def search_units(query: str, limit: int = LIMIT) -> list[Found]:
    """The units matching `query` (see `chiso.engine.unit_search`), each with its parent, its
    lineage and the published results that name it — in a fixed number of queries."""
    index, ids = _index()
    hits = index.search(query, limit=limit)
    if not hits:
        return []
    pks = [ids[hit.unit.ref] for hit in hits]
    rows = Unit.objects.in_bulk(pks)
    parents = _parents(rows.values())
    lineage = _lineage(pks)
    results = _results(pks)
    found = []
    for hit, pk in zip(hits, pks, strict=True):
        row = rows[pk]
        found.append(
            Found(
                unit=row,
                matched=hit.matched if hit.matched != row.name else "",
                parent=parents.get((row.parent_code, row.valid_to or timezone.localdate()), ""),
                became=lineage[0].get(pk, []),
                came_from=lineage[1].get(pk, []),
                results=results.get(pk, []),
                page=_page(row.code, results.get(pk, [])),
            )
        )
    return found


def _page(code: str, results: list[Published]) -> tuple[int, str] | None:
    """The unit's own page (every index, and the map for a province) in its latest published year."""
    years = [year for published in results for year, _url in published.years if isinstance(year, int)]
    if not years:
        return None
    return max(years), reverse("results:locality", args=[code, max(years)])


def _parents(rows) -> dict[tuple[str, date], str]:
    """The name of each unit's parent (a province or district) on the unit's last valid day."""
    codes = {row.parent_code for row in rows if row.parent_code}
    if not codes:
        return {}
    candidates = list(
        Unit.objects.filter(code__in=codes, level__in=(engine_units.PROVINCE, engine_units.DISTRICT))
    )
    names = {}
    for row in rows:
        if not row.parent_code:
            continue
        day = row.valid_to or timezone.localdate()
        for parent in candidates:
            valid = (parent.valid_from is None or parent.valid_from <= day) and (
                parent.valid_to is None or day <= parent.valid_to
            )
            if parent.code == row.parent_code and valid and _above(parent.level, row.level):
                names[(row.parent_code, day)] = parent.display_name
    return names


def _above(parent_level: str, level: str) -> bool:
    order = engine_units.TERRITORIAL_LEVELS
    if level not in order:  # an agency's parent is its province (or district)
        return True
    return parent_level in order and order.index(parent_level) < order.index(level)


def _lineage(pks: list[int]) -> tuple[dict[int, list[Link]], dict[int, list[Link]]]:
    became: dict[int, list[Link]] = {}
    came_from: dict[int, list[Link]] = {}
    edges = UnitLineage.objects.filter(old_id__in=pks) | UnitLineage.objects.filter(new_id__in=pks)
    for edge in edges.select_related("old", "new").order_by("effective"):
        if edge.old_id in pks:
            became.setdefault(edge.old_id, []).append(_link(edge.new, edge.effective))
        if edge.new_id in pks:
            came_from.setdefault(edge.new_id, []).append(_link(edge.old, edge.effective))
    return became, came_from


def _link(unit: Unit, effective: date) -> Link:
    return Link(
        name=unit.display_name,
        level=unit.get_level_display(),
        effective=effective,
        url=f"{reverse('results:search')}?q={unit.code}",
    )


def _results(pks: list[int]) -> dict[int, list[Published]]:
    """Per unit: each index with published results naming it (years newest first), then each
    published cycle of an organiser that assessed it."""
    by_unit: dict[int, dict[str, Published]] = {}
    rows = (
        UnitResult.objects.filter(  # the years (a month or quarter of the 766 is on its ranking)
            unit_id__in=pks, result_set__status=ResultSet.Status.PUBLISHED, result_set__period=""
        )
        .values_list(
            "unit_id",
            "unit__code",
            "result_set__index__code",
            "result_set__index__short_name",
            "result_set__year",
        )
        .order_by("result_set__index__short_name", "-result_set__year")
    )
    for unit_id, code, index_code, short_name, year in rows:
        entry = by_unit.setdefault(unit_id, {}).setdefault(index_code, Published(short_name, []))
        entry.years.append((year, reverse("results:profile", args=[index_code, year, code])))
    cycles = (
        Assessment.objects.filter(unit_id__in=pks, cycle__published_at__isnull=False)
        .values_list("unit_id", "unit__code", "cycle_id", "cycle__name", "cycle__year")
        .order_by("-cycle__year", "cycle__name")
    )
    for unit_id, code, cycle_id, name, _year in cycles:
        entry = by_unit.setdefault(unit_id, {}).setdefault(f"cycle-{cycle_id}", Published(name, []))
        entry.years.append((name, reverse("assessments:published_unit", args=[cycle_id, code])))
    return {pk: list(entries.values()) for pk, entries in by_unit.items()}
