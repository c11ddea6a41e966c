"""The engine's unit registry built from the database, and loading of the built-in unit lists."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from chiso import data
from chiso.core import changelog
from chiso.engine import units as engine_units
from chiso.engine.numbers import parse_decimal
from chiso.units.models import Unit, UnitLineage, UnitStatistic


def registry(levels: tuple[str, ...] = (engine_units.PROVINCE,)) -> engine_units.UnitRegistry:
    """All units of the given levels and their lineage, as an engine registry."""
    rows = list(Unit.objects.filter(level__in=levels))
    by_pk = {row.pk: row.to_engine() for row in rows}
    # Filtered by a join on the levels, not by a list of ids (thousands of communes).
    edges = [
        engine_units.Lineage(by_pk[e.old_id].ref, by_pk[e.new_id].ref, e.effective, e.relation, e.note)
        for e in UnitLineage.objects.filter(old__level__in=levels, new__level__in=levels)
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
    """Load the 3,321 communes valid from 01/07/2025 (those missing); returns how many there are."""
    communes = data.commune_units()
    _create_missing(communes)
    return len(communes)


@transaction.atomic
def load_districts() -> tuple[int, int]:
    """Load the 696 districts and the 10,035 communes in force until 30/06/2025 (those missing),
    with the lineage of each old commune into its 2025 commune(s); the 2025 communes are loaded
    first if they are not. Returns (districts, communes before 2025)."""
    load_communes()
    districts, district_lineage = data.district_units()
    communes, commune_lineage = data.communes_before_2025()
    _create_missing(districts + communes)
    levels = (engine_units.DISTRICT, engine_units.COMMUNE)
    pk_by_ref = {
        engine_units.UnitRef(level, code, valid_from): pk
        for pk, level, code, valid_from in Unit.objects.filter(level__in=levels).values_list(
            "pk", "level", "code", "valid_from"
        )
    }
    existing = set(UnitLineage.objects.filter(old__level__in=levels).values_list("old_id", "new_id"))
    lineage = [
        UnitLineage(
            old_id=pk_by_ref[edge.old],
            new_id=pk_by_ref[edge.new],
            effective=edge.effective,
            relation=edge.relation,
            note=edge.note,
        )
        for edge in district_lineage + commune_lineage
        if (pk_by_ref[edge.old], pk_by_ref[edge.new]) not in existing
    ]
    UnitLineage.objects.bulk_create(lineage, batch_size=500, ignore_conflicts=True)
    if lineage:
        changelog.log_bulk(
            UnitLineage,
            changelog.CREATE,
            _("Nạp lịch sử sắp xếp huyện, xã có sẵn: {count} liên kết").format(count=len(lineage)),
            len(lineage),
        )
    return len(districts), len(communes)


def _create_missing(units: list[engine_units.Unit]) -> None:
    """Insert the units not yet in the database (same level, code and first valid day)."""
    levels = {u.level for u in units}
    existing = set(Unit.objects.filter(level__in=levels).values_list("level", "code", "valid_from"))
    missing = [u for u in units if (u.level, u.code, u.valid_from) not in existing]
    Unit.objects.bulk_create(
        [
            Unit(
                level=u.level,
                code=u.code,
                name=u.name,
                kind=u.kind,
                valid_from=u.valid_from,
                valid_to=u.valid_to,
                parent_code=u.parent_code or "",
            )
            for u in missing
        ],
        batch_size=500,
    )
    if missing:  # thousands of rows from chiso's own lists: one entry, with their codes
        changelog.log_bulk(
            Unit,
            changelog.CREATE,
            _("Nạp danh sách đơn vị có sẵn: {count} đơn vị").format(count=len(missing)),
            len(missing),
            codes=[f"{u.level}:{u.code}" for u in missing],
        )
