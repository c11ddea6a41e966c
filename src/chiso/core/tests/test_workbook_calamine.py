"""Workbooks are read with python-calamine, giving the values the importers had from openpyxl."""

from __future__ import annotations

import datetime

import openpyxl
import pytest

from chiso.core.uploads import FileRefused, Workbook, decode_text, utf8_bytes


def test_values_as_openpyxl_gave_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Dữ liệu"
    sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"] = "Sở Y tế", 12, 1.5, True, None
    sheet["B3"] = datetime.datetime(2024, 3, 4)
    sheet["C4"] = "  "
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    with Workbook(path) as workbook:
        assert workbook.sheetnames == ["Dữ liệu"]
        rows = workbook.rows()
    # from A1 even though A1 is empty; numbers whole when whole; dates as datetime; no trailing blanks
    assert rows == [
        (),
        (None, "Sở Y tế", 12, 1.5, True),
        (None, datetime.datetime(2024, 3, 4)),
        (None, None, "  "),
    ]
    assert type(rows[1][2]) is int


def test_a_formula_without_its_value_is_still_refused_naming_the_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet["A1"], sheet["B2"] = "x", "=1+1"
    path = tmp_path / "formula.xlsx"
    book.save(path)
    with Workbook(path) as workbook, pytest.raises(FileRefused, match="ô B2"):
        workbook.rows()


@pytest.mark.parametrize(
    "data",
    [
        "đơn vị;q1\r\nSở Y tế;5\rSở Tư pháp;4\n".encode(),
        b"\xef\xbb\xbfa,b\n1,2\n\xef\xbb\xbfa,b\n",
        "a;b\nSở;1\n".encode("utf-16"),
        b"x" * (2**24 + 5) + "\nđ\n".encode(),
    ],
)
def test_utf8_bytes_are_the_text_decode_text_gives(data):
    """The Kobo reader works on bytes (no string of a 400 MB file) with the same decisions."""
    expected = decode_text(data, "f.csv").replace("\r\n", "\n").replace("\r", "\n")
    assert utf8_bytes(data, "f.csv").decode("utf-8") == expected


@pytest.mark.parametrize(
    "data",
    [b"a,b\n1,\xe9\n", b"a,b\n1,2\n3,\x00\n", b"x" * (2**24 - 1) + "đ".encode() + b"\n\xff", b"a\r\n\x07"],
)
def test_utf8_bytes_refuse_as_decode_text_refuses(data):
    with pytest.raises(FileRefused) as text:
        decode_text(data, "f.csv")
    with pytest.raises(FileRefused) as raw:
        utf8_bytes(data, "f.csv")
    assert raw.value.messages == text.value.messages
