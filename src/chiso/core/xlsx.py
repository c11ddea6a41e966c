"""Writing workbooks: every text cell is text, never a formula.

openpyxl turns a string that starts with "=" into a live formula, so a unit or criterion called
"=HYPERLINK(…)" would run when the export is opened (OWASP ASVS 5.3, "formula injection"). Every
writer puts values through `put` or `append`: text gets the cell type "s" (a string, shown as
written, never evaluated) and loses the control characters a workbook cannot hold; numbers, dates
and None are written as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet


def text_cell(cell: Cell, value: Any) -> Cell:
    """Set `cell` to `value`; a string is stored as text whatever it starts with."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one value at (row, column), text as text."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell), "a merged cell takes no value"
    return text_cell(cell, value)


def append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Write a row under the last one, text as text (what `Worksheet.append` does, safely)."""
    sheet.append(
        [
            text_cell(Cell(sheet, row=1, column=1), value) if isinstance(value, str) else value
            for value in values
        ]
    )
