"""Writing result sets: all or nothing, as a new version, a draft or published (re-exported by
`chiso.results.services`, where the reading is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core import changelog
from chiso.core.points import VALUE_PLACES
from chiso.engine.analysis import TOTAL
from chiso.engine.numbers import round_half_up
from chiso.engine.periods import period_label
from chiso.engine.units import Unit as EngineUnit
from chiso.frameworks.method import method_of
from chiso.frameworks.models import Framework, Index
from chiso.results.models import (
    Dataset,
    NodeValue,
    PublishedFigure,
    ResultSet,
    UnitResult,
)
from chiso.units.models import Unit


@dataclass
class UnitRow:
    """One unit's figures, validated, ready to be written."""

    unit: EngineUnit
    values: dict[str, Decimal]
    status: str = UnitResult.Status.COMPLETE
    published_rank: int | None = None
    published_group: str = ""
    note: str = ""
    line: int = 0  # the row of the imported file it came from (0: not from a file)


@dataclass
class MeanFigure:
    value: Decimal
    source: str
    node_code: str = TOTAL
    region: str = ""


@dataclass
class ResultSetData:
    """Everything needed to write one index-year (or one `period` of it: "2025-10", "2025-Q4") for
    the units of one `level` (the index's first level when left empty)."""

    index: Index
    year: int
    framework: Framework
    rows: list[UnitRow]
    national_means: list[MeanFigure] = field(default_factory=list)
    period: str = ""
    method: dict[str, Any] = field(default_factory=dict)  # added to the recorded method
    level: str = ""

    @property
    def unit_level(self) -> str:
        """The level of the units written: `level`, else the index's first level."""
        return self.level or self.index.unit_level


class ResultSetExists(Exception):
    pass


def _stored(value: Decimal) -> Decimal:
    """Values are kept to 9 decimals (see VALUE_PLACES)."""
    exponent = value.as_tuple().exponent  # an int for every finite value
    if isinstance(exponent, int) and exponent < -VALUE_PLACES:
        return round_half_up(value, VALUE_PLACES)
    return value


@transaction.atomic
def write_result_set(
    data: ResultSetData, dataset: Dataset, replace: bool = False, *, publish: bool = False
) -> ResultSet:
    """Write the results of one index-year, all or nothing, as a draft or (`publish`) published.

    An index-year that already has results is refused unless `replace` is given; the new result set
    is then a new version and nothing is lost: a draft it replaces is marked superseded at once, the
    published version when the new one is published. Reloading a table from the same built-in
    dataset replaces it in place (the shipped data is the same source). An index of several levels
    has one result set per level (`ResultSetData.level`): each is versioned on its own."""
    level = data.unit_level
    existing = list(
        ResultSet.objects.current()
        .of_period(data.period)
        .of_level(level)
        .filter(index=data.index, year=data.year)
        .select_related("dataset")
    )
    if existing and not replace:
        raise ResultSetExists(
            _("Đã có kết quả {index} {period} (nguồn: {source}); dùng --replace để thay thế.").format(
                index=data.index.short_name,
                period=period_label(data.year, data.period),
                source=existing[0].dataset,
            )
        )
    for old in existing:
        if old.dataset.builtin and old.dataset_id == dataset.pk:
            old.delete()
        elif old.status == ResultSet.Status.DRAFT:
            old.status = ResultSet.Status.SUPERSEDED
            old.save(update_fields=["status"])
    last = (
        ResultSet.objects.of_period(data.period)
        .of_level(level)
        .filter(index=data.index, year=data.year)
        .order_by("-version")
        .first()
    )
    # The framework may not change while figures are written on it (its editor locks it too).
    framework = Framework.objects.select_for_update().select_related("index").get(pk=data.framework.pk)
    result_set = ResultSet.objects.create(
        index=data.index,
        year=data.year,
        period=data.period,
        level=level,
        framework=framework,
        dataset=dataset,
        version=last.version + 1 if last else 1,
        status=ResultSet.Status.DRAFT,
        method={**method_of(framework, "write", level), **data.method},
    )
    unit_pks = _unit_pks([row.unit for row in data.rows], level)
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
    values = NodeValue.objects.bulk_create(
        [
            NodeValue(unit_result=unit_result, node_code=code, value=_stored(value))
            for unit_result, row in zip(unit_results, data.rows, strict=True)
            for code, value in row.values.items()
        ],
        batch_size=2000,
    )
    # The rows of the table: one change-log entry on the result set, with their counts.
    changelog.log_counts(
        result_set, {"unit_results": (None, len(unit_results)), "node_values": (None, len(values))}
    )
    figures = PublishedFigure.objects.bulk_create(
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
    changelog.log_created(figures)  # bulk_create sends no signal
    if publish:
        publish_result_set(result_set)
    return result_set


@transaction.atomic
def publish_result_set(result_set: ResultSet, user: Any = None) -> ResultSet | None:
    """Publish a draft: the index-year's published version, if any, becomes superseded (kept).
    Returns the superseded version, if there was one."""
    if result_set.status == ResultSet.Status.PUBLISHED:
        return None
    if result_set.status != ResultSet.Status.DRAFT:
        raise ValueError(
            _("Chỉ công bố được bản nháp; phiên bản {version} đã bị thay thế.").format(
                version=result_set.version
            )
        )
    previous = (
        ResultSet.objects.published()
        .of_period(result_set.period)
        .of_level(result_set.level)
        .filter(index_id=result_set.index_id, year=result_set.year)
        .exclude(pk=result_set.pk)
        .first()
    )
    if previous is not None:
        previous.status = ResultSet.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    result_set.status = ResultSet.Status.PUBLISHED
    result_set.published_at = timezone.now()
    result_set.published_by = user if getattr(user, "is_authenticated", False) else None
    result_set.save(update_fields=["status", "published_at", "published_by"])
    return previous


def _unit_pks(units: list[EngineUnit], level: str) -> dict:
    """The database ids of the units (all of `level`: a unit of another level is missing)."""
    pks = {}
    for row in Unit.objects.filter(level=level, code__in={u.code for u in units}):
        pks[row.to_engine().ref] = row.pk
    missing = [u for u in units if u.ref not in pks]
    if missing:
        raise LookupError(f"units not in the database: {[u.name for u in missing][:5]}")
    return pks
