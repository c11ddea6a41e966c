"""The public tables as files: a league table and a unit's profile as CSV, Excel or JSON.

The JSON is the API's answer (the whole table, unpaginated); the CSV has the same rows and columns,
every cell through the formula guard (`chiso.core.serialize.to_csv`); the Excel workbook is written
by the report's writer (`chiso.reports.xlsx`: numbers as numbers, text as text)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja.errors import HttpError

from chiso.api.common import index_or_404
from chiso.api.results import profile_payload, ranking_data
from chiso.core.serialize import to_csv
from chiso.frameworks.models import Index
from chiso.reports.tables import COLUMNS, Table, fields_table, summary_table
from chiso.reports.xlsx import tables_xlsx
from chiso.results import levels, periods
from chiso.results.opendata import league_rows
from chiso.results.presenters import league_row
from chiso.results.services import analyse, reference_date
from chiso.units.registry import registry

KINDS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _index(code: str, kind: str) -> Index:
    if kind not in KINDS:
        raise Http404(_("Không có định dạng tệp «{kind}».").format(kind=kind))
    try:
        return index_or_404(code)
    except HttpError as exc:
        raise Http404(str(exc)) from exc


def _name(index: Index, year: int, period: str, level: str) -> str:
    """A file's name: "papi-2024", "dvc766-2025-10", "dvc766-2025-10-commune"."""
    name = f"{index.code}-{period or year}"
    return name if level == index.unit_level else f"{name}-{level}"


def _file(content: bytes | str, kind: str, name: str) -> HttpResponse:
    if isinstance(content, str):
        content = (
            ("\ufeff" + content).encode() if kind == "csv" else content.encode()
        )  # BOM: Excel reads UTF-8
    response = HttpResponse(content, content_type=KINDS[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _json(data: dict[str, Any], name: str) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@require_GET
def ranking_file(request: HttpRequest, index_code: str, year: int, kind: str) -> HttpResponse:
    """The league table of an index-year (`?vung=`: one region's rows, as on the page; `?ky=` a month
    or quarter, `?cap=` a level, as on the page)."""
    index = _index(index_code, kind)
    region = request.GET.get("vung", "")
    period = periods.requested_period(request, year)
    level = levels.requested_level(request, index) or index.unit_level
    try:
        meta, rows = ranking_data(request, index, year, region, period=period, level=level)
    except HttpError as exc:
        raise Http404(str(exc)) from exc
    name = _name(index, year, period, level)
    if kind == "json":
        return _json({**meta, "count": len(rows), "items": rows}, name)
    if kind == "csv":
        headers = [
            _("Hạng"),
            _("Mã"),
            _("Đơn vị"),
            _("Điểm"),
            _("± điểm"),
            _("± bậc"),
            _("Nhóm"),
            _("Vùng"),
            _("Hạng vùng"),
            _("Nguồn số liệu"),  # every row names its source, so that a row copied elsewhere keeps it
        ]
        cells = [
            [
                r["rank"],
                r["code"],
                r["name"],
                r["score"],
                r["change_score"],
                r["change_rank"],
                r["group"],
                r["region"],
                r["regional_rank"],
                meta["source"],
            ]
            for r in rows
        ]
        return _file(to_csv(headers, cells), kind, name)
    analysis = analyse(index, year, period=period, level=level)
    heading = periods.heading(index, year, period)
    table = Table(
        "ranking",
        "Xếp hạng",
        heading,
        COLUMNS["ranking"],
        [league_row(row) for row in league_rows(analysis, region)],
        analysis.framework.display_precision,
        analysis.total_ranking.of,
    )
    return _file(tables_xlsx([table], heading, [meta["source"]]), kind, name)


@require_GET
def profile_file(request: HttpRequest, index_code: str, year: int, unit_code: str, kind: str) -> HttpResponse:
    """A unit's profile: its total and each component (score, maximum, rank, change, mean, best)."""
    index = _index(index_code, kind)
    period = periods.requested_period(request, year)
    level = levels.requested_level(request, index) or levels.level_of_unit(index, unit_code)
    try:
        data = profile_payload(index, year, unit_code, period, level)
    except HttpError as exc:
        raise Http404(str(exc)) from exc
    name = f"{_name(index, year, period, level)}-{unit_code}"
    if kind == "json":
        return _json(data, name)
    if kind == "csv":
        headers = [
            _("Mã"),
            _("Nội dung"),
            _("Điểm"),
            _("Tối đa"),
            _("Hạng"),
            _("Số đơn vị"),
            _("± điểm"),
            _("± bậc"),
            _("Trung bình"),
            _("Cao nhất"),
            _("Nguồn số liệu"),
        ]
        total = [
            "total",
            _("Điểm tổng hợp"),
            data["score"],
            data["max_points"],
            data["rank"],
            data["of"],
            data["change_score"],
            data["change_rank"],
            data["mean"],
            None,
            data["source"],
        ]
        cells = [total] + [
            [
                c["code"],
                c["name"],
                c["score"],
                c["max_points"],
                c["rank"],
                c["of"],
                c["change_score"],
                c["change_rank"],
                c["mean"],
                c["best"],
                data["source"],
            ]
            for c in data["components"]
        ]
        return _file(to_csv(headers, cells), kind, name)
    analysis = analyse(index, year, period=period, level=level)
    unit = registry((level,)).by_code(unit_code, level, reference_date(year, period))
    profile = analysis.profile(unit.ref)
    places = profile.framework.display_precision
    wording = index.wording(profile.unit.level).for_peers(profile.peer_scope)
    tables = [
        summary_table(profile, places, wording.mean_label),
        fields_table(profile, places, "nội dung", wording.mean_label),
    ]
    title = f"{periods.heading(index, year, period)} — {profile.unit.name}"
    return _file(tables_xlsx(tables, title, [data["source"]]), kind, name)
