"""Workbooks are read with python-calamine, giving the values the importers had from openpyxl."""

from __future__ import annotations

import datetime

import openpyxl
import pytest

from chiso.core.uploads import FileRefused, Workbook


def test_values_as_openpyxl_gave_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
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
    assert rows == [(), (None, "Sở Y tế", 12, 1.5, True), (None, datetime.datetime(2024, 3, 4)), (None, None, "  ")]
    assert type(rows[1][2]) is int


def test_a_formula_without_its_value_is_still_refused_naming_the_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"], book.active["B2"] = "x", "=1+1"
    path = tmp_path / "formula.xlsx"
    book.save(path)
    with Workbook(path) as workbook, pytest.raises(FileRefused, match="ô B2"):
        workbook.rows()
