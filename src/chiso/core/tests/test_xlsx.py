"""Workbook writers put text as text: never a live formula."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from chiso.core.xlsx import append, put

FORMULA = '=HYPERLINK("http://example.com","x")'


def test_text_that_looks_like_a_formula_stays_text():
    book = Workbook()
    sheet = book.worksheets[0]
    append(sheet, [FORMULA, "+1+1", "-1", "@SUM(A1)", "\tx", 3, None, 2.5])
    put(sheet, 2, 1, FORMULA)
    put(sheet, 2, 2, "a\x01b")  # a character no workbook holds is dropped, not a crash
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert [c.value for c in read[1]] == [FORMULA, "+1+1", "-1", "@SUM(A1)", "\tx", 3, None, 2.5]
    assert [c.data_type for c in read[1]][:5] == ["s"] * 5
    assert (read["A2"].value, read["A2"].data_type, read["B2"].value) == (FORMULA, "s", "ab")
