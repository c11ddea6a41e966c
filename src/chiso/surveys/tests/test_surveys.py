"""XLSForm reading, Kobo/ODK response import, the SIPAS form and the `survey` command."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from chiso.cli.parser import add_survey as register
from chiso.surveys.responses import ResponseImportError, read_responses, write_csv
from chiso.surveys.sipas import sipas_form
from chiso.surveys.xlsform import FormError, read_xlsform

SCALE = [
    ("1", "Rất không hài lòng"),
    ("2", "Không hài lòng"),
    ("3", "Bình thường"),
    ("4", "Hài lòng"),
    ("5", "Rất hài lòng"),
]


def make_form(tmp_path: Path, *, extra_rows: Sequence[list[str]] = (), satisfied: str = "") -> Path:
    book = Workbook()
    survey = book.worksheets[0]
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            "label",
            "required",
            "chiso_factor",
            "chiso_satisfied",
            "chiso_role",
            "chiso_respondent_type",
        ]
    )
    rows = [
        ["text", "province", "Tỉnh", "yes", "", "", "unit", ""],
        ["select_one rtype", "kind", "Loại", "", "", "", "respondent_type", ""],
        ["decimal", "w", "Trọng số", "", "", "", "weight", ""],
        ["begin_group", "svc", "Dịch vụ", "", "", "", "", ""],
        ["select_one sat", "q1", "Biển hiệu rõ ràng", "yes", "F1", "", "", ""],
        ["select_one sat", "q2", "Chỗ ngồi đủ", "", "F1", satisfied, "", ""],
        ["select_one sat", "q3", "Thủ tục đúng quy định", "yes", "F2", "", "", "business"],
        ["end_group", "", "", "", "", "", "", ""],
        *extra_rows,
    ]
    for row in rows:
        survey.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for code, label in SCALE:
        choices.append(["sat", code, label])
    choices.append(["rtype", "citizen", "Người dân"])
    choices.append(["rtype", "business", "Doanh nghiệp"])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "chiso_respondent_types"])
    settings.append(["test", "Thử", "citizen business"])
    path = tmp_path / "form.xlsx"
    book.save(path)
    return path


def responses(rows: list[dict[str, str]], path: Path, style: str = "group") -> Path:
    if style == "plain":
        rows = [{k.split("/")[-1]: v for k, v in r.items()} for r in rows]
    write_csv(rows, path, separator=";" if style == "group" else ",")
    return path


BASE = [
    {
        "_uuid": "a",
        "province": "Hà Nội",
        "kind": "citizen",
        "w": "1.5",
        "svc/q1": "5",
        "svc/q2": "4",
        "svc/q3": "",
    },
    {
        "_uuid": "b",
        "province": "01",
        "kind": "business",
        "w": "2",
        "svc/q1": "2",
        "svc/q2": "",
        "svc/q3": "4",
    },
    {
        "_uuid": "c",
        "province": "TP. HCM",
        "kind": "citizen",
        "w": "1",
        "svc/q1": "4",
        "svc/q2": "3",
        "svc/q3": "",
    },
]


def test_xlsform_reads_questions_groups_factors_and_satisfied_rule(tmp_path):
    form = read_xlsform(make_form(tmp_path, satisfied="5"))
    q1 = form.question("q1")
    assert q1.header == "svc/q1" and q1.factor == "F1" and q1.required
    assert q1.satisfied == ("4", "5") and q1.satisfied_rule == "top2"
    assert form.question("q2").satisfied == ("5",)
    assert form.question("q3").respondent_types == ("business",)
    unit, weight = form.role("unit"), form.role("weight")
    assert unit is not None and unit.name == "province" and weight is not None and weight.name == "w"
    assert [i.code for i in form.items()] == ["q1", "q2", "q3"]
    assert form.items(["5"])[0].satisfied == ("5",)
    assert form.respondent_types == ("citizen", "business")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["select_one nolist", "q9", "x", "", "F1", "", "", ""]], "danh sách đáp án 'nolist'"),
        ([["select_one sat", "q1", "again", "", "", "", "", ""]], "tên 'q1' bị trùng"),
        ([["text", "t", "x", "", "F1", "", "", ""]], "nhưng không phải select_one"),
        ([["select_one sat", "q9", "x", "", "F1", "7", "", ""]], "đáp án 7 không có trong thang"),
        ([["begin_group", "open", "x", "", "", "", "", ""]], "không được đóng"),
        ([["text", "t", "x", "", "", "", "boss", ""]], "chiso_role 'boss' không hợp lệ"),
    ],
)
def test_bad_forms_name_the_row_and_problem(tmp_path, rows, message):
    with pytest.raises(FormError, match=message):
        read_xlsform(make_form(tmp_path, extra_rows=rows))


def test_not_a_workbook_is_a_form_error(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(FormError, match="Không đọc được tệp XLSForm"):
        read_xlsform(bad)


@pytest.mark.parametrize("style", ["group", "plain"])
def test_both_header_styles_and_units_by_code_or_name(tmp_path, style):
    form = read_xlsform(make_form(tmp_path))
    result = read_responses(responses(BASE, tmp_path / "r.csv", style), form)
    frame = result.frame
    assert frame["unit"].to_list() == ["01", "01", "79"]
    assert frame["unit_name"].to_list() == ["Hà Nội", "Hà Nội", "TP. Hồ Chí Minh"]
    assert frame["q1"].to_list() == ["5", "2", "4"]
    assert frame["weight"].to_list() == [1.5, 2.0, 1.0]
    assert frame["respondent_type"].to_list() == ["citizen", "business", "citizen"]
    assert result.report.valid_rows == 3 and not result.report.problems


def test_labels_are_read_as_codes_and_xlsx_exports_work(tmp_path):
    form = read_xlsform(make_form(tmp_path))
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(
        [
            "meta/instanceID",
            "Tỉnh",
            "Loại",
            "Trọng số",
            "Biển hiệu rõ ràng",
            "Chỗ ngồi đủ",
            "Thủ tục đúng quy định",
        ]
    )
    sheet.append(["uuid:1", "Đà Nẵng", "Người dân", 2, "rất hài lòng", "Bình thường", None])
    sheet.append(["uuid:2", "Huế", "Doanh nghiệp", 1, "Không hài lòng", None, 4])
    path = tmp_path / "labels.xlsx"
    book.save(path)
    frame = read_responses(path, form).frame
    assert frame["q1"].to_list() == ["5", "2"]
    assert frame["q2"].to_list() == ["3", None]
    assert frame["q3"].to_list() == [None, "4"]
    assert frame["respondent_type"].to_list() == ["citizen", "business"]
    assert frame["submission_id"].to_list() == ["uuid:1", "uuid:2"]


def bad_rows() -> list[dict[str, str]]:
    rows = [dict(r) for r in BASE]
    rows[0]["svc/q1"] = "7"  # out of scale, row 2
    rows[1]["province"] = "Atlantis"  # unknown unit, row 3
    rows[2]["svc/q1"] = ""  # missing required, row 4
    rows.append({**BASE[0], "_uuid": "d", "w": "-1"})  # bad weight, row 5
    rows.append({**BASE[1], "_uuid": "e", "svc/q3": ""})  # business must answer q3, row 6
    rows.append({**BASE[0], "_uuid": "f"})  # fine, row 7
    return rows


def test_bad_rows_fail_the_import_with_row_and_field(tmp_path):
    form = read_xlsform(make_form(tmp_path))
    with pytest.raises(ResponseImportError) as caught:
        read_responses(responses(bad_rows(), tmp_path / "r.csv"), form)
    assert caught.value.report is not None
    problems = {(p.row, p.field, p.kind) for p in caught.value.report.problems}
    assert problems == {
        (2, "svc/q1", "out_of_scale"),
        (3, "province", "unknown_unit"),
        (4, "svc/q1", "missing_required"),
        (5, "w", "bad_weight"),
        (6, "svc/q3", "missing_required"),
    }
    text = str(caught.value)
    assert "Dòng 2, trường 'svc/q1'" in text and "Không nhập: có dòng lỗi" in text


def test_import_valid_only_keeps_the_good_rows(tmp_path):
    form = read_xlsform(make_form(tmp_path))
    result = read_responses(responses(bad_rows(), tmp_path / "r.csv"), form, valid_only=True)
    assert result.frame["submission_id"].to_list() == ["f"]
    assert result.report.invalid_rows == 5 and result.report.valid_rows == 1


def test_duplicates_are_reported_and_never_counted_twice(tmp_path):
    form = read_xlsform(make_form(tmp_path))
    rows = [*BASE, dict(BASE[0]), {**BASE[2], "svc/q1": "1"}]
    result = read_responses(responses(rows, tmp_path / "r.csv"), form, known_ids=["b"])
    assert result.frame["submission_id"].to_list() == ["a", "c"]
    assert [(d.row, d.field) for d in result.report.duplicates] == [(3, "_uuid"), (5, "_uuid"), (6, "_uuid")]
    assert result.frame["q1"].to_list() == ["5", "4"]  # the first copy of "c" is kept


def test_files_without_ids_or_unreadable_fail(tmp_path):
    form = read_xlsform(make_form(tmp_path))
    rows = [{k: v for k, v in r.items() if k != "_uuid"} for r in BASE]
    with pytest.raises(ResponseImportError, match="Không có cột mã bài nộp"):
        read_responses(responses(rows, tmp_path / "r.csv"), form)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ResponseImportError, match="trống"):
        read_responses(empty, form)
    with pytest.raises(ResponseImportError, match="Không có tệp"):
        read_responses(tmp_path / "missing.csv", form)


def test_shipped_sipas_form_has_the_five_factors_and_policy_items():
    form = sipas_form()
    factors = {q.factor for q in form.indexed}
    assert {"F1", "F2", "F3", "F4", "F5", "P_A", "P_B", "P_C", "P_D"} == factors
    assert sum((q.factor or "").startswith("F") for q in form.indexed) == 16  # 3 + 4 + 3 + 3 + 3
    assert len(form.indexed) == 39
    assert all(q.satisfied == ("4", "5") for q in form.indexed)
    assert form.question("q9_24").label.startswith("Câu 9")
    assert {q.content for q in form.questions} >= {"perception", "expectation", "satisfaction", "background"}
    assert "1001/QĐ-BNV" in form.source and "sipas_questionnaire.csv" in form.source
    assert form.role("unit") and form.role("weight") and form.role("psu") and form.role("stratum")


def run(*argv: str) -> str:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_cli_estimate_json_on_files_alone(tmp_path):
    form = make_form(tmp_path)
    rows = []
    for i in range(40):
        rows.append(
            {
                "_uuid": str(i),
                "province": ["Hà Nội", "Huế"][i % 2],
                "kind": "citizen",
                "w": "1",
                "svc/q1": str(1 + i % 5),
                "svc/q2": "5",
                "svc/q3": "",
            }
        )
    data = json.loads(
        run(
            "survey",
            "estimate",
            "--form",
            str(form),
            "--responses",
            str(responses(rows, tmp_path / "r.csv")),
            "--format",
            "json",
        )
    )
    by_key = {(r["unit"], r["code"]): r for r in data["results"]}
    hanoi_f1 = by_key[("01", "F1")]
    # Hà Nội: i even → q1 in 1, 3, 5, 2, 4 …: satisfied q1 for 2 of 5; q2 always → scores ½ or 1.
    assert hanoi_f1["n"] == 20 and hanoi_f1["index"] == pytest.approx(0.7)
    assert hanoi_f1["ci_low"] < 0.7 < hanoi_f1["ci_high"] and hanoi_f1["small_n"] is True
    assert {"n", "index", "ci_low", "ci_high"} <= set(hanoi_f1)
    assert data["method"]["satisfied_rule"] == "top2 → 4 5"
    assert ("01", "F2") not in by_key  # nobody answered q3
    table = run(
        "survey", "estimate", "--form", str(form), "--responses", str(tmp_path / "r.csv"), "--satisfied", "5"
    )
    assert "answers 5 (given)" in table


def test_cli_plan_and_errors(tmp_path):
    assert run("survey", "plan", "--population", "1000").startswith("n = 286")
    with pytest.raises(SystemExit, match="Không nhập: có dòng lỗi"):
        run(
            "survey",
            "estimate",
            "--form",
            str(make_form(tmp_path)),
            "--responses",
            str(responses(bad_rows(), tmp_path / "r.csv")),
        )
