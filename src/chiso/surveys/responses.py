"""Read KoboToolbox / ODK response exports (CSV or XLSX) against a form, with a row-level report.

Đọc dữ liệu trả lời xuất từ KoboToolbox / ODK (CSV hoặc XLSX) theo bảng hỏi, kèm báo cáo lỗi
theo từng dòng.

Accepted shapes:

* headers ``group/subgroup/question`` (Kobo "XML values and headers" with groups) or plain
  ``question`` names, or the question labels (Kobo "labels" export);
* answers as choice names (codes) or choice labels, any case; ``select_multiple`` answers as
  space-separated codes or labels;
* the submission id in ``_uuid``, ``_submission__uuid``, ``meta/instanceID`` or ``instanceID``;
* CSV separated by ``,`` ``;`` or tab (Kobo's default CSV uses ``;``).

Checks, reported with the file row number (the header is row 1) and the field: unknown answer
(out of scale), unknown unit, missing required answer, non-numeric or non-positive weight,
unknown respondent type, missing submission id. A submission id seen earlier in the file, or in
`known_ids` (already imported), is a *duplicate*: reported and never counted.

`read_responses` either returns every row (no problems), or — with ``valid_only=True`` — the rows
without problems; otherwise it raises `ResponseImportError` carrying the full report, and returns
nothing, so a failed import writes nothing.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from chiso.core.uploads import FileRefused, unreadable
from chiso.engine.i18n import gettext as _
from chiso.surveys.response_files import ROW, read_table
from chiso.surveys.xlsform import Form, Question

ID_COLUMNS = ("_uuid", "_submission__uuid", "meta/instanceID", "instanceID", "meta/instanceid")
SUBMISSION_ID = "submission_id"
UNIT = "unit"
UNIT_NAME = "unit_name"
RESPONDENT_TYPE = "respondent_type"
WEIGHT = "weight"
STRATUM = "stratum"
PSU = "psu"


class ResponseImportError(ValueError):
    """The file cannot be imported; `report` holds every problem found."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Problem:
    """One finding: file row (header = 1), field (column header), kind and message."""

    row: int
    field: str
    kind: str
    message: str

    def __str__(self) -> str:
        return _("Dòng {row}, trường {field!r}: {message}").format(
            row=self.row, field=self.field, message=self.message
        )


@dataclass
class ImportReport:
    """What happened to each row of an import."""

    total_rows: int = 0
    valid_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> str:
        return _("{total} dòng, {valid} hợp lệ, {invalid} lỗi, {duplicates} trùng").format(
            total=self.total_rows,
            valid=self.valid_rows,
            invalid=self.invalid_rows,
            duplicates=len(self.duplicates),
        )


@dataclass
class ResponseImport:
    """The accepted rows (one column per form field, answers as choice codes) and the report."""

    frame: pl.DataFrame
    report: ImportReport


def unknown_unit_message(unit: str) -> str:
    """The problem reported for a unit no name or code matches (callers add the closest names)."""
    return _("không tìm thấy đơn vị {unit}").format(unit=unit)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


def _read_table(path: Path, columns: Callable[[list[str]], Iterable[str]] | None = None) -> pl.DataFrame:
    """Every cell as text (None for empty), in file order; a file that cannot be read, a cell longer
    than a workbook's, or the header row repeated further down raises ResponseImportError."""
    try:
        return read_table(path, columns)
    except FileRefused as exc:
        raise ResponseImportError(str(exc)) from exc
    except OSError as exc:
        raise ResponseImportError(
            _("Không đọc được tệp {name}: {error}").format(name=path.name, error=exc)
        ) from exc


def _match_headers(names: list[str], form: Form, overrides: Mapping[str, str]) -> dict[str, str]:
    """Form field name → file column, trying overrides, group/path, plain name, then label."""
    by_key = {_key(c): c for c in names}
    by_tail: dict[str, str] = {}
    for column in names:
        by_tail.setdefault(_key(column.split("/")[-1]), column)
    found: dict[str, str] = {}
    for q in form.questions:
        for candidate in (overrides.get(q.name), overrides.get(q.role or ""), q.header, q.name):
            if candidate and _key(candidate) in by_key:
                found[q.name] = by_key[_key(candidate)]
                break
        else:
            if _key(q.name) in by_tail:
                found[q.name] = by_tail[_key(q.name)]
            elif _key(q.label) in by_key:
                found[q.name] = by_key[_key(q.label)]
    return found


def _coded(table: pl.DataFrame, column: str, mapping: Mapping[str, str]) -> pl.Expr:
    """The column's answers as codes (null where none matches): each distinct raw value is keyed
    (`_key`) and looked up once in Python, then the column is recoded in one vectorised pass."""
    raw = table[column].drop_nulls().unique().to_list()
    found = {value: mapping.get(_key(value)) for value in raw}
    return pl.col(column).replace_strict(found, default=None, return_dtype=pl.Categorical)


def _choice_map(q: Question) -> dict[str, str]:
    mapping = {_key(c.label): c.name for c in q.choices}
    mapping.update({_key(c.name): c.name for c in q.choices})
    return mapping


def read_responses(
    path: str | Path,
    form: Form,
    *,
    valid_only: bool = False,
    columns: Mapping[str, str] | None = None,
    unit_mapping: Mapping[str, str] | None = None,
    resolve_unit: Callable[[str], tuple[str, str]] | None = None,
    known_ids: Iterable[str] | pl.Series = (),
) -> ResponseImport:
    """Read and check a response export against `form`.

    `columns` maps a form field name or a role (``unit``, ``weight`` …) to a file column (e.g.
    ``{"unit": "Tỉnh"}``). Units are resolved by `unit_mapping` (raw text → unit code) if given,
    else by `resolve_unit` (text → (code, name)), else — for ``chiso_unit_level = province`` —
    with `chiso.data.province_registry()`; a form with ``chiso_unit_level = free`` keeps units as
    written. The returned frame has ``row``, ``submission_id``, ``unit``, ``unit_name``,
    ``respondent_type``, ``weight``/``stratum``/``psu`` when the form or `columns` give them,
    then one column per form field (answer codes as text).
    """
    path = Path(path)
    if not path.exists():
        raise ResponseImportError(_("Không có tệp {path}.").format(path=path))
    try:
        with unreadable(path.name, ResponseImportError):
            return _read_responses(path, form, valid_only, columns, unit_mapping, resolve_unit, known_ids)
    except FileRefused as exc:
        raise ResponseImportError(str(exc)) from exc


def _read_responses(
    path: Path,
    form: Form,
    valid_only: bool,
    columns: Mapping[str, str] | None,
    unit_mapping: Mapping[str, str] | None,
    resolve_unit: Callable[[str], tuple[str, str]] | None,
    known_ids: Iterable[str] | pl.Series,
) -> ResponseImport:
    overrides = dict(columns or {})
    header: list[str] = []

    def used(names: list[str]) -> set[str]:
        """The columns the form reads (the others are checked but never cleaned nor kept)."""
        header.extend(names)
        found = set(_match_headers(names, form, overrides).values()) | set(overrides.values())
        return found | {c for c in ID_COLUMNS if c in names}

    table = _read_table(path, used)
    report = ImportReport(total_rows=table.height)
    id_column = overrides.get("submission_id") or next((c for c in ID_COLUMNS if c in header), None)
    if id_column is None or id_column not in table.columns:
        raise ResponseImportError(
            _("Không có cột mã bài nộp ({columns}).").format(columns=", ".join(ID_COLUMNS)),
            report,
        )
    matched = _match_headers(header, form, overrides)
    role_columns = {
        role: overrides.get(role) for role in ("unit", "respondent_type", "weight", "stratum", "psu")
    }
    for q in form.questions:
        if q.role and not role_columns.get(q.role) and q.name in matched:
            role_columns[q.role] = matched[q.name]
    for role, column in role_columns.items():
        if column and column not in table.columns:
            raise ResponseImportError(
                _("Không có cột {column!r} ({role}).").format(column=column, role=role), report
            )
    if not role_columns["unit"]:
        raise ResponseImportError(
            _("Không xác định được cột đơn vị: dùng chiso_role=unit trong bảng hỏi hoặc --unit-column."),
            report,
        )
    answers = [q for q in form.questions if q.role is None]
    if not any(q.name in matched for q in form.indexed):
        raise ResponseImportError(
            _("Không cột nào khớp với câu hỏi tính chỉ số của bảng hỏi."),
            report,
        )

    t = table.with_row_index(ROW, offset=2)
    problems: list[pl.DataFrame] = []

    def flag(mask: pl.Expr, column: str, kind: str, message: str, value: pl.Expr | None = None) -> None:
        """Report the rows of `mask`; a `{…}` placeholder of `message` takes each row's `value`."""
        found = (  # lazily: only the columns the mask and the value need are filtered
            t.lazy()
            .filter(mask)
            .select(pl.col(ROW), (value if value is not None else pl.lit(None)).alias("_v"))
            .collect()
        )
        if not found.height:
            return
        placeholder = next(iter(re.findall(r"\{\w+\}", message)), None)
        texts = (
            [message.replace(placeholder, str(v)) for v in found["_v"]]
            if placeholder is not None and value is not None
            else [message] * found.height
        )
        problems.append(
            pl.DataFrame(
                {
                    ROW: found[ROW],
                    "field": [column] * found.height,
                    "kind": [kind] * found.height,
                    "message": texts,
                },
                schema={ROW: pl.UInt32, "field": pl.Utf8, "kind": pl.Utf8, "message": pl.Utf8},
            )
        )

    out: dict[str, pl.Expr] = {SUBMISSION_ID: pl.col(id_column)}
    flag(pl.col(id_column).is_null(), id_column, "missing_id", _("thiếu mã bài nộp"))

    # Respondent type.
    type_column = role_columns["respondent_type"]
    if type_column:
        type_q = form.role("respondent_type")
        mapping = _choice_map(type_q) if type_q and type_q.choices else {}
        allowed = {_key(x): x for x in form.respondent_types}
        mapping = {**allowed, **mapping}
        rtype = _coded(table, type_column, mapping) if mapping else pl.col(type_column)
        flag(
            pl.col(type_column).is_null(),
            type_column,
            "missing_required",
            _("thiếu loại người trả lời"),
        )
        flag(
            pl.col(type_column).is_not_null() & rtype.is_null(),
            type_column,
            "unknown_respondent_type",
            _("loại người trả lời không hợp lệ {value}"),
            pl.col(type_column),
        )
        out[RESPONDENT_TYPE] = rtype
    else:
        out[RESPONDENT_TYPE] = pl.lit(form.default_respondent_type)
    t = t.with_columns(out[RESPONDENT_TYPE].alias("_rtype"))

    # Unit.
    unit_column = role_columns["unit"]
    unit_q = form.role("unit")
    raw = pl.col(unit_column)
    if unit_q and unit_q.choices:  # a select_one unit: labels → codes first
        choices = _choice_map(unit_q)
        distinct = table[unit_column].drop_nulls().unique().to_list()
        raw = pl.col(unit_column).replace_strict(
            {v: choices.get(_key(v), _key(v)) for v in distinct}, default=None, return_dtype=pl.Utf8
        )
    t = t.with_columns(raw.alias("_unit_raw"))
    values = t["_unit_raw"].drop_nulls().unique().to_list()
    codes, names = _resolve_units(values, form, unit_mapping, resolve_unit)
    t = t.with_columns(
        pl.col("_unit_raw").replace_strict(codes, default=None, return_dtype=pl.Utf8).alias(UNIT),
        pl.col("_unit_raw").replace_strict(names, default=None, return_dtype=pl.Utf8).alias(UNIT_NAME),
    )
    flag(pl.col(unit_column).is_null(), unit_column, "missing_required", _("thiếu đơn vị"))
    flag(
        pl.col(unit_column).is_not_null() & pl.col(UNIT).is_null(),
        unit_column,
        "unknown_unit",
        _("không tìm thấy đơn vị {unit}"),
        pl.col(unit_column),
    )

    # Design fields.
    weight_column = role_columns["weight"]
    if weight_column:
        number = pl.col(weight_column).cast(pl.Utf8).str.replace(",", ".").cast(pl.Float64, strict=False)
        flag(
            pl.col(weight_column).is_null()
            | number.is_null()
            | ~number.is_finite().fill_null(False)
            | (number <= 0),
            weight_column,
            "bad_weight",
            _("trọng số phải là số dương: {value}"),
            pl.col(weight_column),
        )
        out[WEIGHT] = number
    for role, name in (("stratum", STRATUM), ("psu", PSU)):
        column = role_columns[role]
        if column:
            flag(pl.col(column).is_null(), column, "missing_required", _("thiếu {field}").format(field=role))
            out[name] = pl.col(column)

    # Answers.
    for q in answers:
        column = matched.get(q.name)
        if column is None:
            if q.required or q.factor:
                flag(
                    pl.lit(True),
                    q.header,
                    "missing_column",
                    _("thiếu cột của câu {question}").format(question=q.name),
                )
            continue
        value = pl.col(column)
        if q.is_select_one:
            coded = _coded(table, column, _choice_map(q))
            scale = ", ".join(c.name for c in q.choices)
            flag(
                value.is_not_null() & coded.is_null(),
                column,
                "out_of_scale",
                _("đáp án {answer} ngoài thang ({scale})").replace("{scale}", scale),
                value,
            )
            out[q.name] = coded
        elif q.is_select_multiple:
            mapping = _choice_map(q)

            def recode(text: str, mapping: dict[str, str] = mapping) -> str | None:
                parts = (
                    [mapping.get(_key(p)) for p in text.split()]
                    if _key(text) not in mapping
                    else [mapping[_key(text)]]
                )
                return None if any(p is None for p in parts) else " ".join(parts)  # type: ignore[arg-type]

            distinct = table[column].drop_nulls().unique().to_list()  # few combinations, each once
            coded = value.replace_strict(
                {v: recode(v) for v in distinct}, default=None, return_dtype=pl.Categorical
            )
            flag(
                value.is_not_null() & coded.is_null(),
                column,
                "out_of_scale",
                _("đáp án {answer} không có trong danh sách"),
                value,
            )
            out[q.name] = coded
        elif q.type in ("integer", "decimal"):
            number = value.cast(pl.Utf8).str.replace(",", ".").cast(pl.Float64, strict=False)
            flag(
                value.is_not_null() & number.is_null(),
                column,
                "not_a_number",
                _("{value} không phải số"),
                value,
            )
            out[q.name] = value
        else:
            out[q.name] = value
        if q.required:
            asked = pl.col("_rtype").is_in(list(q.respondent_types)) if q.respondent_types else pl.lit(True)
            flag(
                value.is_null() & asked.fill_null(True),
                column,
                "missing_required",
                _("thiếu câu trả lời bắt buộc"),
            )

    # Duplicates: later copies of an id in the file, and ids already imported.
    known = (
        known_ids.cast(pl.Utf8)
        if isinstance(known_ids, pl.Series)
        else pl.Series(list(dict.fromkeys(known_ids)), dtype=pl.Utf8)
    ).implode()
    duplicate = (~pl.col(id_column).is_first_distinct() | pl.col(id_column).is_in(known)) & pl.col(
        id_column
    ).is_not_null()
    dup_rows = t.lazy().filter(duplicate).select(ROW, id_column).collect()
    report.duplicates = [
        Problem(
            r,
            id_column,
            "duplicate",
            _("bài nộp {submission} đã có, bỏ qua").format(submission=sid),
        )
        for r, sid in dup_rows.iter_rows()
    ]

    found = (
        pl.concat(problems)
        if problems
        else pl.DataFrame(schema={ROW: pl.UInt32, "field": pl.Utf8, "kind": pl.Utf8, "message": pl.Utf8})
    )
    found = found.filter(~pl.col(ROW).is_in(dup_rows[ROW].implode())).sort(ROW, maintain_order=True)
    report.problems = [Problem(*r) for r in found.iter_rows()]
    bad_rows = set(found[ROW].to_list())
    # What "valid" says in the refusal too: the rows neither wrong nor already counted.
    report.valid_rows = report.total_rows - len(bad_rows | set(dup_rows[ROW].to_list()))
    if bad_rows and not valid_only:
        shown = "\n".join(str(p) for p in report.problems[:20])
        more = f"\n… (+{len(report.problems) - 20})" if len(report.problems) > 20 else ""
        raise ResponseImportError(
            _("Không nhập: có dòng lỗi ({summary}).").format(summary=report.summary()) + f"\n{shown}{more}",
            report,
        )
    keep = ~duplicate & ~pl.col(ROW).is_in(list(bad_rows))
    frame = (
        t.lazy()
        .filter(keep)
        .select(
            pl.col(ROW),
            *[expr.alias(name) for name, expr in out.items() if name in (SUBMISSION_ID,)],
            pl.col(UNIT),
            pl.col(UNIT_NAME),
            *[expr.alias(name) for name, expr in out.items() if name not in (SUBMISSION_ID,)],
        )
        .collect()
    )
    report.valid_rows = frame.height
    return ResponseImport(frame=frame, report=report)


def _resolve_units(
    values: list[str],
    form: Form,
    unit_mapping: Mapping[str, str] | None,
    resolve_unit: Callable[[str], tuple[str, str]] | None,
) -> tuple[dict[str, str], dict[str, str]]:
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    if unit_mapping is not None:
        lookup = {_key(k): v for k, v in unit_mapping.items()}
        for value in values:
            if _key(value) in lookup:
                codes[value] = names[value] = lookup[_key(value)]
        return codes, names
    if resolve_unit is None and form.unit_level == "free":
        return {v: v for v in values}, {v: v for v in values}
    if resolve_unit is None:
        from chiso.data import province_registry
        from chiso.engine.units import UnitError

        registry = province_registry()

        def resolve_unit(text: str) -> tuple[str, str]:
            try:
                unit = registry.resolve(text)
            except UnitError as exc:
                raise LookupError(str(exc)) from exc
            return unit.code, unit.name

    for value in values:
        try:
            codes[value], names[value] = resolve_unit(value)
        except LookupError:
            continue
    return codes, names


def write_csv(rows: Sequence[Mapping[str, object]], path: str | Path, separator: str = ",") -> None:
    """Write rows as a Kobo-like CSV (used by tests and examples)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=separator)
        writer.writeheader()
        writer.writerows(rows)
