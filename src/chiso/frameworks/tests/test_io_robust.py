"""Framework and index files that used to crash or be read wrongly (issue 10): YAML nested 300 deep
(RecursionError, a bare 500), keys written twice (the last one silently won), a tree too deep, JSON
rule parameters nested 100,000 deep, values the columns cannot hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.accounts.models import Membership, Role
from chiso.cli.main import main
from chiso.engine.frameworks import FrameworkError
from chiso.frameworks.indices import IndexDataError, import_indices
from chiso.frameworks.io import COLUMNS, framework_to_xlsx, load_framework_yaml
from chiso.frameworks.models import Framework, Index

GOOD = """code: robust-2024
index: par_index
name_vi: Khung thử
years: {first: 2024, last: null}
root:
  code: total
  name_vi: Tổng
  max_points: 100
"""
NESTED = "a: " + "[" * 300 + "]" * 300 + "\n"


def test_yaml_nested_300_deep_is_refused():
    with pytest.raises(FrameworkError, match="lồng nhau quá 64 cấp"):
        load_framework_yaml(NESTED)


def test_a_key_written_twice_is_refused():
    with pytest.raises(FrameworkError, match="dòng 9: khóa 'max_points' lặp lại \\(đã có ở dòng 8\\)"):
        load_framework_yaml(GOOD + "  max_points: 10\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("first: 2024", "first: 99999"), "first_year: 99999 ngoài khoảng 0–32767"),
        (("first: 2024", "first: abc"), "first_year: 'abc' không phải năm"),
        (("name_vi: Khung thử", "name_vi: " + "K" * 301), "name_vi: dài 301 ký tự, tối đa 300"),
        (("code: robust-2024", "code: " + "c" * 81), "code: dài 81 ký tự, tối đa 80"),
    ],
)
def test_values_the_columns_cannot_hold_are_refused(change, expected):
    with pytest.raises(FrameworkError, match=expected):
        load_framework_yaml(GOOD.replace(*change))


def _xlsx(tmp_path: Path, rows: list[dict]) -> Path:
    from openpyxl import load_workbook

    path = tmp_path / "k.xlsx"
    framework_to_xlsx(load_framework_yaml(GOOD), path)
    book = load_workbook(path)
    sheet = book["Khung"]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
    book.save(path)
    return path


def test_a_tree_deeper_than_twenty_levels_is_refused_naming_the_row(tmp_path):
    from chiso.frameworks.io import framework_from_xlsx

    rows = [{"code": "n0", "name_vi": "Gốc", "max_points": "unknown"}]
    rows += [
        {"code": f"n{i}", "parent_code": f"n{i - 1}", "name_vi": f"C{i}", "max_points": "unknown"}
        for i in range(1, 1000)
    ]
    with pytest.raises(FrameworkError, match="Dòng 22, cột parent_code: cây tiêu chí sâu quá 20 cấp"):
        framework_from_xlsx(_xlsx(tmp_path, rows))


@pytest.mark.parametrize(
    ("params", "expected"),
    [("[" * 100_000, "lồng nhau quá sâu"), ('{"a": "\\u0000"}', "có ký tự điều khiển U\\+0000")],
)
def test_rule_parameters_that_cannot_be_stored_are_refused(tmp_path, params, expected):
    from chiso.frameworks.io import framework_from_xlsx

    rows = [
        {"code": "total", "name_vi": "Tổng", "max_points": 1},
        {
            "code": "1",
            "parent_code": "total",
            "name_vi": "A",
            "max_points": 1,
            "rule_type": "scale",
            "rule_params": params,
        },
    ]
    with pytest.raises(FrameworkError, match=f"Dòng 3, cột rule_params: JSON không hợp lệ \\({expected}"):
        framework_from_xlsx(_xlsx(tmp_path, rows))


@pytest.mark.django_db
def test_the_upload_page_refuses_them_without_a_500(client):
    officer = User.objects.create_user("sonoivu", "s@example.vn", "pw")
    Membership.objects.create(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    before = Framework.objects.count()
    for text in (NESTED, GOOD + "  max_points: 10\n", "a: &a [*a]\n"):
        response = client.post("/dieu-hanh/khung/", {"file": SimpleUploadedFile("k.yaml", text.encode())})
        assert response.status_code == 422 and response.context["problems"]
    assert Framework.objects.count() == before


@pytest.mark.django_db
def test_index_files_refuse_duplicates_depth_and_overflow():
    good = "- code: robust\n  name_vi: Chỉ số thử\n  unit_levels: [province]\n  max_points: 100\n"
    before = Index.objects.count()
    with pytest.raises(IndexDataError, match="dòng 5: khóa 'code' lặp lại"):
        import_indices(good + "  code: other\n")
    with pytest.raises(IndexDataError, match="lồng nhau"):
        import_indices(NESTED)
    with pytest.raises(IndexDataError, match="max_points: 10000000 quá lớn"):
        import_indices(good.replace("100", "10000000"))
    with pytest.raises(IndexDataError, match="name_vi: dài 201 ký tự, tối đa 200"):
        import_indices(good.replace("Chỉ số thử", "C" * 201))
    assert Index.objects.count() == before


@pytest.mark.django_db
def test_the_index_command_refuses_text_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "indices.yaml"
    path.write_bytes(b"- code: robust\n  name_vi: Ch\xec s\xf4\n")
    assert main(["indices", "import", str(path)]) == 1
    assert "UTF-8" in capsys.readouterr().err
