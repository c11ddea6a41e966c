"""Writing result sets and reading them back as engine inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.points import VALUE_PLACES
from chiso.engine.analysis import TOTAL, YearAnalysis, YearResults
from chiso.engine.numbers import round_half_up
from chiso.engine.scoring import aggregate
from chiso.engine.units import Unit as EngineUnit
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import framework_for
from chiso.results.models import (
    Dataset,
    NodeValue,
    PublishedFigure,
    ResultSet,
    UnitResult,
)
from chiso.units.models import Unit
from chiso.units.registry import registry


def reference_date(year: int) -> date:
    """The day whose units an index-year is about: the last day of the year."""
    return date(year, 12, 31)


@dataclass
class UnitRow:
    """One unit's figures, validated, ready to be written."""

    unit: EngineUnit
    values: dict[str, Decimal]
    status: str = UnitResult.Status.COMPLETE
    published_rank: int | None = None
    published_group: str = ""
    note: str = ""


@dataclass
class MeanFigure:
    value: Decimal
    source: str
    node_code: str = TOTAL
    region: str = ""


@dataclass
class ResultSetData:
    """Everything needed to write one index-year."""

    index: Index
    year: int
    framework: Framework
    rows: list[UnitRow]
    national_means: list[MeanFigure] = field(default_factory=list)


class ResultSetExists(Exception):
    pass


def _stored(value: Decimal) -> Decimal:
    """Values are kept to 9 decimals (see VALUE_PLACES)."""
    exponent = value.as_tuple().exponent  # an int for every finite value
    if isinstance(exponent, int) and exponent < -VALUE_PLACES:
        return round_half_up(value, VALUE_PLACES)
    return value


@transaction.atomic
def write_result_set(data: ResultSetData, dataset: Dataset, replace: bool = False) -> ResultSet:
    """Write (or, with `replace`, overwrite) the results of one index-year, all or nothing."""
    existing = ResultSet.objects.filter(index=data.index, year=data.year).first()
    if existing is not None:
        if not replace:
            raise ResultSetExists(
                _("Đã có kết quả {index} năm {year} (nguồn: {source}); dùng --replace để thay thế.").format(
                    index=data.index.short_name, year=data.year, source=existing.dataset
                )
            )
        old_dataset = existing.dataset
        existing.delete()
        if not old_dataset.builtin and not old_dataset.result_sets.exists():
            old_dataset.delete()
    result_set = ResultSet.objects.create(
        index=data.index, year=data.year, framework=data.framework, dataset=dataset
    )
    unit_pks = _unit_pks([row.unit for row in data.rows])
    unit_results = UnitResult.objects.bulk_create(
        [
            UnitResult(
                result_set=result_set,
                unit_id=unit_pks[row.unit.ref],
                status=row.status,
                published_rank=row.published_rank,
                published_group=row.published_group,
                note=row.note,
            )
            for row in data.rows
        ]
    )
    NodeValue.objects.bulk_create(
        [
            NodeValue(unit_result=unit_result, node_code=code, value=_stored(value))
            for unit_result, row in zip(unit_results, data.rows, strict=True)
            for code, value in row.values.items()
        ],
        batch_size=2000,
    )
    PublishedFigure.objects.bulk_create(
        [
            PublishedFigure(
                result_set=result_set,
                kind=PublishedFigure.Kind.NATIONAL_MEAN,
                node_code=m.node_code,
                value=m.value,
                source=m.source,
            )
            for m in data.national_means
        ]
    )
    return result_set


def _unit_pks(units: list[EngineUnit]) -> dict:
    pks = {}
    for row in Unit.objects.filter(code__in={u.code for u in units}):
        pks[row.to_engine().ref] = row.pk
    missing = [u for u in units if u.ref not in pks]
    if missing:
        raise LookupError(f"units not in the database: {[u.name for u in missing][:5]}")
    return pks


# -- reading ----------------------------------------------------------------------------------------


def year_results(index: Index, year: int) -> YearResults | None:
    """The stored results of an index-year as engine input (None if there are none).

    Published values are completed upward: a parent without a published value gets the sum of its
    children when all of them are there; otherwise it stays missing (never zero).
    """
    result_set = ResultSet.objects.filter(index=index, year=year).select_related("framework").first()
    if result_set is None:
        return None
    framework = result_set.framework.to_engine()
    units = registry((index.unit_level,))
    peers = units.valid_units(index.unit_level, on=reference_date(year))
    raw: dict = {}
    groups: dict = {}
    ranks: dict = {}
    unit_results = result_set.unit_results.select_related("unit").prefetch_related("values")
    for unit_result in unit_results:
        ref = unit_result.unit.to_engine().ref
        raw[ref] = {v.node_code: v.value for v in unit_result.values.all()}
        if unit_result.published_group:
            groups[ref] = unit_result.published_group
        if unit_result.published_rank:
            ranks[ref] = unit_result.published_rank
    values = {
        ref: {code: score.points for code, score in aggregate(framework, node_values).items()}
        for ref, node_values in raw.items()
    }
    means = {
        figure.node_code: (figure.value, figure.source)
        for figure in result_set.published_figures.filter(kind=PublishedFigure.Kind.NATIONAL_MEAN)
    }
    return YearResults(
        framework=framework,
        year=year,
        peers=peers,
        values=values,
        published_groups=groups,
        published_ranks=ranks,
        published_means=means,
    )


def analyse(index: Index, year: int) -> YearAnalysis:
    """The analysis of an index-year against the previous year that has results."""
    current = year_results(index, year)
    if current is None:
        years = sorted(ResultSet.objects.filter(index=index).values_list("year", flat=True))
        raise LookupError(
            _("Chưa có kết quả {index} năm {year}.").format(index=index.short_name, year=year)
            + " "
            + _("Có các năm: {years}.").format(years=", ".join(map(str, years)) or _("không có"))
        )
    previous = year_results(index, year - 1)
    return YearAnalysis(current, previous, missing_previous_year=None if previous else year - 1)


def framework_for_year(index: Index, year: int) -> Framework:
    return framework_for(index, year)
