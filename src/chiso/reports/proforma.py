"""Pro-forma figures from the database: a merged province's constituents, their results of a year
and their population (UnitStatistic, with year and source). The arithmetic is in
`chiso.engine.proforma`; nothing here is stored or ranked."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from chiso.engine.i18n import gettext_noop
from chiso.engine.proforma import (
    POPULATION_WEIGHTED,
    Constituent,
    ProformaError,
    ProformaResult,
    normalise_method,
    proforma,
)
from chiso.engine.units import Unit, UnitRegistry

MERGED_INTO = "merged_into"

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


def population_figures(members: list[Unit], year: int) -> dict[str, tuple[Decimal, int, str, str]]:
    """{code: (population, year, kind, source)} — the same kind and year for every member: the
    latest year not after `year` that all of them have (else the earliest year they all have);
    a yearly average is preferred to a census of the same year. Empty when they share none."""
    from chiso.units.models import UnitStatistic

    kinds = (UnitStatistic.Kind.POPULATION_AVERAGE, UnitStatistic.Kind.POPULATION_CENSUS)
    by_member: dict[str, dict[tuple[str, int], UnitStatistic]] = {}
    for member in members:
        rows = UnitStatistic.objects.filter(
            unit__level=member.level,
            unit__code=member.code,
            unit__valid_from=member.valid_from,
            kind__in=kinds,
        )
        by_member[member.code] = {(row.kind, row.year): row for row in rows}
    common = set.intersection(*(set(found) for found in by_member.values())) if by_member else set()
    if not common:
        return {}

    def preference(key: tuple[str, int]) -> tuple:
        kind, when = key
        return (when > year, -when if when <= year else when, kinds.index(kind))

    kind, when = min(common, key=preference)
    return {
        code: (found[(kind, when)].value, when, kind, found[(kind, when)].source)
        for code, found in by_member.items()
    }


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
    constituents = []
    for member in members:
        values = dict(results.values.get(member.ref, {}))
        figure = populations.get(member.code)
        constituents.append(
            Constituent(
                code=member.code,
                name=member.name,
                values=values,
                population=figure[0] if figure else None,
                population_year=figure[1] if figure else None,
                population_kind=POPULATION_KIND_VI.get(figure[2], figure[2]) if figure else "",
                population_source=figure[3] if figure else "",
            )
        )
    return proforma(unit.code, unit.name, year, constituents, method, total=results.framework.root.code)
