"""Pro-forma figures from the database: a merged province's constituents, their results of a year
and their population (UnitStatistic, with year and source). The arithmetic is in
`chiso.engine.proforma`; nothing here is stored or ranked.

    build_proforma(index, year, unit, units, method)   one merged province (the report, the CLI)
    proforma_34(analysis, year, units)                  every province of the 34 from a year of the 63
                                                        (the pro-forma map): the same computation
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from chiso.engine.analysis import YearAnalysis
from chiso.engine.i18n import gettext_noop
from chiso.engine.names import sort_key
from chiso.engine.proforma import (
    MEAN,
    POPULATION_WEIGHTED,
    Constituent,
    ProformaError,
    ProformaResult,
    normalise_method,
    proforma,
)
from chiso.engine.units import PROVINCE, Unit, UnitRegistry

MERGED_INTO = "merged_into"
MERGER_DAY = date(2025, 7, 1)  # the 63 provinces became 34

POPULATION_KIND_VI = {
    "population_average": gettext_noop("dân số trung bình"),
    "population_census": gettext_noop("dân số theo Tổng điều tra"),
}


def constituents_of(units: UnitRegistry, unit: Unit) -> list[Unit]:
    """The former provinces merged into `unit` (empty when it was not formed by a merger)."""
    return [units.get(edge.old) for edge in units.predecessors(unit) if edge.relation == MERGED_INTO]


def merged_successor(units: UnitRegistry, unit: Unit) -> Unit | None:
    """The province `unit` was merged into, if any."""
    for edge in units.successors(unit):
        if edge.relation == MERGED_INTO:
            return units.get(edge.new)
    return None


def _statistics(members: list[Unit]) -> dict[str, dict[tuple[str, int], tuple[Decimal, str]]]:
    """{member code: {(kind, year): (value, source)}} — the members' populations, in one query."""
    from chiso.units.models import UnitStatistic

    kinds = (UnitStatistic.Kind.POPULATION_AVERAGE, UnitStatistic.Kind.POPULATION_CENSUS)
    wanted = {(m.level, m.code, m.valid_from): m.code for m in members}
    found: dict[str, dict[tuple[str, int], tuple[Decimal, str]]] = {m.code: {} for m in members}
    rows = UnitStatistic.objects.filter(
        unit__level__in={m.level for m in members}, unit__code__in=[m.code for m in members], kind__in=kinds
    ).values_list("unit__level", "unit__code", "unit__valid_from", "kind", "year", "value", "source")
    for level, code, valid_from, kind, year, value, source in rows:
        if (level, code, valid_from) in wanted:
            found[code][(kind, year)] = (value, source)
    return found


def _choose(
    by_member: dict[str, dict[tuple[str, int], tuple[Decimal, str]]], year: int
) -> dict[str, tuple[Decimal, int, str, str]]:
    from chiso.units.models import UnitStatistic

    kinds = (UnitStatistic.Kind.POPULATION_AVERAGE, UnitStatistic.Kind.POPULATION_CENSUS)
    common = set.intersection(*(set(found) for found in by_member.values())) if by_member else set()
    if not common:
        return {}

    def preference(key: tuple[str, int]) -> tuple:
        kind, when = key
        return (when > year, -when if when <= year else when, kinds.index(kind))

    kind, when = min(common, key=preference)
    return {
        code: (found[(kind, when)][0], when, kind, found[(kind, when)][1])
        for code, found in by_member.items()
    }


def population_figures(members: list[Unit], year: int) -> dict[str, tuple[Decimal, int, str, str]]:
    """{code: (population, year, kind, source)} — the same kind and year for every member: the
    latest year not after `year` that all of them have (else the earliest year they all have);
    a yearly average is preferred to a census of the same year. Empty when they share none."""
    return _choose(_statistics(members), year)


def _build(
    unit: Unit,
    members: list[Unit],
    values_of: dict,
    total: str,
    year: int,
    method: str,
    populations: dict[str, tuple[Decimal, int, str, str]],
) -> ProformaResult:
    """The engine's pro-forma of `unit` from its members' values (`values_of`: ref → node → value)."""
    constituents = []
    for member in members:
        figure = populations.get(member.code)
        constituents.append(
            Constituent(
                code=member.code,
                name=member.name,
                values=dict(values_of.get(member.ref, {})),
                population=figure[0] if figure else None,
                population_year=figure[1] if figure else None,
                population_kind=POPULATION_KIND_VI.get(figure[2], figure[2]) if figure else "",
                population_source=figure[3] if figure else "",
            )
        )
    return proforma(unit.code, unit.name, year, constituents, method, total=total)


def build_proforma(index, year: int, unit: Unit, units: UnitRegistry, method: str) -> ProformaResult:
    """The pro-forma values of merged `unit` from its constituents' results of `year`."""
    from chiso.results.services import year_results

    method = normalise_method(method)
    members = constituents_of(units, unit)
    if len(members) < 2:
        successor = merged_successor(units, unit)
        message = _("{unit} (mã {code}) không phải tỉnh hình thành do sáp nhập năm 2025.").format(
            unit=unit.name, code=unit.code
        )
        if successor:
            message += " " + _(
                "Tỉnh này đã hợp nhất vào {successor} (mã {code}); hãy lập cho {successor}."
            ).format(successor=successor.name, code=successor.code)
        raise ProformaError(message)
    results = year_results(index, year)
    if results is None:
        raise ProformaError(
            _("Chưa có kết quả {index} năm {year}.").format(index=index.short_name, year=year)
        )
    populations = population_figures(members, year) if method == POPULATION_WEIGHTED else {}
    return _build(unit, members, results.values, results.framework.root.code, year, method, populations)


@dataclass(frozen=True)
class Figure34:
    """One province of the 34 in a year of the 63: its value and where it comes from."""

    unit: Unit
    value: Decimal | None
    predecessors: tuple[Unit, ...]  # the provinces of the year it was formed from (itself if unchanged)
    result: ProformaResult | None = None  # a merged province: how its value was combined
    refused: str = ""  # a merged province without a pro-forma value: why
    lacking: tuple[Unit, ...] = ()  # … and which of its former provinces have no result

    @property
    def merged(self) -> bool:
        return len(self.predecessors) >= 2


def _ancestors(units: UnitRegistry, unit: Unit, on: date) -> list[Unit]:
    """The units valid on `on` that `unit` comes from, along the lineage (itself when it was)."""
    if unit.valid_on(on):
        return [unit]
    found: list[Unit] = []
    for edge in units.predecessors(unit):
        for older in _ancestors(units, units.get(edge.old), on):
            if older not in found:
                found.append(older)
    return found


def proforma_34(analysis: YearAnalysis, year: int, units: UnitRegistry) -> list[Figure34]:
    """Every province of the 34 (from 01/07/2025) with a value for `year`, a year of the 63: a
    province formed by merging gets its pro-forma value (`build_proforma`'s computation, weighted by
    population where every constituent has a population figure, else the plain mean); a province
    not merged keeps its own published value. Two queries (the populations), whatever the count."""
    day, after = date(year, 12, 31), date(MERGER_DAY.year, 12, 31)
    total = analysis.framework.root.code
    values = analysis.current.values
    provinces = units.valid_units(PROVINCE, after)
    merged = {p.code: constituents_of(units, p) for p in provinces}
    everyone = [m for members in merged.values() if len(members) >= 2 for m in members]
    statistics = _statistics(everyone) if everyone else {}
    figures = []
    for province in provinces:
        members = merged[province.code]
        if len(members) < 2:
            older = _ancestors(units, province, day)
            value = values.get(older[0].ref, {}).get(total) if len(older) == 1 else None
            figures.append(Figure34(province, value, tuple(older)))
            continue
        populations = _choose({m.code: statistics.get(m.code, {}) for m in members}, year)
        method = POPULATION_WEIGHTED if len(populations) == len(members) else MEAN
        try:
            result = _build(province, members, values, total, year, method, populations)
        except ProformaError as exc:
            lacking = tuple(
                sorted(
                    (m for m in members if values.get(m.ref, {}).get(total) is None),
                    key=lambda m: sort_key(m.name),
                )
            )
            figures.append(Figure34(province, None, tuple(members), refused=str(exc), lacking=lacking))
            continue
        by_code = {m.code: m for m in members}
        ordered = tuple(by_code[c.code] for c in result.constituents)
        figures.append(Figure34(province, result.values[total], ordered, result))
    return figures
