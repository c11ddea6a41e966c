"""CSV written by the command line cannot run as a formula in a spreadsheet (OWASP CSV injection)."""

import csv
import io

from chiso.core.serialize import to_csv


def test_a_name_that_starts_a_formula_is_written_as_text():
    text = to_csv(
        ["Đơn vị", "Điểm", "Thay đổi"], [['=HYPERLINK("x")', "86,55", "-1,23"], ["@SUM(A1)", 1, "+2"]]
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ['\'=HYPERLINK("x")', "86,55", "-1,23"]  # signed numbers stay numbers
    assert rows[2] == ["'@SUM(A1)", "1", "+2"]


def test_plain_text_is_unchanged():
    assert to_csv(["a"], [["Bình Liêu"]]) == "a\nBình Liêu\n"
