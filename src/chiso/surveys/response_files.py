"""Response files (KoboToolbox / ODK exports, CSV or XLSX) read into a frame of text, refused whole
when they cannot be read: the encodings, line endings and workbook checks of `chiso.core.uploads`,
a CSV row with more cells than its header, the header repeated further down (an export appended
to itself), a cell longer than a workbook cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl

from chiso.core.uploads import (
    MAX_CELL_CHARS,
    FileRefused,
    Workbook,
    delimiter_of,
    ragged_row,
    repeated_header_message,
    unreadable,
    utf8_bytes,
)
from chiso.engine.i18n import gettext as _
from chiso.surveys.xlsform import nfc

ROW = "row"


def read_table(path: Path, columns: Callable[[list[str]], Iterable[str]] | None = None) -> pl.DataFrame:
    """Every cell as text (None for empty), in file order; a file that cannot be read, a cell longer
    than a workbook's, or the header row repeated further down raises FileRefused.

    `columns`, given the header, names the columns wanted: the others are checked but not cleaned
    (stripped, NFC) nor returned — most of a Kobo export's columns are Kobo's own."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = _xlsx_table(path)
        with unreadable(path.name):
            frame = _checked(frame, raw=False)
            return frame.select(_wanted(frame, columns))
    frame = _csv_table(path, columns)
    with unreadable(path.name):
        frame = _checked(frame, raw=True)
        return _clean(frame, _wanted(frame, columns))


def _wanted(frame: pl.DataFrame, columns: Callable[[list[str]], Iterable[str]] | None) -> list[str]:
    if columns is None:
        return frame.columns
    wanted = set(columns(frame.columns))
    return [c for c in frame.columns if c in wanted]


def _xlsx_table(path: Path) -> pl.DataFrame:
    with Workbook(path) as workbook:
        rows = workbook.rows()
    if not rows:
        raise FileRefused([_("Tệp {name} trống.").format(name=path.name)])
    header = [nfc(h) for h in rows[0]]
    columns: dict[str, list[str | None]] = {h: [] for h in header if h}
    for values in rows[1:]:
        cells = list(values) + [None] * (len(header) - len(values))
        for h, v in zip(header, cells, strict=False):
            if h:
                text = v if not isinstance(v, float) or not v.is_integer() else int(v)
                columns[h].append(None if text is None or nfc(text) == "" else nfc(text))
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.Utf8))


def _csv_table(path: Path, columns: Callable[[list[str]], Iterable[str]] | None = None) -> pl.DataFrame:
    """The file's cells as read (not yet cleaned); with `columns`, only the columns it names are
    read (and checked): a Kobo export has a hundred columns, most of them Kobo's own."""
    data = utf8_bytes(path.read_bytes(), path.name)  # bytes all along: no string of the whole file
    if not data.strip():
        raise FileRefused([_("Tệp {name} trống.").format(name=path.name)])
    first = data[: 2**16].decode("utf-8", "ignore")  # the header line decides the delimiter
    try:
        with unreadable(path.name):
            separator = delimiter_of(first)
            read: list[str] | None = None
            if columns is not None:
                names = pl.read_csv(data, separator=separator, infer_schema=False, n_rows=0).columns
                wanted = set(columns([nfc(c) for c in names]))
                read = [c for c in names if nfc(c) in wanted] or names[:1]
            frame = pl.read_csv(data, separator=separator, infer_schema=False, columns=read)
    except FileRefused as exc:
        text = data.decode("utf-8")
        raise FileRefused(
            [
                _("Tệp CSV {name} hỏng: {error}").format(
                    name=path.name, error=ragged_row(text) or str(exc.__cause__ or exc)
                )
            ]
        ) from exc
    return frame.rename(lambda c: nfc(c))


def _clean(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The CSV cells of `columns` stripped, in NFC, empty as None (NFC only where a column has a byte
    beyond ASCII: answer codes seldom do, and NFC is the slow part)."""
    wide = (
        frame.select(pl.col(c).str.contains(r"[^\x00-\x7F]").any() for c in columns).row(0) if columns else ()
    )
    return frame.select(
        _blank_is_null(
            (pl.col(c).str.normalize("NFC") if beyond_ascii else pl.col(c)).str.strip_chars()
        ).alias(c)
        for c, beyond_ascii in zip(columns, wide, strict=True)
    )


def _blank_is_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_bytes() == 0).then(None).otherwise(expr)


def _checked(frame: pl.DataFrame, raw: bool) -> pl.DataFrame:
    """Refuse the header row repeated further down (a file appended to itself) and overlong cells;
    `raw`: CSV cells not yet cleaned (compared with the header as they will be once cleaned)."""
    named = [c for c in frame.columns if c and not c.startswith("_duplicated_")]
    if len(named) >= 2:

        def same(column: str) -> pl.Expr:
            cell = pl.col(column).str.normalize("NFC").str.strip_chars() if raw else pl.col(column)
            return cell.str.strip_chars('"\ufeff').fill_null("") == column

        # the first column alone narrows the rows; then every column on those few
        candidates = frame.with_row_index(ROW, offset=2).filter(same(named[0]))
        again = candidates.filter(pl.all_horizontal(same(c) for c in named))
        if again.height:
            raise FileRefused([repeated_header_message(again[ROW][0], 1)])
    problems = []
    # A character is at least a byte: only a column with a cell of more bytes than the limit is looked at.
    longest = frame.select(pl.col(c).str.len_bytes().max() for c in frame.columns).row(0)
    for column, size in zip(frame.columns, longest, strict=True):
        if size is None or size <= MAX_CELL_CHARS:
            continue
        long = (
            frame.lazy()
            .with_row_index(ROW, offset=2)
            .select(ROW, column)
            .filter(pl.col(column).str.len_chars() > MAX_CELL_CHARS)
            .head(20)
            .collect()
        )
        for row, value in long.iter_rows():
            problems.append(
                _("Dòng {row}, trường {field!r}: ô dài {length} ký tự, tối đa {limit}.").format(
                    row=row, field=column, length=len(value), limit=MAX_CELL_CHARS
                )
            )
    if problems:
        raise FileRefused(problems)
    return frame
