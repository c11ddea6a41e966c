"""Reading the files people upload (CSV, XLSX) the same way in every importer, refusing cleanly
what cannot be read.

One definition of each decision every importer shares:

- **errors shown**: at most `MAX_ERRORS`, then one line with the count of the rest (`capped`);
- **encodings** (`decode_text`): UTF-8 with or without a BOM, UTF-16 and UTF-32 with a BOM (Excel's
  "Unicode text"). Anything else — Windows-1258 or Windows-1252 text, UTF-16 without a BOM — is
  refused naming the line, never guessed: a wrong guess would store wrong names;
- **line endings**: CRLF, LF and CR alone (Excel for Mac's "CSV (Macintosh)") all end a line;
- **characters**: NUL and the other control characters (tab and line breaks aside) are refused
  naming the line: PostgreSQL refuses NUL and a workbook cannot hold the others;
- **cell length** (`MAX_CELL_CHARS`): no cell longer than an Excel cell may be (32,767 characters);
- **delimiter** (`delimiter_of`): a semicolon or a tab when the header line has one outside
  quotes (Excel's CSV where the decimal mark is a comma, Kobo's default), else a comma;
- **workbooks** (`Workbook`, read with python-calamine): a zip bomb is refused before the workbook is opened (more than
  `MAX_UNCOMPRESSED` bytes once uncompressed, a part compressed more than `MAX_RATIO` times, more
  than `MAX_PARTS` parts); a formula cell without a value computed by Excel is refused naming the
  cell (it would read as blank); a damaged part is refused whenever the reader meets it;
- **a header row repeated** further down (a file appended to itself) is refused naming the row
  (`repeated_header`).

Every refusal is a `FileRefused` whose `messages` name the file, the row and the column; each
importer turns it into its own error. `unreadable` turns anything a reading library raises —
including a Rust panic from polars, which is a BaseException — into a `FileRefused`.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from chiso.engine.i18n import gettext as _

MAX_ERRORS = 200
MAX_CELL_CHARS = 32_767
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 10_000
_RATIO_FROM = 1024 * 1024  # parts smaller than this uncompress to little whatever their ratio

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class FileRefused(ValueError):
    """A file that cannot be read; `messages` (at most `MAX_ERRORS` and a count) say why."""

    def __init__(self, messages: Sequence[str]):
        self.total = len(messages)
        self.messages = capped(list(messages))
        super().__init__("\n".join(self.messages))


def capped(errors: list[str], limit: int = MAX_ERRORS) -> list[str]:
    """The first `limit` errors, then one line counting the others."""
    if len(errors) <= limit:
        return errors
    return [
        *errors[:limit],
        _("… và {count} lỗi khác (tổng cộng {total} lỗi).").format(
            count=len(errors) - limit, total=len(errors)
        ),
    ]


def control_character(text: str) -> str | None:
    """A description of the first control character in `text` (tab and line breaks aside), or None."""
    found = CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


# -- text files -------------------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> str:
    """The text of a file: UTF-8 (a BOM or not), UTF-16 or UTF-32 with a BOM; other encodings and
    control characters are refused naming the line."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = _(" (tệp UTF-16 thiếu BOM?)") if data.count(b"\x00") * 8 > len(data) else ""
        raise FileRefused(
            [
                _(
                    "Tệp {name}, dòng {row}: không đọc được byte {byte} theo mã {encoding}{hint}; hãy lưu lại "
                    "tệp dạng «CSV UTF-8»."
                ).format(
                    name=name, row=line, byte=f"0x{data[exc.start]:02X}", encoding=encoding.upper(), hint=hint
                )
            ]
        ) from None
    text = text.replace("\ufeff", "")  # the BOM, and those of files appended to it
    found = CONTROL.search(text)
    if found is not None:
        line = len(_LINE_BREAK.split(text[: found.start()]))
        hint = _(" (tệp UTF-16 thiếu BOM?)") if found.group() == "\x00" else ""
        raise FileRefused(
            [
                _("Tệp {name}, dòng {row}: có ký tự điều khiển {char}{hint}.").format(
                    name=name, row=line, char=f"U+{ord(found.group()):04X}", hint=hint
                )
            ]
        )
    return text


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_SET = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_CHUNK = 16 * 2**20


def utf8_bytes(data: bytes, name: str) -> bytes:
    """The file as UTF-8 bytes with LF line ends and no BOM, refused as `decode_text` refuses — but
    without a Python string of the whole file (a string of a 400 MB export takes up to 1.6 GB)."""
    if any(data.startswith(bom) for bom, encoding in _BOMS if encoding != "utf-8-sig"):
        return decode_text(data, name).replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(data), _CHUNK):
        buffered = len(decoder.getstate()[0])
        chunk = data[offset : offset + _CHUNK]
        try:
            decoder.decode(chunk, final=offset + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            decode_text(data[: offset - buffered + exc.end], name)  # raises, naming the line and byte
            raise  # pragma: no cover - decode_text has refused
        if len(chunk.translate(None, _CONTROL_SET)) != len(chunk):  # fast; the regex finds which
            found = _CONTROL_BYTES.search(data, offset)
            if found is not None:
                decode_text(data[: found.end()], name)  # raises, naming the line and the character
    if codecs.BOM_UTF8 in data:
        data = data.replace(codecs.BOM_UTF8, b"")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


def plain_utf8(path: Path, name: str) -> bool:
    """Whether a file can be parsed as it is on disk: read in chunks (never whole), it is UTF-8
    without a BOM and without a CR outside CRLF. Invalid UTF-8 and control characters are refused
    as `decode_text` refuses them, naming the line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, previous = 0, b""
    with path.open("rb") as handle:
        start = handle.read(4)
        if any(start.startswith(bom) for bom, _encoding in _BOMS):  # UTF-16/32, or a UTF-8 BOM
            return False
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            buffered = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                with path.open("rb") as again:
                    decode_text(again.read(offset - buffered + exc.end), name)  # raises, naming the line
                raise  # pragma: no cover - decode_text has refused
            if len(chunk.translate(None, _CONTROL_SET)) != len(chunk):
                found = _CONTROL_BYTES.search(chunk)
                if found is not None:
                    with path.open("rb") as again:
                        decode_text(again.read(offset + found.end()), name)  # raises, naming the line
            joined = previous[-1:] + chunk
            if codecs.BOM_UTF8 in previous[-2:] + chunk or joined.count(b"\r") != joined.count(b"\r\n"):
                return False
            offset, previous = offset + len(chunk), chunk
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        decode_text(path.read_bytes(), name)  # a sequence cut at the end: refused, naming the line
    return True


def delimiter_of(text: str) -> str:
    """The delimiter of a CSV text: ";" or a tab when the first non-blank line has one outside
    quotes (the more frequent of the two), else ",". csv.Sniffer guesses wrong on
    "Tỉnh, thành phố;86,55"."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    bare = re.sub(r'"[^"]*"', "", first)
    best = max((";", "\t"), key=bare.count)
    return best if bare.count(best) else ","


def csv_rows(data: bytes, name: str) -> list[list[str]]:
    """The cells of a CSV file as stripped text, row by row (blank rows kept for numbering)."""
    text = decode_text(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    rows: list[list[str]] = []
    problems: list[str] = []
    try:
        for row in reader:
            for column, cell in enumerate(row, start=1):
                if len(cell) > MAX_CELL_CHARS:
                    problems.append(_long_cell(name, reader.line_num, str(column), len(cell)))
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            problems.append(_long_cell(name, reader.line_num, "?", f"> {csv.field_size_limit()}"))
        else:
            problems.append(
                _("Tệp {name}, dòng {row}: CSV hỏng ({error}).").format(
                    name=name, row=reader.line_num, error=exc
                )
            )
    if problems:
        raise FileRefused(problems)
    return rows


def ragged_row(text: str) -> str | None:
    """The refusal of the first row of a CSV text with more cells than its header, or None."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    try:
        expected = len(next(reader, []))
        for row in reader:
            if len(row) > expected:
                return _("Dòng {row}: có {count} ô, dòng tiêu đề chỉ có {expected}.").format(
                    row=reader.line_num, count=len(row), expected=expected
                )
    except csv.Error as exc:
        return _("Dòng {row}: CSV hỏng ({error}).").format(row=reader.line_num, error=exc)
    return None


def _long_cell(name: str, row: int, column: str, length: int | str) -> str:
    return _("Tệp {name}, dòng {row}, cột {column}: ô dài {length} ký tự, tối đa {limit}.").format(
        name=name, row=row, column=column, length=length, limit=MAX_CELL_CHARS
    )


def repeated_header(rows: Sequence[Sequence[Any]], header: int) -> int | None:
    """The index of the first row after `header` that repeats it (a file appended to itself)."""
    wanted = [_plain(cell) for cell in rows[header]]
    while wanted and not wanted[-1]:
        wanted.pop()
    if sum(1 for cell in wanted if cell) < 2:
        return None
    for i in range(header + 1, len(rows)):
        cells = [_plain(cell) for cell in rows[i][: len(wanted)]]
        if cells == wanted:
            return i
    return None


def repeated_header_message(row: int, header_row: int) -> str:
    """The refusal of a header row repeated at file row `row` (rows counted from 1)."""
    return _(
        "Dòng {row}: lặp lại dòng tiêu đề (dòng {header}) — tệp bị ghép hai lần? Hãy bỏ các dòng lặp rồi "
        "nhập lại."
    ).format(row=row, header=header_row)


def _plain(cell: Any) -> str:
    return "" if cell is None else str(cell).strip().lstrip("\ufeff").strip('"')


# -- workbooks --------------------------------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Workbook:
    """An .xlsx workbook opened to read values: checked as a zip first, read sheet by sheet.

    `source` is a path, bytes or a binary file. Use as a context manager, or call `close`."""

    def __init__(self, source: str | Path | bytes | IO[bytes], name: str = ""):
        self.name = name or (Path(source).name if isinstance(source, (str, Path)) else _("tệp Excel"))
        self._handle: IO[bytes] | None = None
        if isinstance(source, (str, Path)):
            try:
                self._handle = Path(source).open("rb")  # noqa: SIM115 - closed by close()
            except OSError as exc:
                raise FileRefused(
                    [_("Không đọc được tệp {name}: {error}").format(name=self.name, error=exc)]
                ) from None
            stream: IO[bytes] = self._handle
        elif isinstance(source, bytes):
            stream = io.BytesIO(source)
        else:
            stream = source
            if hasattr(stream, "seek"):
                stream.seek(0)
        self._stream = stream
        self._zip = self._check_zip(stream)
        try:
            from python_calamine import CalamineWorkbook

            stream.seek(0)
            with unreadable(self.name):
                self._book = CalamineWorkbook.from_filelike(stream)
                self.sheetnames: list[str] = list(self._book.sheet_names)
        except FileRefused:
            self._zip.close()
            self.close()
            raise
        self._paths: dict[str, str] | None = None

    def _check_zip(self, stream: IO[bytes]) -> zipfile.ZipFile:
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            self.close()
            raise FileRefused(
                [
                    _("Tệp {name} không phải tệp Excel .xlsx (hoặc bị hỏng): {error}").format(
                        name=self.name, error=exc
                    )
                ]
            ) from None
        parts = archive.infolist()
        total = sum(part.file_size for part in parts)
        problem = None
        if len(parts) > MAX_PARTS:
            problem = _("có {count} phần, tối đa {limit}").format(count=len(parts), limit=MAX_PARTS)
        elif total > MAX_UNCOMPRESSED:
            problem = _("giải nén ra {size} MB, tối đa {limit} MB").format(
                size=total // 2**20, limit=MAX_UNCOMPRESSED // 2**20
            )
        else:
            for part in parts:
                if part.file_size > _RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    problem = _("phần {part} nén {ratio} lần, tối đa {limit} lần").format(
                        part=part.filename,
                        ratio=part.file_size // max(part.compress_size, 1),
                        limit=MAX_RATIO,
                    )
                    break
        if problem is not None:
            archive.close()
            self.close()
            raise FileRefused(
                [
                    _("Tệp {name} bị từ chối: {problem} (có thể là «bom nén»).").format(
                        name=self.name, problem=problem
                    )
                ]
            )
        return archive

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for thing in (getattr(self, "_book", None), getattr(self, "_zip", None), self._handle):
            if thing is not None:
                with suppress(Exception):  # closing a damaged file may fail again; nothing is left to do
                    thing.close()

    def rows(self, sheet: str | None = None) -> list[tuple[Any, ...]]:
        """The values of a sheet (the first by default), row by row; a formula cell without a value
        computed by Excel, or a damaged sheet, is refused naming the sheet and the cell."""
        title = sheet if sheet is not None else self.sheetnames[0] if self.sheetnames else ""
        if title not in self.sheetnames:
            raise FileRefused([_("Tệp {name} không có trang {sheet!r}.").format(name=self.name, sheet=title)])
        with unreadable(self.name):
            missing = self._formulas_without_values(title)
        if missing:
            raise FileRefused(
                [
                    _(
                        "Tệp {name}, trang {sheet!r}, ô {cell}: công thức chưa có giá trị tính sẵn (sẽ bị đọc "
                        "thành ô trống). Hãy mở tệp trong Excel, lưu lại, hoặc dán giá trị thay cho công thức."
                    ).format(name=self.name, sheet=title, cell=cell)
                    for cell in missing
                ]
            )
        with unreadable(self.name):
            # From A1, whatever the first filled cell; the rows the sheet holds, not those its
            # <dimension> claims (a file may claim A1:XFD1048576 and hold two rows).
            grid = self._book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            return [_row(values) for values in grid]

    def _sheet_paths(self) -> dict[str, str]:
        """Sheet name → its part in the archive (from the workbook part and its relationships)."""
        if self._paths is None:
            root = ElementTree.fromstring(self._zip.read("_rels/.rels"))
            main = next(
                (
                    r.get("Target", "")
                    for r in root.iter(f"{_RELS}Relationship")
                    if r.get("Type", "").endswith("/officeDocument")
                ),
                "xl/workbook.xml",
            ).lstrip("/")
            folder, leaf = posixpath.split(main)
            rels = ElementTree.fromstring(self._zip.read(posixpath.join(folder, "_rels", leaf + ".rels")))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
            workbook = ElementTree.fromstring(self._zip.read(main))
            self._paths = {}
            for element in workbook.iter(f"{_MAIN}sheet"):
                target = targets.get(element.get(_DOC_REL), "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                self._paths[element.get("name", "")] = path
        return self._paths

    def _formulas_without_values(self, sheet: str) -> list[str]:
        path = self._sheet_paths().get(sheet)
        if path is None:
            return []
        missing: list[str] = []
        with self._zip.open(path) as source:
            for _event, element in ElementTree.iterparse(source):
                if element.tag == f"{_MAIN}c":
                    # A formula Excel computed keeps its value in <v>; an empty <v> is a computed
                    # empty text only with t="str" (openpyxl and other generators write <v></v>).
                    value = element.find(f"{_MAIN}v")
                    if (
                        element.find(f"{_MAIN}f") is not None
                        and (value is None or not value.text)
                        and element.get("t") != "str"
                    ):
                        missing.append(element.get("r", "?"))
                    element.clear()
                elif element.tag == f"{_MAIN}row":
                    element.clear()
        return missing


def _value(cell: Any) -> Any:
    """A calamine cell as openpyxl gave it: None for empty, whole numbers as int, dates as datetime."""
    if cell == "" or cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return int(cell)
    if isinstance(cell, date) and not isinstance(cell, datetime):
        return datetime(cell.year, cell.month, cell.day)
    return cell


def _row(values: Sequence[Any]) -> tuple[Any, ...]:
    """One row's values, without the empty cells after its last filled one."""
    row = [_value(cell) for cell in values]
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


@contextmanager
def unreadable(name: str, *passing: type[BaseException]) -> Iterator[None]:
    """Turn whatever a reading library raises — a damaged zip, bad XML, a polars error, a Rust panic
    (pyo3's PanicException derives from BaseException) — into a `FileRefused` naming the file;
    the exception types in `passing` (the caller's own refusals) go through unchanged."""
    try:
        yield
    except BaseException as exc:
        if isinstance(exc, (FileRefused, KeyboardInterrupt, SystemExit, GeneratorExit, *passing)):
            raise
        _refuse(name, exc)


def _refuse(name: str, exc: BaseException) -> None:
    """Raise the `FileRefused` that stands for what a reading library raised."""
    if isinstance(exc, RecursionError):
        message = _("Tệp {name} lồng nhau quá sâu, không đọc được.").format(name=name)
    elif isinstance(exc, MemoryError):
        message = _("Tệp {name} quá lớn, không đọc được.").format(name=name)
    else:
        message = _("Không đọc được tệp {name}: {error}").format(name=name, error=_short(exc))
    raise FileRefused([message]) from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first[:300]
