"""The engine's unit registry built from the database, and loading of the built-in unit lists."""

from __future__ import annotations

from django.db import transaction

from chiso import data
from chiso.engine import units as engine_units
from chiso.engine.numbers import parse_decimal
from chiso.units.models import Unit, UnitLineage, UnitStatistic


def registry(levels: tuple[str, ...] = (engine_units.PROVINCE,)) -> engine_units.UnitRegistry:
    """All units of the given levels and their lineage, as an engine registry."""
    rows = list(Unit.objects.filter(level__in=levels))
    ids = {row.pk for row in rows}
    by_pk = {row.pk: row.to_engine() for row in rows}
    edges = [
        engine_units.Lineage(by_pk[e.old_id].ref, by_pk[e.new_id].ref, e.effective, e.relation, e.note)
        for e in UnitLineage.objects.filter(old_id__in=ids, new_id__in=ids)
    ]
    return engine_units.UnitRegistry(list(by_pk.values()), edges)


def _save_unit(unit: engine_units.Unit) -> Unit:
    row, _ = Unit.objects.update_or_create(
        level=unit.level,
        code=unit.code,
        valid_from=unit.valid_from,
        defaults={
            "name": unit.name,
            "name_en": unit.name_en,
            "kind": unit.kind,
            "valid_to": unit.valid_to,
            "parent_code": unit.parent_code or "",
            "region": unit.region or "",
            "region_en": unit.region_en or "",
            "subregion": unit.subregion or "",
            "is_central_city": unit.is_central_city,
            "aliases": list(unit.aliases),
        },
    )
    return row


@transaction.atomic
def load_provinces() -> int:
    """Load (or refresh) the 63 + 34 provinces and their lineage; returns the number of units."""
    units, lineage = data.province_units()
    saved = {unit.ref: _save_unit(unit) for unit in units}
    for edge in lineage:
        UnitLineage.objects.update_or_create(
            old=saved[edge.old],
            new=saved[edge.new],
            defaults={"effective": edge.effective, "relation": edge.relation, "note": edge.note},
        )
    _load_population(
        {unit.code: saved[unit.ref] for unit in units if unit.valid_to is not None or unit.valid_from is None}
    )
    return len(saved)


def _load_population(old_provinces: dict[str, Unit]) -> None:
    """Population and area of the 63 provinces (mixed years: each row says its year and source)."""
    kinds = UnitStatistic.Kind
    for row in data.read_csv("public", "provinces_population.csv"):
        unit = old_provinces[row["gso_code"]]
        figures = []
        if row["population_2019_census"]:
            figures.append((kinds.POPULATION_CENSUS, 2019, row["population_2019_census"], row["source_2019"]))
        if row["population_latest"]:
            year = int(row["population_latest_year"])
            figures.append((kinds.POPULATION_AVERAGE, year, row["population_latest"], row["source_latest"]))
            if row["area_km2"]:
                figures.append((kinds.AREA_KM2, year, row["area_km2"], row["source_latest"]))
        for kind, year, value, source in figures:
            UnitStatistic.objects.update_or_create(
                unit=unit,
                kind=kind,
                year=year,
                defaults={"value": parse_decimal(value), "source": source[:500]},
            )


@transaction.atomic
def load_communes() -> int:
    """Load (or refresh) the 3,321 communes valid from 01/07/2025; returns how many."""
    communes = data.commune_units()
    existing = {(u.code, u.valid_from): u.pk for u in Unit.objects.filter(level=engine_units.COMMUNE)}
    new_rows = [
        Unit(
            level=c.level,
            code=c.code,
            name=c.name,
            kind=c.kind,
            valid_from=c.valid_from,
            parent_code=c.parent_code or "",
        )
        for c in communes
        if (c.code, c.valid_from) not in existing
    ]
    Unit.objects.bulk_create(new_rows, batch_size=500)
    return len(communes)
