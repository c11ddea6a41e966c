"""Built-in data shipped with chiso: units, frameworks and public results (see SOURCES.md).

These readers turn the package's data files into engine objects, so that an analyst can use the
engine from a notebook without a database:

    >>> from chiso.data import province_registry
    >>> province_registry().resolve("TP. HCM").code
    '79'
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from chiso.engine.i18n import gettext_noop
from chiso.engine.units import COMMUNE, DISTRICT, PROVINCE, Lineage, Unit, UnitRef, UnitRegistry

REORGANISATION_2025 = date(2025, 7, 1)
LAST_DAY_BEFORE_2025 = date(2025, 6, 30)

# The subregions the press ranks provinces in (the regions carry their English in the data), and the
# group of centrally-run cities: marked so that English pages name them in English.
PEER_GROUP_NAMES = (
    gettext_noop("Tây Bắc"),
    gettext_noop("Đông Bắc"),
    gettext_noop("Bắc Trung Bộ"),
    gettext_noop("Duyên hải Nam Trung Bộ"),
    gettext_noop("thành phố trực thuộc trung ương"),
)


def data_path(*parts: str) -> Path:
    """Path of a file inside the package's data folder."""
    return Path(str(resources.files("chiso.data").joinpath(*parts)))


def read_csv(*parts: str) -> list[dict[str, str]]:
    with data_path(*parts).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split("|") if a.strip())


def province_units() -> tuple[list[Unit], list[Lineage]]:
    """The 63 provinces (to 30/06/2025), the 34 from 01/07/2025, and the lineage between them."""
    units: list[Unit] = []
    for row in read_csv("units", "provinces_63.csv"):
        units.append(
            Unit(
                code=row["code"],
                name=row["name_vi"],
                name_en=row["name_en"],
                level=PROVINCE,
                kind=row["kind"],
                valid_from=_day(row["valid_from"]),
                valid_to=_day(row["valid_to"]),
                region=row["region_vi"] or None,
                region_en=row["region_en"] or None,
                subregion=row["subregion_vi"] or None,
                is_central_city=row["is_central_city"] == "true",
                aliases=_aliases(row["aliases"]),
            )
        )
    old_by_code = {u.code: u for u in units}
    lineage: list[Lineage] = []
    for row in read_csv("units", "provinces_2025.csv"):
        new = Unit(
            code=row["code"],
            name=row["name_vi"],
            name_en=row["name_en"],
            level=PROVINCE,
            kind=row["kind"],
            valid_from=_day(row["valid_from"]),
            region=row["region_vi"] or None,
            region_en=row["region_en"] or None,
            subregion=row["subregion_vi"] or None,
            is_central_city=row["is_central_city"] == "true",
            aliases=_aliases(row["aliases"]),
        )
        units.append(new)
        for old_code in row["formed_from"].split():
            old = old_by_code[old_code]
            # Stored as data in Vietnamese; marked so a page can show it through gettext.
            note = gettext_noop("trung tâm hành chính") if old_code == row["admin_centre_in"] else ""
            lineage.append(
                Lineage(old.ref, new.ref, new.valid_from or REORGANISATION_2025, row["relation"], note)
            )
    return units, lineage


def commune_units() -> list[Unit]:
    """The 3,321 communes, wards and special zones valid from 01/07/2025.

    Codes of the National Statistics Office list (Quyết định 19/2025/QĐ-TTg); names and lineage
    transcribed from the `vietnamadminunits` package (see docs/sources.md). Commune codes are
    five-digit texts ("00070").
    """
    return [
        Unit(
            code=row["code"],
            name=row["name"],
            level=COMMUNE,
            kind=row["kind"],
            valid_from=REORGANISATION_2025,
            parent_code=row["province_code"],
        )
        for row in read_csv("units", "communes_2025.csv")
    ]


def _units_before_2025(
    file: str, level: str, parent_column: str, relation: Callable[[dict[str, str]], str]
) -> tuple[list[Unit], list[Lineage]]:
    """The units of one level in force until 30/06/2025 and the 2025 communes each became (part of)."""
    units: list[Unit] = []
    lineage: list[Lineage] = []
    for row in read_csv("units", file):
        unit = Unit(
            code=row["code"],
            name=row["name"],
            level=level,
            kind=row["kind"],
            valid_to=LAST_DAY_BEFORE_2025,
            parent_code=row[parent_column],
        )
        units.append(unit)
        for new_code in row["became"].split():
            new = UnitRef(COMMUNE, new_code, REORGANISATION_2025)
            lineage.append(Lineage(unit.ref, new, REORGANISATION_2025, relation(row)))
    return units, lineage


def district_units() -> tuple[list[Unit], list[Lineage]]:
    """The 696 districts (huyện, quận, thị xã, thành phố thuộc tỉnh) in force until 30/06/2025,
    and the lineage of the five island districts without communes into their special zones."""
    return _units_before_2025("districts_2024.csv", DISTRICT, "province_code", lambda row: "merged_into")


def communes_before_2025() -> tuple[list[Unit], list[Lineage]]:
    """The 10,035 communes, wards and towns in force until 30/06/2025 (parent: their district)
    and the 2025 communes each became part of ("split_into" where it was divided)."""
    return _units_before_2025(
        "communes_2024.csv",
        COMMUNE,
        "district_code",
        lambda row: "split_into" if row["split"] == "true" else "merged_into",
    )


@lru_cache(maxsize=1)
def province_registry() -> UnitRegistry:
    """A registry of the provinces (63 and 34) with lineage, read from the package's data files."""
    units, lineage = province_units()
    return UnitRegistry(units, lineage)


def find_province_ref(registry: UnitRegistry, code: str, on: date) -> UnitRef:
    return registry.by_code(code, PROVINCE, on).ref
