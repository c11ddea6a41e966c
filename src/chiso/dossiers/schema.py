"""The canonical dossier columns (the shared spec of issue #14), and reading a one-stop system's
export (CSV or Parquet) through a column mapping into them, vectorised.

`read_dossiers` and `read_procedures` validate every row and return the clean rows, or none at all
when a row is wrong, with one error per bad cell ("Dòng 12, cột received_at: …"); the dossiers are
deduplicated on dossier_id, the last row winning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from chiso.dossiers.mapping import ENUMERATIONS, ColumnMapping, value_key
from chiso.engine.i18n import gettext as _

STAMP = pl.Datetime("us")
T = TypeVar("T")

# The table `dossiers`, in this order, with these types: what the import writes and the engines read.
DOSSIER_SCHEMA: dict[str, pl.DataType] = {
    "dossier_id": pl.String(),
    "unit_code": pl.String(),
    "procedure_code": pl.String(),
    "channel": pl.String(),
    "online_level": pl.String(),
    "received_at": STAMP,
    "due_at": STAMP,
    "finished_at": STAMP,
    "returned_at": STAMP,
    "status": pl.String(),
    "fee_required": pl.Boolean(),
    "paid_online": pl.Boolean(),
    "digitised_dossier": pl.Boolean(),
    "digitised_result": pl.Boolean(),
    "reused_data": pl.Boolean(),
    "rating": pl.String(),
    "complaint_at": STAMP,
    "complaint_due_at": STAMP,
    "complaint_handled_at": STAMP,
}
# The table `procedures`: the procedures a unit published, with the deadline of the publication.
PROCEDURE_SCHEMA: dict[str, pl.DataType] = {
    "procedure_code": pl.String(),
    "unit_code": pl.String(),
    "published_at": pl.Date(),
    "due_at": pl.Date(),
}
# Read from a procedures file when it has it, kept apart from the table the engines read: the names
# the page shows beside the codes.
PROCEDURE_NAME_SCHEMA: dict[str, pl.DataType] = {"procedure_name": pl.String()}

# The columns an export must have; the others may be absent (read as null, booleans as false).
DOSSIER_REQUIRED = ("dossier_id", "unit_code", "procedure_code", "received_at", "status")
PROCEDURE_REQUIRED = ("procedure_code", "unit_code", "published_at")


class SchemaError(ValueError):
    """A file that cannot be read at all: its format, or a required column missing."""


@dataclass(frozen=True)
class ReadResult:
    """The clean rows (empty when any row is wrong), the errors and what deduplication dropped."""

    rows: pl.DataFrame
    errors: pl.DataFrame  # row (Int64), field, value, message
    total: int  # data rows in the file
    duplicates: int  # rows dropped because a later row has the same dossier_id
    lines: pl.Series | None = None  # the line (CSV) or row (Parquet) of each clean row, as in messages
    names: pl.DataFrame | None = None  # procedure_code, procedure_name (procedures with a name column)

    @property
    def ok(self) -> bool:
        return self.errors.is_empty()

    def messages(self, limit: int | None = 20) -> list[str]:
        """The first errors, one sentence each."""
        frame = self.errors if limit is None else self.errors.head(limit)
        return frame["message"].to_list()


def read_dossiers(path: Path, mapping: ColumnMapping | None = None) -> ReadResult:
    """The dossiers of an export, validated and deduplicated on dossier_id (the last row wins)."""
    result = _read(path, mapping or ColumnMapping(), DOSSIER_SCHEMA, DOSSIER_REQUIRED)
    if not result.ok:
        return result
    kept = result.rows.with_columns(_row=result.lines).unique(
        subset="dossier_id", keep="last", maintain_order=True
    )
    rows = kept.drop("_row")
    return ReadResult(rows, result.errors, result.total, result.rows.height - rows.height, kept["_row"])


def read_procedures(path: Path, mapping: ColumnMapping | None = None) -> ReadResult:
    """The procedures published (procedure_code, unit_code, published_at, due_at), validated; their
    names (`names`) when the file has a name column."""
    return _read(
        path, mapping or ColumnMapping(), PROCEDURE_SCHEMA, PROCEDURE_REQUIRED, PROCEDURE_NAME_SCHEMA
    )


ERROR_SCHEMA = {"row": pl.Int64(), "field": pl.String(), "value": pl.String(), "message": pl.String()}


def _source(path: Path) -> tuple[pl.DataFrame, int]:
    """The file's rows, and the number the first data row has in its messages: 2 in a CSV (the
    header is line 1, as a spreadsheet shows it), 1 in Parquet."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy"), 2
        if suffix in (".parquet", ".pq"):
            return pl.read_parquet(path), 1
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SchemaError(_("Không đọc được tệp {name}: {error}").format(name=path.name, error=exc)) from exc
    raise SchemaError(_("Tệp {name}: chỉ đọc được CSV hoặc Parquet.").format(name=path.name))


def _renamed(
    frame: pl.DataFrame, mapping: ColumnMapping, schema: dict[str, pl.DataType], path: Path
) -> pl.DataFrame:
    """The file's columns under their canonical names (the others dropped)."""
    targets: dict[str, str] = {}
    for column in frame.columns:
        name = column.strip().lstrip("\ufeff")
        canonical = name if name in schema else mapping.columns.get(name)
        if canonical is None or canonical not in schema:
            continue
        if canonical in targets.values():
            raise SchemaError(
                _("Tệp {name}: nhiều cột cùng là cột {column}.").format(name=path.name, column=canonical)
            )
        targets[column] = canonical
    return frame.select([pl.col(source).alias(target) for source, target in targets.items()])


def _read(
    path: Path,
    mapping: ColumnMapping,
    table: dict[str, pl.DataType],
    required: tuple[str, ...],
    extra: dict[str, pl.DataType] | None = None,
) -> ReadResult:
    schema = table | (extra or {})
    raw, first_row = _source(path)
    frame = _renamed(raw, mapping, schema, path)
    missing = [column for column in required if column not in frame.columns]
    if missing:
        message = _("Tệp {name} thiếu cột {columns} (xem bảng ánh xạ cột, docs/dossiers.md).").format(
            name=path.name, columns=", ".join(missing)
        )
        dossiers = required == DOSSIER_REQUIRED
        other = _renamed(raw, mapping, PROCEDURE_SCHEMA if dossiers else DOSSIER_SCHEMA, path).columns
        if all(c in other for c in (PROCEDURE_REQUIRED if dossiers else DOSSIER_REQUIRED)):  # the other kind
            message += " " + (
                _(
                    "Tệp này là danh sách thủ tục công bố: nhập bằng --procedures (hoặc chọn loại ấy trên trang)."
                )
                if dossiers
                else _("Tệp này là tệp hồ sơ: nhập nó như tệp hồ sơ, không phải thủ tục công bố.")
            )
        raise SchemaError(message)
    # The raw cells stay beside the parsed ones (`_raw_…`): each value is parsed once, and the checks
    # compare the two.
    frame = frame.select(
        pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).alias("_row"),
        *(pl.col(column).alias(f"_raw_{column}") for column in frame.columns),
    )
    parsed: list[pl.Expr] = []
    checks: list[tuple[str, pl.Expr, str]] = []  # (field, bad row, message)
    for column, dtype in schema.items():
        if f"_raw_{column}" not in frame.columns:  # read as a blank cell would be
            blank = mapping.value_map(column).get("") if column in ENUMERATIONS else None
            parsed.append(pl.lit(False if dtype == pl.Boolean() else blank, dtype).alias(column))
            continue
        value, problems = _parse(frame, column, dtype, mapping, column in required)
        parsed.append(value.alias(column))
        checks.extend((column, bad, message) for bad, message in problems)
    work = frame.with_columns(parsed)
    checks.extend(_consistency(schema))
    errors = _errors(work, checks)
    if not errors.is_empty():
        return ReadResult(pl.DataFrame(schema=table), errors, frame.height, 0)
    rows = work.select(
        pl.col(name).fill_null(False) if dtype == pl.Boolean() else pl.col(name)
        for name, dtype in table.items()
    )
    names = None
    if extra and "procedure_name" in extra and "_raw_procedure_name" in frame.columns:
        names = (
            work.select("procedure_code", "procedure_name")
            .filter(pl.col("procedure_name").is_not_null())
            .unique(subset="procedure_code", keep="last", maintain_order=True)
        )
    return ReadResult(rows, errors, frame.height, 0, work["_row"], names)


def _blank(column: str) -> pl.Expr:
    """The raw cell is empty (null, or only spaces)."""
    return pl.col(f"_raw_{column}").cast(pl.String).str.strip_chars().fill_null("") == ""


def _distinct_map(frame: pl.DataFrame, column: str, lookup: dict[str, T]) -> dict[str, T | None]:
    """Each distinct raw text of the column → its canonical value (None: not in the mapping). Done
    once per distinct value, so an enumerated column of a million rows costs a handful of lookups."""
    distinct = frame.get_column(f"_raw_{column}").cast(pl.String).drop_nulls().unique().to_list()
    return {text: lookup.get(value_key(text)) for text in distinct}


def _parse(
    frame: pl.DataFrame, column: str, dtype: pl.DataType, mapping: ColumnMapping, required: bool
) -> tuple[pl.Expr, list[tuple[pl.Expr, str]]]:
    """The canonical value of a column, and the conditions of its bad cells."""
    raw = pl.col(f"_raw_{column}")
    source = frame.schema[f"_raw_{column}"]
    problems: list[tuple[pl.Expr, str]] = []
    if required:
        problems.append((_blank(column), _("Dòng {row}, cột {field}: thiếu giá trị.")))
    if column in ENUMERATIONS:
        accepted = mapping.value_map(column)
        value = raw.cast(pl.String).replace_strict(
            _distinct_map(frame, column, accepted), default=accepted.get(""), return_dtype=pl.String
        )
        allowed = ", ".join(ENUMERATIONS[column])
        message = _("Dòng {row}, cột {field}: giá trị “{value}” không có trong bảng ánh xạ ({allowed}).")
        problems.append((pl.col(column).is_null() & ~_blank(column), message.replace("{allowed}", allowed)))
        return value, problems
    if dtype == pl.Boolean():
        if source == pl.Boolean():
            return raw.fill_null(False), problems
        truth = {value_key(v): True for v in mapping.true_values}
        truth |= {value_key(v): False for v in mapping.false_values}
        value = raw.cast(pl.String).replace_strict(
            _distinct_map(frame, column, truth), default=None, return_dtype=pl.Boolean
        )
        message = _("Dòng {row}, cột {field}: “{value}” không phải có/không.")
        problems.append((pl.col(column).is_null() & ~_blank(column), message))
        return value, problems  # blank → false in the clean rows
    if isinstance(dtype, pl.Datetime | pl.Date):
        if source.is_temporal():
            return raw.cast(dtype), problems
        text = raw.cast(pl.String).str.strip_chars()
        formats = _formats_used(frame, column, mapping.datetime_formats)
        stamps = [text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True) for fmt in formats]
        value = pl.coalesce(stamps) if stamps else pl.lit(None, pl.Datetime("us"))
        message = _(
            "Dòng {row}, cột {field}: ngày giờ “{value}” không đọc được (dd/mm/yyyy [hh:mm[:ss]] hoặc yyyy-mm-dd)."
        )
        problems.append((pl.col(column).is_null() & ~_blank(column), message))
        return value.cast(dtype), problems
    return pl.when(~_blank(column)).then(raw.cast(pl.String).str.strip_chars()), problems


def _formats_used(frame: pl.DataFrame, column: str, formats: tuple[str, ...]) -> list[str]:
    """The date formats the column needs, in the mapping's order: the format of its first cell, then,
    for the cells that one does not read, the format of each distinct shape (digits as 0) among
    them. A column written one way is parsed with one format, not with all of them."""
    cells = frame.get_column(f"_raw_{column}").cast(pl.String).str.strip_chars()
    cells = cells.filter(cells.fill_null("") != "")
    used: list[str] = []
    while not cells.is_empty():
        shapes = (
            pl.DataFrame({"text": cells.head(1)})
            if not used
            else (
                pl.DataFrame({"text": cells})
                .group_by(pl.col("text").str.replace_all(r"\d", "0").alias("shape"))
                .agg(pl.col("text").first())
            )
        )
        found = [
            fmt for example in shapes.get_column("text").to_list() if (fmt := _format_of(example, formats))
        ]
        found = [fmt for fmt in dict.fromkeys(found) if fmt not in used]
        if not found:
            break
        used.extend(found)
        text = pl.col("text")
        unread = pl.coalesce(
            [text.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True) for fmt in found]
        )
        cells = pl.DataFrame({"text": cells}).filter(unread.is_null()).get_column("text")
    return [fmt for fmt in formats if fmt in used]


def _format_of(example: str, formats: tuple[str, ...]) -> str | None:
    """The first format that reads the example."""
    for fmt in formats:
        probe = pl.Series([example]).str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
        if probe.null_count() == 0:
            return fmt
    return None


def _consistency(schema: dict[str, pl.DataType]) -> list[tuple[str, pl.Expr, str]]:
    """Rules between columns, checked on the parsed rows."""
    if "received_at" not in schema:
        return []
    col = pl.col
    rules = [
        (
            "finished_at",
            (col("finished_at") < col("received_at")).fill_null(False),
            _("Dòng {row}, cột {field}: ngày có kết quả trước ngày tiếp nhận."),
        ),
        (
            "due_at",
            (col("due_at") < col("received_at")).fill_null(False),
            _("Dòng {row}, cột {field}: hạn trả kết quả trước ngày tiếp nhận."),
        ),
        (
            "returned_at",
            (col("returned_at") < col("finished_at")).fill_null(False),
            _("Dòng {row}, cột {field}: ngày trả kết quả trước ngày có kết quả."),
        ),
        (
            "finished_at",
            col("status").is_in(["finished", "returned"]).fill_null(False) & col("finished_at").is_null(),
            _("Dòng {row}, cột {field}: hồ sơ đã giải quyết mà không có ngày có kết quả."),
        ),
        (
            "complaint_at",
            col("complaint_at").is_null()
            & (col("complaint_due_at").is_not_null() | col("complaint_handled_at").is_not_null()),
            _("Dòng {row}, cột {field}: có hạn hoặc ngày xử lý phản ánh, kiến nghị mà không có ngày nhận."),
        ),
        (
            "complaint_at",
            (col("complaint_at") < col("received_at")).fill_null(False),
            _("Dòng {row}, cột {field}: phản ánh, kiến nghị trước ngày tiếp nhận hồ sơ."),
        ),
    ]
    return rules


_PLACEHOLDER = re.compile(r"\{(row|field|value)\}")


def _errors(work: pl.DataFrame, checks: list[tuple[str, pl.Expr, str]]) -> pl.DataFrame:
    """One row per bad cell, in the order of the file, its sentence built in Polars."""
    parts = []
    for order, (column, bad, template) in enumerate(checks):
        cell = f"_raw_{column}" if f"_raw_{column}" in work.columns else column
        found = work.filter(bad).select(
            pl.col("_row").alias("row"),
            pl.lit(column).alias("field"),
            pl.col(cell).cast(pl.String).fill_null("").alias("value"),
            pl.lit(order).alias("_order"),
        )
        if found.is_empty():
            continue
        pieces = _PLACEHOLDER.split(template)
        sentence = [
            pl.lit(piece) if i % 2 == 0 else pl.col(piece).cast(pl.String)
            for i, piece in enumerate(pieces)
            if piece
        ]
        parts.append(found.with_columns(pl.concat_str(sentence).alias("message")))
    if not parts:
        return pl.DataFrame(schema=ERROR_SCHEMA)
    return pl.concat(parts).sort("row", "_order", maintain_order=True).select(list(ERROR_SCHEMA))
