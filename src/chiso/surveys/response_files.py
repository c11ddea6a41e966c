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
    plain_utf8,
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
        names = _wanted(_checked(frame, raw=True), columns)
        owned = [frame.select(names)]
        del frame  # _clean lets each raw column go once it is cleaned
        return _clean(owned, names)


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


STREAM_FROM = 8 * 2**20  # a CSV file this large is parsed from disk, streaming, when it can be


def _csv_table(path: Path, columns: Callable[[list[str]], Iterable[str]] | None = None) -> pl.DataFrame:
    """The file's cells as read (not yet cleaned); with `columns`, only the columns it names are
    read (and checked): a Kobo export has a hundred columns, most of them Kobo's own.

    A large file that is plain UTF-8 (no BOM, no CR without LF) is checked chunk by chunk and parsed
    by polars' streaming reader straight from disk; any other is read into memory and normalised
    (`utf8_bytes`) first. Both refuse the same files with the same messages."""
    source: Path | bytes
    if path.stat().st_size >= STREAM_FROM and plain_utf8(path, path.name):
        source = path
        with path.open("rb") as handle:
            head = handle.read(2**16)
    else:
        source = utf8_bytes(path.read_bytes(), path.name)  # bytes all along: no string of the file
        head = source[: 2**16]
    if not head.strip():
        raise FileRefused([_("Tệp {name} trống.").format(name=path.name)])
    first = head.decode("utf-8", "ignore")  # the header line decides the delimiter
    try:
        with unreadable(path.name):
            separator = delimiter_of(first)
            names = pl.read_csv(source, separator=separator, infer_schema=False, n_rows=0).columns
            read = names
            if columns is not None:
                wanted = set(columns([nfc(c) for c in names]))
                read = [c for c in names if nfc(c) in wanted] or names[:1]
            scan = pl.scan_csv(source, separator=separator, infer_schema=False)
            frame = scan.select(read).collect(engine="streaming")
    except FileRefused as exc:
        text = (source if isinstance(source, bytes) else path.read_bytes()).decode("utf-8", "replace")
        raise FileRefused(
            [
                _("Tệp CSV {name} hỏng: {error}").format(
                    name=path.name, error=ragged_row(text) or str(exc.__cause__ or exc)
                )
            ]
        ) from exc
    return frame.rename(lambda c: nfc(c))


FEW_VALUES = 5_000  # a column with no more distinct values is cleaned value by value, then recoded


def _clean(owned: list[pl.DataFrame], columns: list[str]) -> pl.DataFrame:
    """The CSV cells of `columns` stripped, in NFC, empty as None. A column of few distinct values
    (answer codes, units, types) is cleaned once per value and recoded in one pass, as a categorical
    column (text for every reader: compare, `to_list`, cast to `pl.Utf8` for `.str`); any other
    vectorised (NFC only where it has a byte beyond ASCII: NFC is the slow part). Column by column,
    each raw column let go once cleaned: the raw and the clean table are never both whole."""
    frame = owned.pop()  # the only reference: a raw column is freed as soon as it is cleaned
    if not columns:
        return frame.select()
    distinct = frame.select(pl.col(c).n_unique() for c in columns).row(0)
    many = [c for c, n in zip(columns, distinct, strict=True) if n > FEW_VALUES]
    wide = dict(
        zip(
            many,
            frame.select((pl.col(c).str.len_bytes() != pl.col(c).str.len_chars()).any() for c in many).row(0)
            if many
            else (),
            strict=True,
        )
    )

    def cleaned(column: str) -> pl.Expr:
        if column not in wide:
            values = frame[column].drop_nulls().unique().to_list()
            found = {v: (nfc(v).strip() or None) for v in values}
            # categorical: a code per cell, not a 16-byte string view (a million rows, 91 columns)
            return pl.col(column).replace_strict(found, default=None, return_dtype=pl.Categorical)
        text = pl.col(column).str.normalize("NFC") if wide[column] else pl.col(column)
        return _blank_is_null(text.str.strip_chars())

    done = []
    for column in columns:
        done.append(frame.select(cleaned(column).alias(column)).to_series())
        frame = frame.drop(column)
    return pl.DataFrame(done)


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
