"""Reading uploaded files one way: encodings, line endings, long cells, zip bombs, formulas without
values, repeated headers, capped error lists, and whatever a reading library raises."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from chiso.core import uploads
from chiso.core.uploads import (
    MAX_CELL_CHARS,
    MAX_ERRORS,
    FileRefused,
    Workbook,
    capped,
    csv_rows,
    decode_text,
    delimiter_of,
    repeated_header,
    unreadable,
)


def xlsx(rows: list[list[object]], formula: str | None = None) -> bytes:
    book = OpenpyxlWorkbook()
    for row in rows:
        book.worksheets[0].append(row)
    if formula:
        book.worksheets[0][formula] = "=SUM(1,2)"  # openpyxl computes nothing: <f> and an empty <v>
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        "Tỉnh;Điểm\r\nCao Bằng;80\r\n".encode(),
        codecs.BOM_UTF8 + "Tỉnh;Điểm\nCao Bằng;80\n".encode(),
        "Tỉnh;Điểm\nCao Bằng;80\n".encode("utf-16"),
        "Tỉnh;Điểm\nCao Bằng;80\n".encode("utf-32"),
        "Tỉnh;Điểm\rCao Bằng;80\r".encode(),  # Excel for Mac's "CSV (Macintosh)"
    ],
)
def test_unicode_encodings_and_every_line_ending_read_alike(data):
    assert csv_rows(data, "t.csv") == [["Tỉnh", "Điểm"], ["Cao Bằng", "80"]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Tinh;Diem\nCao B\xe3ng;80\n", "dòng 2"),  # Windows-1258: never guessed
        (b"Tinh;Diem\nCaf\xe9;80\n", "dòng 2"),  # Windows-1252
        ("Tỉnh;Điểm\n".encode("utf-16-le"), "UTF-16"),  # UTF-16 without its BOM
        (b"Tinh;Diem\nA;8\x000\n", "U+0000"),
        (b"Tinh;Diem\n\x01A;80\n", "U+0001"),
    ],
)
def test_other_encodings_and_control_characters_are_refused_naming_the_line(data, expected):
    with pytest.raises(FileRefused) as caught:
        decode_text(data, "t.csv")
    assert expected in str(caught.value) and "t.csv" in str(caught.value)


@pytest.mark.parametrize("length", [MAX_CELL_CHARS + 1, 40_000, 128 * 1024, 200_000])
def test_a_cell_longer_than_a_workbook_cell_is_refused_naming_the_row(length):
    data = ("Tỉnh;Điểm\nCao Bằng;80\nHà Nội;" + "9" * length + "\n").encode()
    with pytest.raises(FileRefused, match=r"dòng 3, cột (2|\?): ô dài (> )?\d+ ký tự, tối đa 32767"):
        csv_rows(data, "t.csv")


def test_delimiter():
    assert delimiter_of("Tỉnh, thành phố;86,55\n") == ";"
    assert delimiter_of('"a;b",c\n') == ","
    assert delimiter_of("a\tb;c\td\n") == "\t"
    assert delimiter_of("a,b\n") == ","


def test_repeated_header():
    rows = [["Kết quả 2024"], ["Tỉnh", "Điểm"], ["Cao Bằng", "80"], ["\ufeffTỉnh", '"Điểm"'], ["Hà Nội", "8"]]
    assert repeated_header(rows, 1) == 3
    assert repeated_header(rows[:3], 1) is None


def test_error_lists_are_capped():
    errors = [f"Dòng {i}: lỗi" for i in range(2, 1_000_002)]
    shown = capped(errors)
    assert len(shown) == MAX_ERRORS + 1 and shown[:MAX_ERRORS] == errors[:MAX_ERRORS]
    assert "999800" in shown[-1] and "1000000" in shown[-1]
    assert capped(errors[:3]) == errors[:3]
    assert len(FileRefused(errors).messages) == MAX_ERRORS + 1


def test_a_formula_without_a_computed_value_is_refused_naming_the_cell():
    data = xlsx([["Tỉnh", "Điểm"], ["Cao Bằng", None]], formula="B2")
    with (
        Workbook(data, "t.xlsx") as book,
        pytest.raises(FileRefused, match=r"t\.xlsx, trang 'Sheet', ô B2: công thức"),
    ):
        book.rows()


def test_a_formula_excel_computed_is_read_as_its_value():
    data = xlsx([["Tỉnh", "Điểm"], ["Cao Bằng", None]], formula="B2")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>SUM(1,2)</f><v></v>", b"<f>SUM(1,2)</f><v>3</v>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    with Workbook(out.getvalue(), "t.xlsx") as book:
        assert book.rows() == [("Tỉnh", "Điểm"), ("Cao Bằng", 3)]


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_bombs_are_refused_before_the_workbook_is_opened(monkeypatch):
    with pytest.raises(FileRefused, match=r"nén \d+ lần, tối đa 200 lần"):
        Workbook(_zip({"xl/big.bin": bytes(8 * 1024 * 1024)}), "bom.xlsx")
    with pytest.raises(FileRefused, match="10001 phần, tối đa 10000"):
        Workbook(_zip({f"p{i}.xml": b"<a/>" for i in range(10_001)}), "bom.xlsx")
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED", 1024)
    with pytest.raises(FileRefused, match="giải nén ra"):
        Workbook(xlsx([["Tỉnh", "Điểm"], ["Cao Bằng", 80]]), "to.xlsx")


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04" + bytes(100)])
def test_what_is_not_a_workbook_is_refused(data):
    with pytest.raises(FileRefused, match=r"x\.xlsx"):
        Workbook(data, "x.xlsx")


def test_a_sheet_claiming_a_million_rows_reads_the_rows_it_holds():
    data = xlsx([["Tỉnh", "Điểm"], ["Cao Bằng", 80]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
    with Workbook(_zip(parts), "t.xlsx") as book:
        assert book.rows() == [("Tỉnh", "Điểm"), ("Cao Bằng", 80)]


def test_whatever_a_library_raises_becomes_a_refusal_even_a_rust_panic():
    from polars.exceptions import PanicException

    assert not issubclass(PanicException, Exception)  # why `except Exception` is not enough
    for error in (PanicException("assertion failed: i < self.len()"), KeyError("x"), RecursionError()):
        with pytest.raises(FileRefused, match=r"t\.csv"), unreadable("t.csv"):
            raise error
    with pytest.raises(ValueError, match="mine"), unreadable("t.csv", ValueError):
        raise ValueError("mine")
