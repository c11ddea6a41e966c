"""Framework files: YAML and Excel round trips, and precise messages for bad spreadsheets."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from chiso.engine.frameworks import Framework, FrameworkError, framework_from_dict
from chiso.frameworks.io import (
    COLUMNS,
    dump_framework_yaml,
    framework_from_xlsx,
    framework_to_xlsx,
    load_framework_yaml,
)

RICH = {
    "code": "rich-2024",
    "index": "par_index",
    "name_vi": "Khung đầy đủ các loại trường",
    "name_en": "A framework using every field",
    "version": "2",
    "years": {"first": 2024, "last": None},
    "legal_basis": [{"number": "892/QĐ-BNV", "date": "05/12/2024", "issuer": "Bộ Nội vụ"}],
    "status": "partial",
    "ranking": {
        "precision": 2,
        "of": "ranked",
        "groups": {
            "method": "bands",
            "bands": [
                {"label_vi": "Nhóm A", "label_en": "Group A", "min_percent": "90"},
                {"label_vi": "Nhóm B", "min_percent": "80.5"},
            ],
        },
    },
    "adjustments": [
        {
            "code": "T",
            "name_vi": "Điểm thưởng",
            "kind": "bonus",
            "max_points": "2.5",
            "rule": {"type": "bonus"},
        },
        {"code": "P", "name_vi": "Điểm trừ", "kind": "penalty", "max_points": 3},
    ],
    "adjusted_floor": 0,
    "adjusted_cap": "102.5",
    "source": "thử nghiệm",
    "note": "ghi chú: có dấu hai chấm, và 'nháy'",
    "root": {
        "code": "root",
        "name_vi": "Tổng",
        "max_points": 100,
        "level": "index",
        "children": [
            {
                "code": "1",
                "name_vi": "Lĩnh vực 1",
                "level": "field",
                "max_points": "unknown",
                "children": [
                    {
                        "code": "1.1",
                        "name_vi": "Mức độ thực hiện kế hoạch",
                        "name_en": "Plan completion",
                        "max_points": "2",
                        "method": "self",
                        "evidence_required": True,
                        "rule": {
                            "type": "step_table",
                            "params": {
                                "steps": [
                                    {"min": D(70), "points": D(1)},
                                    {"min": D("90.0"), "points": D("2"), "strict": True},
                                ]
                            },
                        },
                        "note": "Thực hiện trên 90%: 2",
                    },
                    {
                        "code": "1.10",
                        "name_vi": "Mã dễ nhầm với số",
                        "max_points": "0.1",
                        "method": "published",
                    },
                ],
            },
            {
                "code": "2",
                "name_vi": "Lĩnh vực 2",
                "max_points": "7.25",
                "method": "data",
                "rule": {"type": "proportional", "params": {"when_no_occurrence": "full"}},
            },
        ],
    },
}


@pytest.fixture
def rich() -> Framework:
    return framework_from_dict(RICH)


def test_yaml_round_trip(rich: Framework) -> None:
    text = dump_framework_yaml(rich)
    assert load_framework_yaml(text) == rich
    assert "code: '1.10'" in text  # a code that looks like a number stays text
    assert "max_points: 7.25" in text  # numbers are written as numbers, not quoted text


def test_yaml_numbers_are_decimals_not_floats() -> None:
    text = """
code: x
index: par_index
name_vi: X
root:
  code: r
  name_vi: R
  max_points: 0.3
  method: self
  rule: {type: checklist, params: {items: [{code: a, points: 0.1}, {code: b, points: 0.2}]}}
"""
    framework = load_framework_yaml(text)
    assert framework.root.max_points == D("0.3")
    assert framework.root.rule is not None
    points = [item["points"] for item in framework.root.rule.params["items"]]
    assert points == [D("0.1"), D("0.2")] and all(type(p) is D for p in points)
    assert sum(points, D(0)) == framework.root.max_points  # would fail with floats


def test_yaml_from_path(tmp_path: Path, rich: Framework) -> None:
    path = tmp_path / "khung.yaml"
    path.write_text(dump_framework_yaml(rich), encoding="utf-8")
    assert load_framework_yaml(path) == rich
    assert load_framework_yaml(str(path)) == rich


def test_yaml_errors_are_framework_errors(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="YAML không hợp lệ"):
        load_framework_yaml("code: [unclosed")
    with pytest.raises(FrameworkError, match="thiếu trường 'index'"):
        load_framework_yaml("code: x\nname_vi: X\nroot: {code: r, name_vi: R}\n")
    with pytest.raises(FrameworkError, match=r"Không đọc được tệp missing\.yaml"):
        load_framework_yaml(tmp_path / "missing.yaml")


def test_xlsx_round_trip(tmp_path: Path, rich: Framework) -> None:
    path = tmp_path / "khung.xlsx"
    framework_to_xlsx(rich, path)
    assert framework_from_xlsx(path) == rich


# -- bad spreadsheets -------------------------------------------------------------------------------


def write_book(path: Path, rows: list[list], columns: tuple[str, ...] = COLUMNS, info: bool = True) -> Path:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Khung"
    sheet.append(list(columns))
    for row in rows:
        sheet.append(row)
    if info:
        meta = book.create_sheet("Thông tin")
        meta.append(["key", "value"])
        for key, value in [
            ("code", "x"),
            ("index", "par_index"),
            ("name_vi", "Khung X"),
            ("first_year", 2020),
        ]:
            meta.append([key, value])
    book.save(path)
    return path


def row(code, parent, max_points, rule_type="", rule_params="", method="self", evidence="") -> list:
    return [code, parent, "", f"Tên {code}", "", max_points, method, evidence, rule_type, rule_params, ""]


GOOD = [
    row("root", "", 10, method="published"),
    row("1", "root", "6", method="published"),
    row("1.1", "1", "0,5", "manual"),
    row("1.2", "1", 5.5, "step_table", '{"steps": [{"min": 1, "points": 0.5}]}'),
    row("2", "root", "4", "survey_share", method="survey"),
]


def test_hand_written_sheet_with_decimal_commas(tmp_path: Path) -> None:
    framework = framework_from_xlsx(write_book(tmp_path / "a.xlsx", GOOD))
    assert framework.node("1.1").max_points == D("0.5")
    assert framework.node("1.2").max_points == D("5.5")
    rule = framework.node("1.2").rule
    assert rule is not None and rule.params["steps"][0]["points"] == D("0.5")
    assert framework.first_year == 2020 and framework.last_year is None
    assert [n.code for n in framework.nodes()] == ["root", "1", "1.1", "1.2", "2"]


def test_xlsx_keeps_the_weights_of_a_weighted_framework(tmp_path: Path) -> None:
    """The weights an organiser declares (DDCI, PCI: `weighted` aggregation) survive Excel."""
    framework = framework_from_dict(
        {
            "code": "w",
            "index": "ddci",
            "name_vi": "Khung có trọng số",
            "aggregation": "weighted",
            "root": {
                "code": "total",
                "name_vi": "Tổng",
                "children": [
                    {"code": "a", "name_vi": "A", "weight": "0.25"},
                    {"code": "b", "name_vi": "B", "weight": "0.75"},
                ],
            },
        }
    )
    path = tmp_path / "w.xlsx"
    framework_to_xlsx(framework, path)
    again = framework_from_xlsx(path)
    assert [c.weight for c in again.root.children] == [D("0.25"), D("0.75")]
    assert again == framework
    bad = [row("root", "", 10, method="published"), [*row("1", "root", 5, method="published"), "x"]]
    with pytest.raises(FrameworkError) as info:
        framework_from_xlsx(write_book(tmp_path / "bad-weight.xlsx", bad))
    assert str(info.value) == "Dòng 3, cột weight: 'x' không phải số"


def test_not_a_number_names_row_and_column(tmp_path: Path) -> None:
    rows = [*GOOD, row("2.1", "2", "abc")]  # header = row 1, so "2.1" is on row 7
    with pytest.raises(FrameworkError) as info:
        framework_from_xlsx(write_book(tmp_path / "b.xlsx", rows))
    assert str(info.value) == "Dòng 7, cột max_points: 'abc' không phải số"


def test_unknown_parent(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as info:
        framework_from_xlsx(write_book(tmp_path / "c.xlsx", [*GOOD, row("3.1", "3", 1)]))
    assert str(info.value).startswith("Dòng 7, cột parent_code: mã cha '3' không có")
    assert "Dòng 7, cột parent_code: mã cha '3' không có ở dòng nào phía trên" in str(info.value)


def test_duplicate_code(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as info:
        framework_from_xlsx(write_book(tmp_path / "d.xlsx", [*GOOD, row("1.1", "1", 1)]))
    assert "Dòng 7, cột code: mã '1.1' trùng với dòng 4" in str(info.value)


def test_bad_rule_params_json(tmp_path: Path) -> None:
    rows = [*GOOD[:3], row("1.2", "1", 5.5, "step_table", "{steps: oops}"), GOOD[4]]
    with pytest.raises(FrameworkError, match="Dòng 5, cột rule_params: JSON không hợp lệ"):
        framework_from_xlsx(write_book(tmp_path / "e.xlsx", rows))


def test_bad_method_and_evidence(tmp_path: Path) -> None:
    rows = [*GOOD[:4], row("2", "root", 4, "survey_share", method="guess")]
    with pytest.raises(FrameworkError, match="Dòng 6, cột method: 'guess' không phải phương pháp đánh giá"):
        framework_from_xlsx(write_book(tmp_path / "f.xlsx", rows))
    rows = [*GOOD[:4], row("2", "root", 4, "survey_share", method="survey", evidence="maybe")]
    with pytest.raises(FrameworkError, match="Dòng 6, cột evidence_required"):
        framework_from_xlsx(write_book(tmp_path / "g.xlsx", rows))


def test_second_root_and_missing_column_and_sheet(tmp_path: Path) -> None:
    with pytest.raises(
        FrameworkError, match=r"Dòng 7, cột parent_code: thiếu mã cha; chỉ nút gốc \(dòng 2\)"
    ):
        framework_from_xlsx(write_book(tmp_path / "h.xlsx", [*GOOD, row("9", "", 1)]))
    columns = tuple(c for c in COLUMNS if c != "max_points")
    rows = [[v for i, v in enumerate(r) if COLUMNS[i] != "max_points"] for r in GOOD]
    with pytest.raises(FrameworkError, match="thiếu cột 'max_points'"):
        framework_from_xlsx(write_book(tmp_path / "i.xlsx", rows, columns))
    with pytest.raises(FrameworkError, match="Thiếu trang 'Thông tin'"):
        framework_from_xlsx(write_book(tmp_path / "j.xlsx", GOOD, info=False))


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "k.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(FrameworkError, match="không phải tệp Excel"):
        framework_from_xlsx(path)


def test_excel_export_writes_names_as_text(tmp_path: Path) -> None:
    """A criterion called "=HYPERLINK(…)" is text in the workbook, and reads back unchanged."""
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://example.com","x")'
    data: dict[str, Any] = copy.deepcopy(RICH)
    data["root"]["children"][0]["name_vi"] = formula
    data["name_vi"] = "@" + formula
    path = tmp_path / "formula.xlsx"
    framework_to_xlsx(framework_from_dict(data), path)
    book = load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    written = [cell for cell in cells if isinstance(cell.value, str) and formula in cell.value]
    assert len(written) == 2 and all(cell.data_type == "s" for cell in written)
    assert framework_from_xlsx(path).root.children[0].name_vi == formula
