"""The built-in public dataset: PAPI 2011–2024 and PCI 2012–2016 (see chiso/data/SOURCES.md)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_noop

from chiso.data import read_csv
from chiso.engine.numbers import parse_decimal
from chiso.engine.units import PROVINCE
from chiso.frameworks import services as framework_services
from chiso.frameworks.models import Index
from chiso.results.models import Dataset, ResultSet, UnitResult
from chiso.results.services import (
    MeanFigure,
    ResultSetData,
    UnitRow,
    reference_date,
    write_result_set,
)
from chiso.units import registry as unit_registry

# Stored with the dataset in Vietnamese (the source language); marked so the catalogue carries the
# English for a page that shows the attribution through gettext.
PAPI_ATTRIBUTION = gettext_noop(
    "PAPI — Chỉ số Hiệu quả quản trị và hành chính công cấp tỉnh, CECODES, RTA & UNDP "
    "(papi.org.vn). Số liệu công bố, chép nguyên văn."
)
PCI_ATTRIBUTION = gettext_noop(
    "PCI — Chỉ số Năng lực cạnh tranh cấp tỉnh, VCCI (pcivietnam.vn). Số liệu công bố, chép nguyên văn."
)

# National means printed in the press, kept verbatim with their source (domain research, PAPI §3.3).
PAPI_NATIONAL_MEANS = {
    2018: ("43.78", "PAPI 2019 report summary: national mean 2018 43,78"),
    2019: ("43.61", "PAPI 2019 report summary: national mean 2019 43,61 (−0,17)"),
}

PAPI_2018_DIMENSIONS = [
    "d1_participation",
    "d2_transparency",
    "d3_vertical_accountability",
    "d4_control_of_corruption",
    "d5_public_admin_procedures",
    "d6_public_service_delivery",
    "d7_environmental_governance",
    "d8_e_governance",
]
PAPI_2011_DIMENSIONS = PAPI_2018_DIMENSIONS[:6]
PCI_SUBINDICES = [
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "policy_bias",
    "proactivity",
    "business_support_services",
    "labor_training",
    "legal_institutions",
]


def _maybe(text: str) -> Decimal | None:
    return parse_decimal(text) if text not in ("", None) else None


def _status(text: str) -> str:
    if text == "complete":
        return UnitResult.Status.COMPLETE
    if text == "not_published":
        return UnitResult.Status.NOT_PUBLISHED
    return UnitResult.Status.PARTIAL


def _put(values: dict[str, Decimal], code: str, text: str) -> None:
    value = _maybe(text)
    if value is not None:
        values[code] = value


def _papi_2018_rows() -> dict[int, list[tuple[str, dict[str, Decimal], str]]]:
    subdims = {(r["year"], r["gso_code"]): r for r in read_csv("public", "papi_subdimensions_2018_2024.csv")}
    by_year: dict[int, list] = {}
    for row in read_csv("public", "papi_dimensions_2018_2024.csv"):
        values: dict[str, Decimal] = {}
        _put(values, "total", row["total_official"])
        for i, column in enumerate(PAPI_2018_DIMENSIONS, 1):
            _put(values, f"d{i}", row[column])
        sub = subdims.get((row["year"], row["gso_code"]), {})
        for column, text in sub.items():
            if column.startswith("s") and column[1].isdigit():
                dimension, number = column[1:].split("_")[:2]
                _put(values, f"d{dimension}.{number}", text)
        by_year.setdefault(int(row["year"]), []).append((row["gso_code"], values, row["status"]))
    return by_year


def _papi_2011_rows() -> dict[int, list[tuple[str, dict[str, Decimal], str]]]:
    by_year: dict[int, list] = {}
    for row in read_csv("public", "papi_official_datafile_2011_2016.csv"):
        values: dict[str, Decimal] = {}
        _put(values, "total", row["total_unweighted_official"])
        for i, column in enumerate(PAPI_2011_DIMENSIONS, 1):
            _put(values, f"d{i}", row[column])
            for key, text in row.items():
                if key.startswith(f"d{i}_s"):
                    _put(values, f"d{i}.{key.split('_s')[1]}", text)
        by_year.setdefault(int(row["year"]), []).append((row["gso_code"], values, row["status"]))
    return by_year


def _write_years(index: Index, dataset: Dataset, by_year: dict, means: dict | None = None) -> int:
    registry = unit_registry.registry((PROVINCE,))
    for year, rows in sorted(by_year.items()):
        framework = framework_services.framework_for(index, year)
        on = reference_date(year)
        unit_rows = [
            UnitRow(unit=registry.by_code(code, PROVINCE, on), values=values, status=_status(status))
            for code, values, status in rows
        ]
        national = []
        if means and year in means:
            value, source = means[year]
            national.append(MeanFigure(parse_decimal(value), source))
        write_result_set(
            ResultSetData(index, year, framework, unit_rows, national), dataset, replace=True, publish=True
        )
    return len(by_year)


def _pci_rows() -> dict[int, list[UnitRow]]:
    registry = unit_registry.registry((PROVINCE,))
    by_year: dict[int, list[UnitRow]] = {}
    for row in read_csv("public", "pci_official_datafile_2012_2016.csv"):
        year = int(row["year"])
        values: dict[str, Decimal] = {}
        _put(values, "total", row["pci_weighted_total"])
        for code in PCI_SUBINDICES:
            _put(values, code, row[code])
        by_year.setdefault(year, []).append(
            UnitRow(
                unit=registry.by_code(row["gso_code"], PROVINCE, reference_date(year)),
                values=values,
                published_rank=int(row["rank"]),
                published_group=row["tier_vi"],
            )
        )
    return by_year


def _dataset(code: str, title: str, publisher: str, url: str, attribution: str) -> Dataset:
    dataset, _ = Dataset.objects.update_or_create(
        code=code,
        defaults={
            "title": title,
            "publisher": publisher,
            "source_url": url,
            "attribution": attribution,
            "builtin": True,
        },
    )
    return dataset


@transaction.atomic
def load_public_results() -> int:
    """Load (or reload) PAPI 2011–2024 and PCI 2012–2016; returns the number of index-years."""
    papi = Index.objects.get(code="papi")
    pci = Index.objects.get(code="pci")
    papi_data = _dataset(
        "papi-official", "PAPI 2011–2024", "CECODES, RTA, UNDP", "https://papi.org.vn", PAPI_ATTRIBUTION
    )
    pci_data = _dataset("pci-official", "PCI 2012–2016", "VCCI", "https://pcivietnam.vn", PCI_ATTRIBUTION)
    count = _write_years(papi, papi_data, _papi_2011_rows())
    count += _write_years(papi, papi_data, _papi_2018_rows(), PAPI_NATIONAL_MEANS)
    for year, rows in sorted(_pci_rows().items()):
        framework = framework_services.framework_for(pci, year)
        write_result_set(ResultSetData(pci, year, framework, rows), pci_data, replace=True, publish=True)
        count += 1
    return count


def is_loaded() -> bool:
    return ResultSet.objects.filter(dataset__builtin=True).exists()
