"""`chiso import-results` and its service on files that used to crash or half-write (issue 10):
CR-only line endings, a 128 KB cell, a value or rank the column cannot hold, a formula Excel never
computed, a million bad rows."""

from __future__ import annotations

import io

import openpyxl
import pytest

from chiso.cli.main import main
from chiso.results.models import Dataset, NodeValue, ResultSet

pytestmark = pytest.mark.django_db

# An index whose total has no published maximum: only the column bounds a value.
OPEN_INDEX = {"code": "open", "short_name": "OPEN", "name_vi": "Chỉ số mở", "unit_levels": ["province"]}
OPEN_FRAMEWORK = {
    "code": "open-2024",
    "index": "open",
    "name_vi": "Khung mở",
    "years": {"first": 2024, "last": None},
    "root": {"code": "total", "name_vi": "Tổng điểm", "max_points": "unknown"},
}


@pytest.fixture
def open_index(db):
    from chiso.engine.frameworks import framework_from_dict
    from chiso.frameworks.indices import clean_index, save_index
    from chiso.frameworks.services import save_framework

    save_index(clean_index(OPEN_INDEX, "open")[0])
    save_framework(framework_from_dict(OPEN_FRAMEWORK))


def run(capsys, path, *extra):
    code = main(["import-results", str(path), "--year", "2024", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def counts():
    return Dataset.objects.count(), ResultSet.objects.count(), NodeValue.objects.count()


def test_cr_only_line_endings_are_lines(tmp_path, capsys):
    path = tmp_path / "mac.csv"
    path.write_bytes(
        b"T\xe1\xbb\x89nh;\xc4\x90i\xe1\xbb\x83m\rCao B\xe1\xba\xb1ng;80\rH\xc3\xa0 N\xe1\xbb\x99i;70\r"
    )
    code, out, err = run(capsys, path, "--index", "par_index", "--dry-run")
    assert code == 0, err
    assert "2 đơn vị" in out


def test_a_128_kb_cell_is_refused_naming_the_row(tmp_path, capsys):
    path = tmp_path / "long.csv"
    path.write_text("Tỉnh;Điểm;Ghi chú\nCao Bằng;80;" + "x" * 128 * 1024 + "\n", encoding="utf-8")
    before = counts()
    code, _out, err = run(capsys, path, "--index", "par_index")
    assert code == 1 and "dòng 2" in err and "32767" in err and "Traceback" not in err
    assert counts() == before


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("Tỉnh;Tổng điểm\nCao Bằng;1000000\n", "Dòng 2, cột 'Tổng điểm': 1000000 quá lớn"),
        ("Tỉnh;Tổng điểm\nCao Bằng;" + "9" * 40 + "\n", "Dòng 2, cột 'Tổng điểm'"),
        (
            "Tỉnh;Tổng điểm;Xếp hạng\nCao Bằng;80;40000\n",
            "Dòng 2, cột 'Xếp hạng': 40000 ngoài khoảng 0–32767",
        ),
        ("Tỉnh;Tổng điểm;Xếp hạng\nCao Bằng;80;-3\n", "Dòng 2, cột 'Xếp hạng': -3 ngoài khoảng"),
        (
            "Tỉnh;Tổng điểm;Nhóm\nCao Bằng;80;" + "A" * 101 + "\n",
            "Dòng 2, cột 'Nhóm': dài 101 ký tự, tối đa 100",
        ),
        ("Tỉnh;Tổng điểm\nTrung bình cả nước;2000000\nCao Bằng;80\n", "Dòng 2, cột 'Tổng điểm'"),
    ],
)
def test_values_the_columns_cannot_hold_are_refused_on_every_database(
    open_index, tmp_path, capsys, table, expected
):
    """On PostgreSQL these were a numeric overflow or an out-of-range smallint: a bare 500."""
    path = tmp_path / "t.csv"
    path.write_text(table, encoding="utf-8")
    before = counts()
    code, _out, err = run(capsys, path, "--index", "open", "--framework", "open-2024")
    assert code == 1, err
    assert expected in err and "không ghi gì" in err
    assert counts() == before


def test_long_credits_are_refused(open_index, tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("Tỉnh;Tổng điểm\nCao Bằng;80\n", encoding="utf-8")
    code, _out, err = run(
        capsys, path, "--index", "open", "--framework", "open-2024", "--publisher", "B" * 201
    )
    assert code == 1 and "cơ quan công bố: dài 201 ký tự, tối đa 200" in err


def test_a_formula_without_a_value_is_refused_naming_the_cell(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.worksheets[0].append(["Tỉnh", "Điểm"])
    book.worksheets[0].append(["Cao Bằng", "=80+0"])  # saved by a program that computes nothing
    path = tmp_path / "formula.xlsx"
    book.save(path)
    code, _out, err = run(capsys, path, "--index", "par_index")
    assert code == 1 and "ô B2: công thức chưa có giá trị" in err


def test_a_file_of_many_bad_rows_prints_a_bounded_report(tmp_path, capsys):
    path = tmp_path / "many.csv"
    path.write_bytes(("Tỉnh;Điểm\n" + "".join(f"Tỉnh số {i};80\n" for i in range(5000))).encode())
    code, _out, err = run(capsys, path, "--index", "par_index")
    assert code == 1
    # log lines and the progress bar's steps aside
    lines = [
        line for line in err.strip().splitlines() if not line.startswith(('{"time"', "Nhập bảng kết quả  ["))
    ]
    assert len(lines) <= 52 and "5000 lỗi" in lines[0] and "4950" in lines[-1]


def test_the_web_page_shows_at_most_the_capped_list(client, tmp_path):
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.core.uploads import MAX_ERRORS
    from chiso.frameworks.models import Index

    officer = User.objects.create_user("sonoivu", "s@example.vn", "pw")
    Membership.objects.create(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    data = io.BytesIO(("Tỉnh;Điểm\n" + "".join(f"Tỉnh số {i};80\n" for i in range(1000))).encode())
    data.name = "many.csv"
    response = client.post(
        "/dieu-hanh/bang-ket-qua/",
        {
            "index": Index.objects.get(code="par_index").pk,
            "year": 2022,
            "publisher": "Bộ Nội vụ",
            "document": "Quyết định",
            "file": data,
        },
    )
    assert response.status_code == 422
    assert len(response.context["problems"]) == MAX_ERRORS + 1
