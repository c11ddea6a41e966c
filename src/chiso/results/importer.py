"""Importing a results table (CSV or XLSX) for one index and year.

The file has one row per unit, identified by official code or by name (any spelling, alias),
and one column per node of the framework (the total, fields, dimensions), by code or by name.
Decimal commas and points are both accepted. Every problem is reported with its row and column,
and nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core import limits
from chiso.core.limits import field_problem, max_length
from chiso.core.logs import logged_import
from chiso.core.progress import Progress, no_progress
from chiso.core.uploads import (
    MAX_ERRORS,
    FileRefused,
    Workbook,
    capped,
    csv_rows,
    repeated_header,
    repeated_header_message,
)
from chiso.engine.analysis import YearAnalysis
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.names import match_key
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.engine.units import UnitError, UnitRegistry
from chiso.frameworks.models import Framework, Index
from chiso.results.models import Dataset, NodeValue, PublishedFigure, ResultSet, UnitResult
from chiso.results.services import (
    MeanFigure,
    ResultSetData,
    UnitRow,
    build_year_results,
    reference_date,
    write_result_set,
)

CODE_HEADERS = {
    match_key(h) for h in ("mã", "ma", "code", "mã tỉnh", "mã đơn vị", "gso_code", "unit_code", "mã số")
}
NAME_HEADERS = {
    match_key(h)
    for h in (
        "tỉnh",
        "tỉnh, thành phố",
        "tỉnh/thành phố",
        "tỉnh thành",
        "đơn vị",
        "tên đơn vị",
        "tên",
        "địa phương",
        "unit",
        "province",
        "name",
        "province_vi",
    )
}
TOTAL_HEADERS = {
    match_key(h)
    for h in (
        "total",
        "tổng",
        "tổng điểm",
        "điểm",
        "chỉ số",
        "giá trị",
        "score",
        "index",
        "kết quả",
        "điểm tổng",
    )
}
RANK_HEADERS = {match_key(h) for h in ("rank", "xếp hạng", "hạng", "thứ hạng", "vị thứ")}
GROUP_HEADERS = {match_key(h) for h in ("nhóm", "group", "xếp loại", "tier", "tier_vi")}
# A row that carries the published mean of the peers rather than a unit's figures.
MEAN_LABELS = {
    match_key(h)
    for h in (
        "trung bình cả nước",
        "trung bình",
        "cả nước",
        "toàn quốc",
        "trung bình toàn quốc",
        "trung bình của tỉnh",
        "trung bình tỉnh",
        "national mean",
        "national average",
        "average",
        "mean",
    )
}
IGNORED_HEADERS = {
    match_key(h) for h in ("stt", "tt", "số tt", "ghi chú", "note", "notes", "province_en", "year", "năm")
}


class ImportFailed(Exception):
    """The file was refused; `errors` lists the problems found (the first `MAX_ERRORS` and a line
    counting the others), `total` how many there are."""

    def __init__(self, errors: list[str]):
        self.total = len(errors)
        self.errors = capped(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class RankDifference:
    """A unit whose published rank is not the rank chiso computes from the published scores."""

    line: int
    unit: str
    published: int
    computed: int | None


@dataclass
class ImportReport:
    rows: int
    units: int
    columns: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    result_set: ResultSet | None = None
    differences: list[RankDifference] = field(default_factory=list)
    ranks_compared: int = 0
    means: dict[str, Decimal] = field(default_factory=dict)
    replaces: ResultSet | None = None


def read_table(path: Path, sheet: str | None = None) -> list[list[str]]:
    """The cells of a CSV or XLSX file as text, row by row (blank rows kept for numbering); a file
    that cannot be read (encoding, damaged, formulas without values …) raises ImportFailed."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise ImportFailed([_("Không đọc được tệp {name}: chỉ nhận CSV hoặc XLSX.").format(name=path.name)])
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            return csv_rows(path.read_bytes(), path.name)
        return _read_xlsx(path, sheet)
    except FileRefused as exc:
        raise ImportFailed(exc.messages) from exc
    except OSError as exc:
        raise ImportFailed(
            [_("Không đọc được tệp {name}: {error}").format(name=path.name, error=exc)]
        ) from exc


def _read_xlsx(path: Path, sheet: str | None) -> list[list[str]]:
    with Workbook(path) as workbook:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ImportFailed(
                [
                    _("Không có trang tính {sheet!r}; có: {sheets}.").format(
                        sheet=sheet, sheets=", ".join(workbook.sheetnames)
                    )
                ]
            )
        return [["" if cell is None else _cell_text(cell) for cell in row] for row in workbook.rows(sheet)]


def _cell_text(cell: object) -> str:
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


@dataclass
class _Columns:
    code: int | None = None
    name: int | None = None
    rank: int | None = None
    group: int | None = None
    nodes: dict[int, str] = field(default_factory=dict)


def _node_lookup(framework: EngineFramework, index_names: tuple[str, ...] = ()) -> dict[str, str]:
    """Header text → node code: node codes and names, and for the total also the index's names."""
    lookup: dict[str, str] = {}
    for node in framework.nodes():
        for label in (node.code, node.name_vi, node.name_en):
            if label:
                lookup.setdefault(match_key(label), node.code)
    for alias in TOTAL_HEADERS | {match_key(name) for name in index_names}:
        lookup.setdefault(alias, framework.root.code)
    return lookup


def _find_header(rows: list[list[str]]) -> int:
    for i, row in enumerate(rows[:20]):
        keys = {match_key(cell) for cell in row if cell}
        if keys & (CODE_HEADERS | NAME_HEADERS):
            return i
    raise ImportFailed(
        [_("Không tìm thấy dòng tiêu đề có cột mã hoặc tên đơn vị (ví dụ 'Mã', 'Tỉnh, thành phố').")]
    )


def _map_columns(
    header: list[str], framework: EngineFramework, errors: list[str], line: int, index_names: tuple[str, ...]
) -> _Columns:
    columns = _Columns()
    lookup = _node_lookup(framework, index_names)
    for i, cell in enumerate(header):
        key = match_key(cell)
        if not key or key in IGNORED_HEADERS:
            continue
        if key in CODE_HEADERS and columns.code is None:
            columns.code = i
        elif key in NAME_HEADERS and columns.name is None:
            columns.name = i
        elif key in RANK_HEADERS:
            columns.rank = i
        elif key in GROUP_HEADERS:
            columns.group = i
        elif key in lookup:
            code = lookup[key]
            if code in columns.nodes.values():
                errors.append(
                    _("Dòng {row}, cột {column!r}: trùng với một cột khác của tiêu chí {code}.").format(
                        row=line, column=cell, code=code
                    )
                )
            columns.nodes[i] = code
        else:
            known = ", ".join(n.code for n in framework.nodes())
            errors.append(
                _(
                    "Dòng {row}, cột {column!r}: không phải tiêu chí của khung {framework} (mã hợp lệ: {known})."
                ).format(row=line, column=cell, framework=framework.code, known=known)
            )
    if not columns.nodes:
        errors.append(
            _("Dòng {row}: không có cột điểm nào (ví dụ 'Tổng điểm' hoặc mã tiêu chí).").format(row=line)
        )
    return columns


def parse_results(
    rows: list[list[str]],
    framework: EngineFramework,
    registry: UnitRegistry,
    year: int,
    level: str,
    index_names: tuple[str, ...] = (),
    means: dict[str, Decimal] | None = None,
) -> tuple[list[UnitRow], _Columns, list[str]]:
    """Validate the table; returns the unit rows, the column mapping and every error found.

    `index_names` are names of the index ("PAR INDEX", "Chỉ số CCHC") that a total column may carry.
    A row named like "Trung bình cả nước" is the published mean: its figures go into `means`."""
    errors: list[str] = []
    if means is None:
        means = {}
    header_index = _find_header(rows)
    again = repeated_header(rows, header_index)
    if again is not None:
        raise ImportFailed([repeated_header_message(again + 1, header_index + 1)])
    columns = _map_columns(rows[header_index], framework, errors, header_index + 1, index_names)
    on = reference_date(year)
    unit_rows: list[UnitRow] = []
    seen: dict[object, int] = {}
    maxima = {node.code: node.max_points for node in framework.nodes()}
    header = rows[header_index]
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = row + [""] * (len(header) - len(row))
        if not any(cells):
            continue
        query = ""
        if columns.code is not None and cells[columns.code]:
            query = cells[columns.code]
        elif columns.name is not None:
            query = cells[columns.name]
        if not query:
            errors.append(_("Dòng {row}: thiếu mã hoặc tên đơn vị.").format(row=offset))
            continue
        if match_key(query) in MEAN_LABELS:
            means.update(_values(cells, header, columns, maxima, offset, errors))
            continue
        try:  # past the errors shown, only their count matters: no search for the closest names
            unit = registry.resolve(query, level=level, on=on, suggest=len(errors) < MAX_ERRORS)
        except UnitError as exc:
            errors.append(_("Dòng {row}: {error}").format(row=offset, error=exc))
            continue
        if unit.ref in seen:
            errors.append(
                _("Dòng {row}: {unit} đã có ở dòng {first}.").format(
                    row=offset, unit=unit.display_name, first=seen[unit.ref]
                )
            )
            continue
        seen[unit.ref] = offset
        values = _values(cells, header, columns, maxima, offset, errors)
        published_rank = None
        if columns.rank is not None and cells[columns.rank]:
            try:
                published_rank = int(parse_decimal(cells[columns.rank]))
            except NumberError:
                errors.append(
                    _("Dòng {row}, cột {column!r}: {value!r} không phải số.").format(
                        row=offset, column=header[columns.rank], value=cells[columns.rank]
                    )
                )
        group = cells[columns.group] if columns.group is not None else ""
        for column, name, value in (
            (columns.rank, "published_rank", published_rank),
            (columns.group, "published_group", group),
        ):
            problem = field_problem(UnitResult, name, value)
            if problem is not None and column is not None:
                errors.append(
                    _("Dòng {row}, cột {column!r}: {problem}.").format(
                        row=offset, column=header[column], problem=problem
                    )
                )
        status = UnitResult.Status.COMPLETE if values else UnitResult.Status.NOT_PUBLISHED
        unit_rows.append(
            UnitRow(
                unit=unit,
                values=values,
                status=status,
                published_rank=published_rank,
                published_group=group,
                line=offset,
            )
        )
    if not unit_rows and not errors:
        errors.append(_("Tệp không có dòng dữ liệu nào."))
    return unit_rows, columns, errors


def _values(
    cells: list[str], header: list[str], columns: _Columns, maxima: dict, line: int, errors: list[str]
) -> dict[str, Decimal]:
    """The numbers of one row by node code; a blank or a dash is no value, anything else not a
    number or out of the node's range is an error."""
    values: dict[str, Decimal] = {}
    for column, code in columns.nodes.items():
        text = cells[column]
        if text == "" or text in ("-", "–"):
            continue
        try:
            value = parse_decimal(text)
        except NumberError:
            errors.append(
                _("Dòng {row}, cột {column!r}: {value!r} không phải số.").format(
                    row=line, column=header[column], value=text
                )
            )
            continue
        maximum = maxima.get(code)
        if value < 0 or (maximum is not None and value > maximum):
            bound = f"0–{maximum}" if maximum is not None else "≥ 0"
            errors.append(
                _("Dòng {row}, cột {column!r}: {value} ngoài khoảng {bound}.").format(
                    row=line, column=header[column], value=text, bound=bound
                )
            )
            continue
        problem = field_problem(NodeValue, "value", value)
        if problem is not None:
            errors.append(
                _("Dòng {row}, cột {column!r}: {problem}.").format(
                    row=line, column=header[column], problem=problem
                )
            )
            continue
        values[code] = value
    return values


def rank_differences(
    unit_rows: list[UnitRow], framework: EngineFramework, level: str, year: int
) -> tuple[list[RankDifference], int]:
    """Every row whose published rank differs from the rank chiso computes from the table's totals,
    and how many published ranks were compared."""
    results = build_year_results(framework, level, year, {row.unit.ref: row.values for row in unit_rows})
    ranking = YearAnalysis(results).total_ranking
    differences = []
    compared = 0
    for row in unit_rows:
        if row.published_rank is None:
            continue
        compared += 1
        computed = ranking.rank_of(row.unit.ref)
        if computed != row.published_rank:
            differences.append(RankDifference(row.line, row.unit.display_name, row.published_rank, computed))
    return differences, compared


@logged_import("results")
def import_results(
    path: Path,
    index: Index,
    year: int,
    framework: Framework,
    registry: UnitRegistry,
    *,
    sheet: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    source: str = "",
    publisher: str = "",
    document: str = "",
    source_url: str = "",
    national_mean: Decimal | None = None,
    publish: bool = False,
    user: Any = None,
    file_name: str | None = None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Validate a results file and, if it is entirely valid, write it as a new version of the
    index-year's results: a draft unless `publish`. One service for `chiso import-results` and the
    officer's upload page; `progress` hears its steps (read, checked, ranks compared, written).

    The report names every unit whose published rank differs from chiso's rank and the published
    means (a "Trung bình cả nước" row, or `national_mean` for the total). `dry_run` writes nothing."""
    steps = 3 if dry_run else 4
    progress(0, steps, _("Đang đọc tệp"))
    engine_framework = framework.to_engine()
    rows = read_table(path, sheet)
    progress(1, steps, _("Đang kiểm tra {n} dòng").format(n=len(rows)))
    aliases = (index.short_name, *index.aliases)
    names = (index.name_vi, *aliases, *(f"chỉ số {a}" for a in aliases))
    means: dict[str, Decimal] = {}
    unit_rows, columns, errors = parse_results(
        rows, engine_framework, registry, year, index.unit_level, names, means
    )
    root = engine_framework.root.code
    if national_mean is not None:
        if root in means and means[root] != national_mean:
            errors.append(
                _("Trung bình cả nước trong tệp ({table}) khác số đã nhập ({given}).").format(
                    table=means[root], given=national_mean
                )
            )
        means[root] = national_mean
    errors += _source_problems(source, publisher, document, source_url, national_mean)
    if errors:
        raise ImportFailed(errors)
    header = rows[_find_header(rows)]
    progress(2, steps, _("Đang so sánh thứ hạng công bố"))
    differences, compared = rank_differences(unit_rows, engine_framework, index.unit_level, year)
    report = ImportReport(
        rows=len(unit_rows),
        units=len({r.unit.ref for r in unit_rows}),
        columns={header[i]: code for i, code in columns.nodes.items()},
        differences=differences,
        ranks_compared=compared,
        means=means,
        replaces=ResultSet.objects.current()
        .annual()
        .of_level(index.unit_level)  # a table is of the index's first level (`ResultSetData`)
        .filter(index=index, year=year)
        .order_by("-version")
        .first(),
    )
    if dry_run:
        progress(3, steps, _("Đã kiểm tra"))
        return report
    progress(3, steps, _("Đang ghi {n} đơn vị").format(n=report.units))
    name = file_name or path.name
    with transaction.atomic():
        dataset = Dataset.objects.create(
            code=f"import-{index.code}-{year}-{uuid.uuid4().hex[:8]}",
            title=f"{index.short_name} {year} — {name}"[: max_length(Dataset, "title")],
            attribution=source,
            publisher=publisher,
            document=document,
            source_url=source_url,
            imported_file=name[: max_length(Dataset, "imported_file")],
            imported_by=user if getattr(user, "is_authenticated", False) else None,
        )
        figures = [MeanFigure(value, dataset.credit, node_code=code) for code, value in means.items()]
        report.result_set = write_result_set(
            ResultSetData(index, year, framework, unit_rows, figures),
            dataset,
            replace=replace,
            publish=publish,
        )
    progress(4, steps, _("Đã ghi {n} đơn vị").format(n=report.units))
    return report


def _source_problems(
    source: str, publisher: str, document: str, source_url: str, national_mean: Decimal | None
) -> list[str]:
    """What the dataset's credits and the given mean cannot hold (the credit is also each published
    figure's source)."""
    problems = []
    for model, name, value in (
        (Dataset, "attribution", source),
        (PublishedFigure, "source", source),
        (Dataset, "publisher", publisher),
        (Dataset, "document", document),
        (Dataset, "source_url", source_url),
        (PublishedFigure, "value", national_mean),
    ):
        problem = field_problem(model, name, value)
        if problem is not None:
            problems.append(_("{field}: {problem}.").format(field=limits.label(model, name), problem=problem))
    return problems
