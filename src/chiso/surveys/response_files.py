"""Response files (KoboToolbox / ODK exports, CSV or XLSX) read into a frame of text, refused whole
when they cannot be read: the encodings, line endings and workbook checks of `chiso.core.uploads`,
a CSV row with more cells than its header, the header repeated further down (an export appended
to itself), a cell longer than a workbook cell."""

from __future__ import annotations

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


def read_table(path: Path) -> pl.DataFrame:
    """Every cell as text (None for empty), in file order; a file that cannot be read, a cell longer
    than a workbook's, or the header row repeated further down raises FileRefused."""
    frame = _xlsx_table(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_table(path)
    with unreadable(path.name):
        return _checked(frame)


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


def _csv_table(path: Path) -> pl.DataFrame:
    data = utf8_bytes(path.read_bytes(), path.name)  # bytes all along: no string of the whole file
    if not data.strip():
        raise FileRefused([_("Tệp {name} trống.").format(name=path.name)])
    first = data[: 2**16].decode("utf-8", "ignore")  # the header line decides the delimiter
    try:
        with unreadable(path.name):
            frame = pl.read_csv(data, separator=delimiter_of(first), infer_schema=False)
    except FileRefused as exc:
        text = data.decode("utf-8")
        raise FileRefused(
            [
                _("Tệp CSV {name} hỏng: {error}").format(
                    name=path.name, error=ragged_row(text) or str(exc.__cause__ or exc)
                )
            ]
        ) from exc
    del data
    with unreadable(path.name):
        return frame.with_columns(
            pl.col(c).str.normalize("NFC").str.strip_chars().replace("", None) for c in frame.columns
        ).rename(lambda c: nfc(c))


def _checked(frame: pl.DataFrame) -> pl.DataFrame:
    """Refuse the header row repeated further down (a file appended to itself) and overlong cells."""
    named = [c for c in frame.columns if c and not c.startswith("_duplicated_")]
    if len(named) >= 2:
        again = frame.with_row_index(ROW, offset=2).filter(
            pl.all_horizontal(pl.col(c).str.strip_chars('"\ufeff').fill_null("") == c for c in named)
        )
        if again.height:
            raise FileRefused([repeated_header_message(again[ROW][0], 1)])
    problems = []
    for column in frame.columns:
        long = frame.with_row_index(ROW, offset=2).filter(pl.col(column).str.len_chars() > MAX_CELL_CHARS)
        for row, value in long.select(ROW, column).head(20).iter_rows():
            problems.append(
                _("Dòng {row}, trường {field!r}: ô dài {length} ký tự, tối đa {limit}.").format(
                    row=row, field=column, length=len(value), limit=MAX_CELL_CHARS
                )
            )
    if problems:
        raise FileRefused(problems)
    return frame
