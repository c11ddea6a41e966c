"""Indices, frameworks, result sets, rankings and profiles: what the public results pages show, read
through the same services (`chiso.results.services.analyse`, the league table's rows)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router

from chiso.api import schemas
from chiso.api.common import (
    DEFAULT_LIMIT,
    NotFound,
    Validators,
    index_or_404,
    lazy_text,
    page,
    published_frameworks,
    published_indices,
    result_sets_of,
)
from chiso.engine.analysis import YearAnalysis
from chiso.engine.frameworks import Node
from chiso.engine.periods import PeriodError, period_in_year, period_label
from chiso.engine.units import UnitError
from chiso.frameworks.models import Framework, Index
from chiso.results import levels, periods
from chiso.results.models import ResultSet
from chiso.results.opendata import decimal_text, league_row_data, league_rows, maximum_text, profile_data
from chiso.results.services import analyse, credit_of, reference_date
from chiso.units.models import Block
from chiso.units.registry import registry

router = Router(tags=["results"])


def _index_data(index: Index, years: list[int], frameworks: list[str]) -> dict[str, Any]:
    return {
        "code": index.code,
        "short_name": index.short_name,
        "name_vi": index.name_vi,
        "name_en": index.name_en,
        "publisher": index.publisher,
        "legal_basis": index.legal_basis,
        "unit_levels": index.levels,
        "max_points": maximum_text(index.maximum) if not index.percent else None,
        "percent": index.percent,
        "precision": index.precision,
        "years": years,
        "frameworks": frameworks,
    }


def _indices() -> list[dict[str, Any]]:
    """Every index with something published: its published years and frameworks (three queries)."""
    indices = list(
        published_indices()
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "result_sets",
                ResultSet.objects.published().annual().only("index_id", "year"),
                "published_sets",
            ),
            Prefetch("frameworks", published_frameworks().only("index_id", "code"), "shown_frameworks"),
        )
    )
    return [
        _index_data(
            index,
            sorted({s.year for s in index.published_sets}),
            [f.code for f in index.shown_frameworks],
        )
        for index in indices
    ]


@router.get(
    "/indices",
    response=list[schemas.IndexOut],
    summary=lazy_text(gettext_lazy("Các chỉ số")),
    description=lazy_text(
        gettext_lazy(
            "Mọi chỉ số đã công bố kết quả (hoặc có kỳ đánh giá nội bộ đã công bố), với các năm đã công bố và các khung tiêu chí."
        )
    ),
)
def indices(request: HttpRequest) -> list[dict[str, Any]]:
    """Every index that has published results (or a published internal cycle), with its years."""
    return _indices()


@router.get(
    "/indices/{code}",
    response=schemas.IndexOut,
    summary=lazy_text(gettext_lazy("Một chỉ số")),
    description=lazy_text(gettext_lazy("Một chỉ số theo mã (papi, pci …).")),
)
def index_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    index_or_404(code)
    return next(item for item in _indices() if item["code"] == code.lower())


# -- frameworks ----------------------------------------------------------------------------------------


def _node(node: Node) -> dict[str, Any]:
    return {
        "code": node.code,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "level": node.level,
        "max_points": maximum_text(node.max_points),
        "weight": None if node.weight is None else format(node.weight.normalize(), "f"),
        "children": [_node(child) for child in node.children],
    }


def _framework(row: Framework, tree: bool = False) -> dict[str, Any]:
    framework = row.to_engine()
    data: dict[str, Any] = {
        "code": row.code,
        "index": row.index.code,
        "name_vi": row.name_vi,
        "name_en": framework.name_en or None,
        "first_year": row.first_year,
        "last_year": row.last_year,
        "status": row.status,
        "ranking_precision": framework.ranking.precision,
        "display_precision": framework.display_precision,
        "aggregation": framework.aggregation,
        "max_points": maximum_text(framework.root.max_points),
    }
    if tree:
        data["tree"] = _node(framework.root)
    return data


@router.get(
    "/frameworks",
    response=list[schemas.FrameworkOut],
    summary=lazy_text(gettext_lazy("Khung tiêu chí")),
    description=lazy_text(
        gettext_lazy("Các phiên bản khung tiêu chí mà kết quả công bố được chấm theo; index: của một chỉ số.")
    ),
)
def frameworks(request: HttpRequest, index: str = "") -> list[dict[str, Any]]:
    """The framework versions published results are scored on, oldest first (`index`: one index's)."""
    rows = published_frameworks().select_related("index").order_by("index__code", "first_year", "code")
    if index:
        rows = rows.filter(index__code=index.lower())
    return [_framework(row) for row in rows]


@router.get(
    "/frameworks/{code}",
    response=schemas.FrameworkDetail,
    summary=lazy_text(gettext_lazy("Một khung tiêu chí")),
    description=lazy_text(
        gettext_lazy(
            "Một phiên bản khung tiêu chí với cây tiêu chí: lĩnh vực, tiêu chí, điểm tối đa, trọng số."
        )
    ),
)
def framework_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One framework version with its tree: fields, criteria and components with their maxima."""
    row = published_frameworks().select_related("index").filter(code=code).first()
    if row is None:
        raise NotFound(_("Không có khung tiêu chí «{code}» đã dùng cho kết quả công bố.").format(code=code))
    return _framework(row, tree=True)


# -- result sets --------------------------------------------------------------------------------------


@router.get(
    "/result-sets",
    response=list[schemas.ResultSetOut],
    summary=lazy_text(gettext_lazy("Bộ kết quả")),
    description=lazy_text(
        gettext_lazy("Các bộ kết quả đã công bố (mỗi chỉ số mỗi năm một bộ), với nguồn và số đơn vị.")
    ),
)
def result_sets(request: HttpRequest, index: str = "", year: int | None = None) -> list[dict[str, Any]]:
    """The published result sets (one per index-year, or per month or quarter and level of the 766
    index), with their source and number of units."""
    rows = (
        ResultSet.objects.published()
        .select_related("index", "framework", "dataset")
        .annotate(units=Count("unit_results"))
        .order_by("index__code", "year", "period", "level")
    )
    if index:
        rows = rows.filter(index__code=index.lower())
    if year is not None:
        rows = rows.filter(year=year)
    return [
        {
            "index": row.index.code,
            "year": row.year,
            "period": row.period or None,
            "level": row.level,
            "version": row.version,
            "framework": row.framework.code,
            "published_at": row.published_at,
            "source": row.dataset.credit,
            "publisher": row.dataset.publisher,
            "document": row.dataset.document,
            "source_url": row.dataset.source_url,
            "units": row.units,
            "ranking": request.build_absolute_uri(reverse("api-v1:ranking", args=[row.index.code, row.year]))
            + _set_query(row, "period", "level"),
            "page": request.build_absolute_uri(reverse("results:ranking", args=[row.index.code, row.year]))
            + _set_query(row, periods.PARAM, levels.PARAM),
        }
        for row in rows
    ]


def _set_query(row: ResultSet, period_name: str, level_name: str) -> str:
    """The query that selects a result set of a month or quarter, or of another level than the
    index's first ("" for a whole year of the first level)."""
    asked = {period_name: row.period} if row.period else {}
    if row.level != row.index.unit_level:
        asked[level_name] = row.level
    return "?" + urlencode(asked) if asked else ""


# -- rankings and profiles ---------------------------------------------------------------------------


def _analysis(index: Index, year: int, period: str = "", level: str | None = None) -> YearAnalysis:
    try:
        return analyse(index, year, period=period, level=level)
    except LookupError as exc:
        raise NotFound(str(exc)) from exc


def scope(index: Index, year: int, period: str = "", level: str = "") -> tuple[str, str]:
    """The stored period ("" the whole year) and the level (the index's first by default) asked of an
    index-year: `period` as "2025-10" or "2025-Q4", of `year`; `level`, one the index ranks.
    NotFound names what is wrong."""
    try:
        stored = period_in_year(period, year)
    except PeriodError as exc:
        raise NotFound(str(exc)) from exc
    try:
        chosen = levels.checked(index, level.strip()) if level.strip() else index.unit_level
    except LookupError as exc:
        raise NotFound(str(exc)) from exc
    return stored, chosen


def _block_name(block: str) -> str:
    """A block given by its code or its name, as the league table names it."""
    found = Block.objects.filter(code=block).values_list("name", flat=True).first()
    return found or block


def ranking_data(
    request: HttpRequest,
    index: Index,
    year: int,
    region: str = "",
    block: str = "",
    period: str = "",
    level: str | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The league table of an index-year (or a `period` of it, the units of `level`): what the whole
    table shares, and its rows (those of the public page, in its order:
    `chiso.results.opendata.league_rows`)."""
    level = level or index.unit_level
    analysis = _analysis(index, year, period, level)
    framework = analysis.framework
    places = framework.display_precision
    mean, mean_source = analysis.national_mean()
    block_name = _block_name(block) if block else ""
    rows = [league_row_data(row, places) for row in league_rows(analysis, region, block_name)]
    meta = {
        "index": index.code,
        "year": year,
        "period": period or None,
        "level": level,
        "framework": framework.code,
        "display_precision": places,
        "ranking_precision": framework.ranking.precision,
        "max_points": maximum_text(framework.root.max_points),
        "of": analysis.total_ranking.of,
        "ranked": len(analysis.total_ranking),
        "mean": decimal_text(mean, places),
        "mean_source": mean_source,
        "previous_year": analysis.previous.year if analysis.previous else None,
        "source": credit_of(index, year, period=period, level=level),
        "region": region or None,
        "block": block_name or None,
    }
    return meta, rows


@router.get(
    "/rankings/{index}/{year}",
    response=schemas.RankingPage,
    url_name="ranking",
    summary=lazy_text(gettext_lazy("Bảng xếp hạng")),
    description=lazy_text(
        gettext_lazy(
            'Bảng xếp hạng của một chỉ số trong một năm (hoặc một tháng, một quý: period=2025-10, 2025-Q4), đúng thứ tự của trang công khai; điểm là chuỗi thập phân ("86.55"). region: một vùng; block: một khối; level: một cấp chỉ số xếp hạng (mặc định cấp đầu tiên).'
        )
    ),
)
def ranking(
    request: HttpRequest,
    response: HttpResponse,
    index: str,
    year: int,
    level: str = "",
    period: str = "",
    region: str = "",
    block: str = "",
    limit: int = Query(DEFAULT_LIMIT, ge=1),
    offset: int = Query(0, ge=0),
) -> Any:
    """The league table of an index-year (or of a month or quarter of it: `period`), rows in the order
    of the public page (ties share a rank; units without a result last, without a rank). `region`
    (its Vietnamese name) or `block` (its code or name) keeps those rows only; `level`, one of the
    levels the index ranks (its first by default)."""
    found = index_or_404(index)
    stored, chosen = scope(found, year, period, level)
    validators = Validators(request, result_sets_of(found, year))
    if validators.fresh:
        return validators.not_modified()
    meta, rows = ranking_data(request, found, year, region, block, stored, chosen)
    validators.apply(response)
    return {**meta, **page(request, rows, limit, offset)}


def profile_payload(
    index: Index, year: int, unit_code: str, period: str = "", level: str | None = None
) -> dict[str, Any]:
    """A unit's profile in an index-year (or a `period` of it), the unit of `level` (by default its
    own level in the index)."""
    level = level or levels.level_of_unit(index, unit_code)
    analysis = _analysis(index, year, period, level)
    try:
        unit = registry((level,)).by_code(unit_code, level, reference_date(year, period))
    except UnitError as exc:
        raise NotFound(str(exc)) from exc
    if unit.ref not in analysis.units:
        raise NotFound(
            _("{unit} không được xếp hạng {period}.").format(
                unit=unit.name, period=period_label(year, period)
            )
        )
    source = credit_of(index, year, period=period, level=level)
    return {**profile_data(analysis.profile(unit.ref), index), "period": period or None, "source": source}


@router.get(
    "/profiles/{index}/{year}/{unit}",
    response=schemas.ProfileOut,
    url_name="profile",
    summary=lazy_text(gettext_lazy("Hồ sơ một đơn vị")),
    description=lazy_text(
        gettext_lazy(
            "Kết quả của một đơn vị (theo mã chính thức) trong một chỉ số, một năm: điểm, hạng, nhóm, thay đổi, trung bình và từng nội dung."
        )
    ),
)
def profile(
    request: HttpRequest,
    response: HttpResponse,
    index: str,
    year: int,
    unit: str,
    period: str = "",
    level: str = "",
) -> Any:
    """A unit's result in an index-year, or a month or quarter of it (`period`), by its official code:
    score, rank, group, change, means and each component, as on its public profile page. `level`:
    the unit's level when its code is used at several (by default its own level in the index)."""
    found = index_or_404(index)
    stored, chosen = scope(found, year, period, level)
    validators = Validators(request, result_sets_of(found, year))
    if validators.fresh:
        return validators.not_modified()
    data = profile_payload(found, year, unit, stored, chosen if level.strip() else None)
    validators.apply(response)
    return data
