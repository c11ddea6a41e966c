"""Reading result sets back as engine inputs and analysing them; writing them is `chiso.results.writing`
(its names are re-exported here)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext as _

from chiso.engine.analysis import YearAnalysis, YearResults
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.indices import DISTRICT_SCOPE, MIXED, NATIONAL, PROVINCE_SCOPE
from chiso.engine.periods import last_day, period_label, previous_period, sort_key
from chiso.engine.scoring import aggregate_units
from chiso.engine.units import PROVINCE
from chiso.engine.units import Unit as EngineUnit
from chiso.engine.units import UnitRef as EngineUnitRef
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import framework_for
from chiso.results.cache import cached_analysis
from chiso.results.models import (
    PublishedFigure,
    ResultSet,
    UnitResult,
)
from chiso.results.writing import (  # re-exported: callers write through this module too
    MeanFigure as MeanFigure,
)
from chiso.results.writing import ResultSetData as ResultSetData
from chiso.results.writing import ResultSetExists as ResultSetExists
from chiso.results.writing import UnitRow as UnitRow
from chiso.results.writing import publish_result_set as publish_result_set
from chiso.results.writing import write_result_set as write_result_set
from chiso.units.blocks import engine_units_with_blocks
from chiso.units.registry import registry


def reference_date(year: int, period: str = "") -> date:
    """The day whose units an index-year is about: the last day of the year (of the month or
    quarter for a period of it)."""
    return last_day(year, period)


# -- reading ----------------------------------------------------------------------------------------


def result_set_of(
    index: Index, year: int, *, drafts: bool = False, period: str = "", level: str | None = None
) -> ResultSet | None:
    """The published result set of an index-year (or of a `period` of it) for the units of `level`
    (the index's first level by default); with `drafts`, its draft when there is one (an officer's
    preview), else the published one."""
    sets = ResultSet.objects.current() if drafts else ResultSet.objects.published()
    rows = (
        sets.of_period(period)
        .of_level(level or index.unit_level)
        .filter(index=index, year=year)
        .select_related("framework", "dataset")
        .order_by("-version")
    )
    return rows.first()


def result_years(index: Index, *, drafts: bool = False, level: str | None = None) -> list[int]:
    """The years of an index that have results of the whole year the caller may see, in order (for
    the units of `level`, the index's first level by default)."""
    sets = ResultSet.objects.current() if drafts else ResultSet.objects.published()
    rows = sets.annual().of_level(level or index.unit_level).filter(index=index)
    return sorted(set(rows.values_list("year", flat=True)))


def result_periods(index: Index, *, level: str | None = None) -> list[tuple[int, str]]:
    """The (year, period) of every published result set of an index for the units of `level` (the
    index's first level by default), newest first: the whole years ("" period) and the months and
    quarters (the real-time 766 index)."""
    rows = ResultSet.objects.published().of_level(level or index.unit_level).filter(index=index)
    found = set(rows.values_list("year", "period"))
    return sorted(found, key=lambda yp: sort_key(*yp), reverse=True)


def result_levels(index: Index, year: int, period: str = "") -> list[str]:
    """The levels of an index that have published results for a year (or a `period` of it), in the
    index's order of levels (a level the index no longer lists last)."""
    found = set(
        ResultSet.objects.published()
        .of_period(period)
        .filter(index=index, year=year)
        .values_list("level", flat=True)
    )
    order = index.levels
    return sorted(found, key=lambda lv: (order.index(lv) if lv in order else len(order), lv))


def year_results(index: Index, year: int, *, drafts: bool = False) -> YearResults | None:
    """The stored results of an index-year as engine input (None if there are none): the published
    version, or with `drafts` the draft when there is one.

    Published values are completed upward: a parent without a published value gets the sum of its
    children when all of them are there; otherwise it stays missing (never zero).
    """
    result_set = result_set_of(index, year, drafts=drafts)
    if result_set is None:
        return None
    return results_of(result_set)


def results_of(result_set: ResultSet) -> YearResults:
    """One stored result set (any version) as engine input."""
    return build_year_results(
        result_set.framework.to_engine(),
        result_set.level,
        result_set.year,
        *stored_values(result_set),
        period=result_set.period,
    )


def stored_values(result_set: ResultSet) -> tuple[dict, dict, dict, dict]:
    """A result set's stored figures: node values, published groups and ranks by unit, and the
    published means by node."""
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
    means = {
        figure.node_code: (figure.value, figure.source)
        for figure in result_set.published_figures.filter(kind=PublishedFigure.Kind.NATIONAL_MEAN)
    }
    return raw, groups, ranks, means


def results_of_many(result_sets: list[ResultSet]) -> dict[int, YearResults]:
    """Several stored result sets as engine input (result set id → `results_of` it), read together:
    a fixed number of queries however many sets (a unit's trend over every year of an index)."""
    raw: dict[int, dict] = {rs.pk: {} for rs in result_sets}
    groups: dict[int, dict] = {rs.pk: {} for rs in result_sets}
    ranks: dict[int, dict] = {rs.pk: {} for rs in result_sets}
    means: dict[int, dict] = {rs.pk: {} for rs in result_sets}
    unit_results = (
        UnitResult.objects.filter(result_set__in=result_sets)
        .select_related("unit")
        .prefetch_related("values")
    )
    for unit_result in unit_results:  # the same reading as `stored_values`, for every set at once
        ref = unit_result.unit.to_engine().ref
        raw[unit_result.result_set_id][ref] = {v.node_code: v.value for v in unit_result.values.all()}
        if unit_result.published_group:
            groups[unit_result.result_set_id][ref] = unit_result.published_group
        if unit_result.published_rank:
            ranks[unit_result.result_set_id][ref] = unit_result.published_rank
    figures = PublishedFigure.objects.filter(
        result_set__in=result_sets, kind=PublishedFigure.Kind.NATIONAL_MEAN
    )
    for figure in figures:
        means[figure.result_set_id][figure.node_code] = (figure.value, figure.source)
    registries: dict[str, Any] = {}
    found = {}
    for rs in result_sets:
        level = rs.level
        if level not in registries:
            registries[level] = registry((level,))
        found[rs.pk] = build_year_results(
            rs.framework.to_engine(),
            level,
            rs.year,
            raw[rs.pk],
            groups[rs.pk],
            ranks[rs.pk],
            means[rs.pk],
            units=registries[level],
            period=rs.period,
        )
    return found


def build_year_results(
    framework: EngineFramework,
    level: str,
    year: int,
    raw: dict,
    groups: dict | None = None,
    ranks: dict | None = None,
    means: dict | None = None,
    *,
    units: Any = None,
    period: str = "",
) -> YearResults:
    """Engine input from node values by unit; the peers are chosen by `peer_set` (from `units`, the
    registry of the level, when the caller has it already) on the last day of the year or `period`."""
    peers, scope = peer_set(level, year, set(raw), units=units, period=period)
    peers = engine_units_with_blocks(peers, reference_date(year, period))
    values = aggregate_units(framework, raw)
    return YearResults(
        framework=framework,
        year=year,
        peers=peers,
        values=values,
        published_groups=groups or {},
        published_ranks=ranks or {},
        published_means=means or {},
        peer_scope=scope,
        period=period,
    )


def peer_set(
    level: str, year: int, ranked: set[EngineUnitRef], *, units: Any = None, period: str = ""
) -> tuple[list[EngineUnit], str]:
    """The units an index-year ranks ("x/N": N is their number) and where they come from.

    The rule: the units of the index's level valid on 31 December of the year, under the parent(s) of
    the units that have results. Provinces have the country as parent: every province valid that
    day (63, or 34 from 2025). A table of Quảng Ninh's districts ranks the 13 districts of Quảng Ninh
    valid that day, not all 696 districts of the country; a district without a row is counted, without
    a rank. The scope is "national" for provinces, "province" (or "district") when the units share one
    parent, "mixed" otherwise; it names the peers' mean ("trung bình của tỉnh")."""
    units = (units or registry((level,))).valid_units(level, on=reference_date(year, period))
    if level == PROVINCE:
        return units, NATIONAL
    parents = {unit.parent_code for unit in units if unit.ref in ranked}
    if not parents or not all(parents):
        return units, MIXED
    peers = [unit for unit in units if unit.parent_code in parents]
    if len(parents) > 1:
        return peers, MIXED
    parent = next(iter(parents)) or ""
    return peers, PROVINCE_SCOPE if len(parent) <= 2 else DISTRICT_SCOPE


def analyse(
    index: Index, year: int, *, drafts: bool = False, period: str = "", level: str | None = None
) -> YearAnalysis:
    """The analysis of an index-year against the previous year that has results (published ones;
    with `drafts`, the drafts where there are some); of a `period` of the year ("2025-10",
    "2025-Q4") against the period before of the same kind (`engine.periods.previous_period`). The
    units are those of `level` (the index's first level by default), ranked among themselves.

    Computed once per version of the result sets it reads and kept (`chiso.results.cache`): a new
    import, version, publication, or any change of the units, frameworks or results, is a new key."""
    level = level or index.unit_level
    if period:
        return _period_analysis(index, year, period, level, drafts=drafts)
    shown = _shown_sets(index, (year, year - 1), level, drafts=drafts)
    return analysis_of_sets(index, year, shown, drafts=drafts, level=level)


def _period_analysis(index: Index, year: int, period: str, level: str, *, drafts: bool) -> YearAnalysis:
    """`analyse` of a month or quarter: its result set and the one of the period before, in one query."""
    before = previous_period(year, period)
    sets = ResultSet.objects.current() if drafts else ResultSet.objects.published()
    rows = (
        sets.filter(index=index, level=level)
        .filter(Q(year=year, period=period) | Q(year=before[0], period=before[1]))
        .select_related("framework", "dataset", "index")
        .order_by("year", "period", "version")
    )
    shown = {(row.year, row.period): row for row in rows}  # the highest version of each wins
    return analysis_of_period_sets(index, year, period, shown, drafts=drafts, level=level)


def analysis_of_period_sets(
    index: Index,
    year: int,
    period: str,
    shown: dict[tuple[int, str], ResultSet],
    *,
    drafts: bool = False,
    level: str | None = None,
) -> YearAnalysis:
    """`analyse` of a month or quarter from result sets already read ((year, period) → the set
    shown, all of one level: the period's and the one before), without a query when the analysis is
    kept; `level` (the index's first by default) only names what is missing."""
    before = previous_period(year, period)
    current_set = shown.get((year, period))
    if current_set is None:
        available = ", ".join(period_label(*yp) for yp in result_periods(index, level=level)[:12])
        raise LookupError(
            _("Chưa có kết quả {index} {period}.").format(
                index=index.short_name, period=period_label(year, period)
            )
            + _level_note(index, level)
            + " "
            + _("Có các kỳ: {periods}.").format(periods=available or _("không có"))
        )
    return _kept_analysis(index, year, period, drafts, current_set, shown.get(before), results_of)


def _kept_analysis(
    index: Index,
    year: int,
    period: str,
    drafts: bool,
    current_set: ResultSet,
    previous_set: ResultSet | None,
    inputs: Any,
) -> YearAnalysis:
    """The cached analysis of a result set against the one before (None: no results before);
    `inputs` reads a set as engine input when the analysis is not kept."""

    def build() -> tuple[YearResults, YearResults | None, int | None]:
        current = inputs(current_set)
        previous = inputs(previous_set) if previous_set is not None else None
        return current, previous, None if previous or period else year - 1

    parts = (
        "analyse",
        index.pk,
        year,
        period,
        current_set.level,
        drafts,
        _identity(current_set),
        _identity(previous_set),
    )
    return cached_analysis(parts, build)


def published_sets(
    indices: list[Index] | None = None, *, level: str | None = None
) -> dict[tuple[int, int], ResultSet]:
    """The published result set of the whole year shown for every index-year (of `indices`, or of
    every index), in one query: (index id, year) → result set, as `analyse` chooses it — of the
    units of `level` (the indices that rank it), else of each index's first level."""
    rows = ResultSet.objects.published().annual().select_related("framework", "dataset", "index")
    rows = rows.filter(level=level) if level else rows.filter(level=F("index__unit_level"))
    if indices is not None:
        rows = rows.filter(index__in=indices)
    found: dict[tuple[int, int], ResultSet] = {}
    for row in rows.order_by("index_id", "year", "version"):
        found[(row.index_id, row.year)] = row  # the highest version of each year wins
    return found


def analysis_of_sets(
    index: Index, year: int, shown: dict[int, ResultSet], *, drafts: bool = False, level: str | None = None
) -> YearAnalysis:
    """`analyse` from result sets already read (year → the set shown, all of one level): the same
    cached analysis, without a query when it is kept. A page showing many index-years reads their
    sets once (`published_sets`) and asks for each analysis here; `level` (the index's first by
    default) only names what is missing."""
    current_set = shown.get(year)
    if current_set is None:
        years = result_years(index, drafts=drafts, level=level)
        raise LookupError(
            _("Chưa có kết quả {index} năm {year}.").format(index=index.short_name, year=year)
            + _level_note(index, level)
            + " "
            + _("Có các năm: {years}.").format(years=", ".join(map(str, years)) or _("không có"))
        )
    return _kept_analysis(index, year, "", drafts, current_set, shown.get(year - 1), results_of)


def analyses_of_sets(index: Index, years: list[int], shown: dict[int, ResultSet]) -> dict[int, YearAnalysis]:
    """The published analyses of several years of an index (year → `analyse` of it), from result
    sets already read (year → set: every year asked and the year before each). The same cached
    analyses as `analyse`; those not kept are built from one reading of all the sets together
    (`results_of_many`), so the queries do not grow with the years."""
    loaded: dict[int, YearResults] = {}

    def inputs(result_set: ResultSet) -> YearResults:
        if not loaded:
            loaded.update(results_of_many(list(shown.values())))
        return loaded[result_set.pk]

    return {
        year: _kept_analysis(index, year, "", False, shown[year], shown.get(year - 1), inputs)
        for year in years
    }


def _shown_sets(index: Index, years: tuple[int, ...], level: str, *, drafts: bool) -> dict[int, ResultSet]:
    """The result set of the whole year of `level` shown for each of `years` (as `result_set_of`
    chooses it), in one query."""
    sets = ResultSet.objects.current() if drafts else ResultSet.objects.published()
    rows = (
        sets.annual()
        .filter(index=index, year__in=years, level=level)
        .select_related("framework", "dataset", "index")
        .order_by("year", "version")
    )
    return {row.year: row for row in rows}  # the highest version of each year wins


def _identity(result_set: ResultSet | None) -> tuple[Any, ...] | None:
    """What names a result set's figures in a cache key: its id, version and status, and its
    framework and index as they stand (even if changed behind the services' back)."""
    if result_set is None:
        return None
    framework = result_set.framework
    definition = json.dumps(framework.definition, sort_keys=True, default=str)
    return (
        result_set.pk,
        result_set.version,
        result_set.status,
        framework.pk,
        hashlib.sha256(definition.encode()).hexdigest(),
        result_set.level,
        repr(result_set.index.defaults()),
    )


def _level_note(index: Index, level: str | None) -> str:
    """ " (cấp xã, phường, đặc khu)" after what is missing, for a level other than the index's first."""
    if not level or level == index.unit_level:
        return ""
    return " " + _("(cấp {level})").format(level=index.peer_noun(level))


def credit_of(
    index: Index, year: int, *, drafts: bool = False, period: str = "", level: str | None = None
) -> str:
    """Whom the figures of an index-year (or period, of `level`) are credited to: the dataset's
    source and document."""
    result_set = result_set_of(index, year, drafts=drafts, period=period, level=level)
    return result_set.dataset.credit if result_set is not None else ""


def framework_for_year(index: Index, year: int) -> Framework:
    return framework_for(index, year)
