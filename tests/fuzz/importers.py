"""Every importer, with the corpus it must refuse: the generic attacks of `corpus` built on a file the
importer accepts, and the attacks on what it stores (lengths, numeric ranges, ranks, nesting …)."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fuzz.corpus import FORMULA_FREE_TEXT, Case, text_cases, workbook, xlsx_cases, yaml_cases

FUZZ_INDEX = {
    "code": "fuzz",
    "short_name": "FUZZ",
    "name_vi": "Chỉ số thử",
    "unit_levels": ["province"],
}
# A framework whose total has no known maximum: only the column's size bounds a value.
FUZZ_FRAMEWORK: dict[str, Any] = {
    "code": "fuzz-2024",
    "index": "fuzz",
    "name_vi": "Khung thử",
    "years": {"first": 2024, "last": None},
    "root": {
        "code": "total",
        "name_vi": "Tổng điểm",
        "max_points": "unknown",
        "children": [{"code": "1", "name_vi": "Lĩnh vực 1", "max_points": "unknown"}],
    },
}


@dataclass(frozen=True)
class Importer:
    """One importer: its corpus and how the test calls it."""

    name: str
    cases: Callable[[], list[Case]]


# -- results tables ---------------------------------------------------------------------------------


@functools.cache
def results_cases() -> list[Case]:
    header = "Tỉnh;Tổng điểm"
    good_rows = [["Tỉnh", "Tổng điểm"], ["Cao Bằng", 80]]
    bad_rows = [*good_rows, ["Không Có Tỉnh Này", 80]]
    many = "\n".join([header, *(f"Tỉnh số {i};80" for i in range(5_000))]) + "\n"
    cases = [
        *text_cases(header, "Cao Bằng;80", "Không Có Tỉnh Này;80", "results"),
        *xlsx_cases(workbook({"Kết quả": good_rows}), "B2", workbook({"Kết quả": bad_rows}), "results"),
        Case("results-csv-value-one-million", ".csv", f"{header}\nCao Bằng;1000000\n".encode(), "1000000"),
        Case("results-csv-value-400-digits", ".csv", f"{header}\nCao Bằng;{'9' * 400}\n".encode(), "quá lớn"),
        Case(
            "results-csv-mean-one-million",
            ".csv",
            f"{header}\nTrung bình cả nước;1000000\n".encode(),
            "quá lớn",
        ),
        Case("results-csv-rank-40000", ".csv", f"{header};Xếp hạng\nCao Bằng;80;40000\n".encode(), "32767"),
        Case("results-csv-rank-negative", ".csv", f"{header};Xếp hạng\nCao Bằng;80;-1\n".encode(), "32767"),
        Case(
            "results-csv-group-150-chars", ".csv", f"{header};Nhóm\nCao Bằng;80;{'A' * 150}\n".encode(), "100"
        ),
        Case(
            "results-csv-formula-text",
            ".csv",
            f"{header}\nCao Bằng;{FORMULA_FREE_TEXT}\n".encode(),
            "không phải số",
        ),
        Case("results-csv-header-only", ".csv", f"{header}\n".encode(), "không có dòng"),
        Case("results-csv-5000-bad-rows", ".csv", many.encode(), "5000"),
        Case(
            "results-xlsx-value-1e300",
            ".xlsx",
            workbook({"Kết quả": [["Tỉnh", "Tổng điểm"], ["Cao Bằng", 1e300]]}),
        ),
        Case(
            "results-xlsx-rank-40000",
            ".xlsx",
            workbook({"Kết quả": [["Tỉnh", "Tổng điểm", "Hạng"], ["Cao Bằng", 80, 40000]]}),
            "32767",
        ),
    ]
    return cases


# -- units ------------------------------------------------------------------------------------------

UNIT_HEADER = ["mã", "tên", "cấp", "loại", "mã đơn vị cấp trên"]


@functools.cache
def units_cases() -> list[Case]:
    good = [UNIT_HEADER, ["FZ.01", "Sở Thử", "department", "sở", ""]]
    bad = [*good, ["FZ.02", "Sở Hai", "cấp lạ", "", ""]]

    def one(row: list[Any]) -> bytes:
        return workbook({"Đơn vị": [UNIT_HEADER, row]})

    return [
        *xlsx_cases(workbook({"Đơn vị": good}), "B2", workbook({"Đơn vị": bad}), "units"),
        Case("units-name-201-chars", ".xlsx", one(["FZ.03", "S" * 201, "department", "", ""]), "200"),
        Case("units-code-17-chars", ".xlsx", one(["F" * 17, "Sở Dài", "department", "", ""]), "16"),
        Case("units-kind-65-chars", ".xlsx", one(["FZ.04", "Sở Loại", "department", "k" * 65, ""]), "64"),
        Case("units-parent-17-chars", ".xlsx", one(["FZ.05", "Sở Cha", "department", "", "P" * 17]), "16"),
        Case(
            "units-appended-to-itself",
            ".xlsx",
            workbook({"Đơn vị": [*good, *good]}),
            "tiêu đề",
        ),
        Case(
            "units-1000-bad-rows",
            ".xlsx",
            workbook({"Đơn vị": [UNIT_HEADER, *([f"FZ.{i}", "Sở", "lạ", "", ""] for i in range(1_000))]}),
            "1000",
        ),
    ]


# -- frameworks -------------------------------------------------------------------------------------


def _framework_dict(**changes: Any) -> dict[str, Any]:
    import copy

    data = copy.deepcopy(FUZZ_FRAMEWORK)
    data["code"] = "fuzz-upload"
    data.update(changes)
    return data


def framework_yaml(**changes: Any) -> str:
    from chiso.engine.frameworks import framework_from_dict
    from chiso.frameworks.io import dump_framework_yaml

    return dump_framework_yaml(framework_from_dict(_framework_dict(**changes)))


def framework_xlsx(rows: list[list[Any]] | None = None, **changes: Any) -> bytes:
    """A framework workbook; `rows` replace the "Khung" sheet's rows after the header."""
    import tempfile
    from pathlib import Path

    from openpyxl import load_workbook

    from chiso.engine.frameworks import framework_from_dict
    from chiso.frameworks.io import framework_to_xlsx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "k.xlsx"
        framework_to_xlsx(framework_from_dict(_framework_dict(**changes)), path)
        if rows is not None:
            book = load_workbook(path)
            sheet = book["Khung"]
            sheet.delete_rows(2, sheet.max_row)
            for row in rows:
                sheet.append(row)
            book.save(path)
        return path.read_bytes()


@functools.cache
def framework_cases() -> list[Case]:
    from chiso.frameworks.io import COLUMNS

    def row(**values: Any) -> list[Any]:
        return [values.get(c, "") for c in COLUMNS]

    chain = [row(code="n0", name_vi="Gốc", max_points="unknown")] + [
        row(code=f"n{i}", parent_code=f"n{i - 1}", name_vi=f"Cấp {i}", max_points="unknown")
        for i in range(1, 30)
    ]
    root = row(code="total", name_vi="Tổng", max_points="unknown")
    bad = framework_xlsx([root, row(code="1", parent_code="không-có", name_vi="Mồ côi", max_points=1)])
    long_name = "T" * 400
    return [
        *yaml_cases(framework_yaml(), "framework"),
        Case("framework-yaml-year-99999", ".yaml", framework_yaml(years={"first": 99999}).encode(), "32767"),
        Case(
            "framework-yaml-year-text",
            ".yaml",
            framework_yaml().replace("first: 2024", "first: abc").encode(),
            "abc",
        ),
        Case("framework-yaml-name-400-chars", ".yaml", framework_yaml(name_vi=long_name).encode(), "300"),
        Case("framework-yaml-code-100-chars", ".yaml", framework_yaml(code="c" * 100).encode(), "80"),
        Case(
            "framework-yaml-max-inf",
            ".yaml",
            framework_yaml().replace("max_points: unknown", "max_points: .inf", 1).encode(),
        ),
        *xlsx_cases(framework_xlsx(), "F2", bad, "framework"),
        Case("framework-xlsx-tree-30-deep", ".xlsx", framework_xlsx(chain), "20"),
        Case(
            "framework-xlsx-rule-params-nested-100000",
            ".xlsx",
            framework_xlsx(
                [
                    root,
                    row(
                        code="1",
                        parent_code="total",
                        name_vi="A",
                        max_points=1,
                        rule_type="scale",
                        rule_params="[" * 100_000,
                    ),
                ]
            ),
            "rule_params",
        ),
        Case(
            "framework-xlsx-rule-params-nul",
            ".xlsx",
            framework_xlsx(
                [
                    root,
                    row(
                        code="1",
                        parent_code="total",
                        name_vi="A",
                        max_points=1,
                        rule_type="scale",
                        rule_params='{"a": "x\\u0000"}',
                    ),
                ]
            ),
            "U+0000",
        ),
        Case("framework-xlsx-name-400-chars", ".xlsx", framework_xlsx(name_vi=long_name), "300"),
        Case("framework-xlsx-year-99999", ".xlsx", framework_xlsx(years={"first": 99999}), "32767"),
    ]


# -- indices ----------------------------------------------------------------------------------------

GOOD_INDEX = "- code: fuzz2\n  name_vi: Chỉ số thử hai\n  unit_levels: [province]\n  max_points: 100\n"


@functools.cache
def index_cases() -> list[Case]:
    return [
        *yaml_cases(GOOD_INDEX, "indices"),
        Case("indices-max-ten-million", ".yaml", GOOD_INDEX.replace("100", "10000000").encode(), "1000000"),
        Case(
            "indices-name-300-chars", ".yaml", GOOD_INDEX.replace("Chỉ số thử hai", "C" * 300).encode(), "200"
        ),
        Case(
            "indices-short-name-50-chars",
            ".yaml",
            (GOOD_INDEX + f"  short_name: {'S' * 50}\n").encode(),
            "40",
        ),
    ]


# -- surveys ----------------------------------------------------------------------------------------


@functools.cache
def form_cases() -> list[Case]:
    import tempfile
    from pathlib import Path

    from chiso.surveys.tests.conftest import make_form

    with tempfile.TemporaryDirectory() as folder:
        good = make_form(Path(folder)).read_bytes()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(good))
    book["survey"].append(["select_one không_có", "q9", "Câu lạ", "", "F1", ""])
    out = io.BytesIO()
    book.save(out)
    return xlsx_cases(good, "A2", out.getvalue(), "xlsform")


KOBO_HEADER = "_uuid,don_vi,loai,q1,q2,q3"


@functools.cache
def response_cases() -> list[Case]:
    good_row = "s-1,Sở Tư pháp,citizen,4,5,3"
    bad_row = "s-2,Sở Không Có,citizen,4,5,3"
    header = KOBO_HEADER.split(",")
    good = workbook({"data": [header, good_row.split(",")]})
    bad = workbook({"data": [header, good_row.split(","), bad_row.split(",")]})
    return [
        *text_cases(KOBO_HEADER, good_row, bad_row, "responses", sep=","),
        *xlsx_cases(good, "D2", bad, "responses"),
        Case(
            "responses-csv-ragged-row", ".csv", f"{KOBO_HEADER}\n{good_row},{good_row}\n".encode(), "dòng 2"
        ),
        Case(
            "responses-submission-id-121-chars",
            ".csv",
            f"{KOBO_HEADER}\n{'u' * 121},Sở Tư pháp,citizen,4,5,3\n".encode(),
            "120",
        ),
        Case(
            "responses-out-of-scale-twice",
            ".csv",
            f"{KOBO_HEADER}\ns-1,Sở Tư pháp,citizen,6,5,3\ns-2,Sở Tư pháp,citizen,7,5,3\n".encode(),
            "ngoài thang",
        ),
    ]


# -- responsibilities -------------------------------------------------------------------------------


@functools.cache
def responsibility_cases() -> list[Case]:
    header = ["Mã tiêu chí", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    good = [header, ["d8", "QN.STP", ""]]
    bad = [*good, ["d42", "QN.STP", ""]]
    return [
        *xlsx_cases(
            workbook({"Trách nhiệm": good}), "B2", workbook({"Trách nhiệm": bad}), "responsibilities"
        ),
        Case(
            "responsibilities-appended-to-itself",
            ".xlsx",
            workbook({"Trách nhiệm": [*good, *good]}),
            "tiêu đề",
        ),
        Case(
            "responsibilities-1000-bad-rows",
            ".xlsx",
            workbook({"Trách nhiệm": [header, *([f"x{i}", "QN.STP", ""] for i in range(1_000))]}),
            "1000",
        ),
    ]


# -- evidence ---------------------------------------------------------------------------------------


@functools.cache
def evidence_cases() -> list[Case]:
    return [
        Case("evidence-empty", ".pdf", b"", "rỗng"),
        Case("evidence-png-named-pdf", ".pdf", b"\x89PNG\r\n\x1a\n" + bytes(64), "định dạng"),
        Case("evidence-exe", ".exe", b"MZ" + bytes(64), "chỉ nhận"),
        Case("evidence-over-20-mb", ".pdf", b"%PDF-1.4\n" + bytes(20 * 1024 * 1024), "20 MB"),
    ]


IMPORTERS = {
    "results": Importer("results", results_cases),
    "units": Importer("units", units_cases),
    "frameworks": Importer("frameworks", framework_cases),
    "indices": Importer("indices", index_cases),
    "xlsform": Importer("xlsform", form_cases),
    "responses": Importer("responses", response_cases),
    "responsibilities": Importer("responsibilities", responsibility_cases),
    "evidence": Importer("evidence", evidence_cases),
}
