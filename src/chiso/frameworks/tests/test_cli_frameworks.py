import json

import pytest

from chiso.cli.main import main

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_every_builtin_framework(capsys):
    code, out, _ = run(capsys, "frameworks", "list")
    assert code == 0
    for framework in ("papi-2018", "papi-2011", "pci-2012", "par-index-province-876-2022", "sipas-2023"):
        assert framework in out


def test_show_marks_unknown_maxima(capsys):
    code, out, _ = run(capsys, "frameworks", "show", "par-index-province-876-2022")
    assert code == 0 and "chưa rõ" in out and "876/QĐ-BNV" in out


def test_show_json_round_trips(capsys):
    _, out, _ = run(capsys, "frameworks", "show", "papi-2018", "--format", "json")
    data = json.loads(out)
    assert data["root"]["max_points"] == "80"
    assert [child["code"] for child in data["root"]["children"]] == [f"d{i}" for i in range(1, 9)]


def test_export_then_validate_the_excel_file(tmp_path, capsys):
    target = tmp_path / "papi.xlsx"
    code, _, err = run(capsys, "frameworks", "export", "papi-2018", "-o", str(target))
    assert code == 0, err
    code, out, _ = run(capsys, "frameworks", "validate", str(target))
    assert code == 0 and "0 lỗi" in out


def test_validate_reports_errors_and_fails(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "code: bad\nindex: demo\nname_vi: Sai\nroot:\n  code: t\n  name_vi: Tổng\n  max_points: 10\n"
        "  children:\n  - {code: a, name_vi: A, max_points: 4}\n  - {code: a, name_vi: B, max_points: 4}\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "frameworks", "validate", str(path))
    assert code == 1
    assert "LỖI" in err and "a" in err


def test_unknown_framework(capsys):
    code, _, err = run(capsys, "frameworks", "show", "nope")
    assert code == 1 and "papi-2018" in err


def test_import_a_framework_written_in_excel_then_use_it(tmp_path, capsys):
    import openpyxl

    target = tmp_path / "par.xlsx"
    assert run(capsys, "frameworks", "export", "par-index-province-1150-2019", "-o", str(target))[0] == 0
    workbook = openpyxl.load_workbook(target)
    info = workbook["Thông tin"]
    for row in info.iter_rows():
        if row[0].value == "code":
            row[1].value = "par-index-province-1150-2019-copy"
    workbook.save(target)
    code, out, err = run(capsys, "frameworks", "import", str(target))
    assert code == 0, err
    assert "par-index-province-1150-2019-copy" in out
    code, _, err = run(capsys, "frameworks", "import", str(target))
    assert code == 1 and "--replace" in err
    code, out, _ = run(capsys, "frameworks", "show", "par-index-province-1150-2019-copy")
    assert code == 0 and "1150/QĐ-BNV" in out
