"""`chiso import-results`: good files load and rank; bad files are refused whole, row by row."""

import json

import openpyxl
import pytest

from chiso.cli.main import main
from chiso.results.models import ResultSet

pytestmark = pytest.mark.django_db

PAR_2023 = """STT;Tỉnh, thành phố;Chỉ số CCHC
1;Quảng Ninh;92,18
2;Hải Phòng;91,90
3;TP. HCM;88,10
4;Khánh Hoà;86,55
5;Thừa Thiên Huế;86,55
6;Ninh Thuận;79,80
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_with_names_and_decimal_commas_is_ranked(tmp_path, capsys):
    path = write(tmp_path, "par2023.csv", PAR_2023)
    code, out, err = run(
        capsys, "import-results", str(path), "--index", "PAR INDEX", "--year", "2023", "--publish"
    )
    assert code == 0, err
    assert "6 đơn vị" in out and "par-index-province-876-2022" in out
    code, out, _ = run(capsys, "ranking", "par_index", "2023", "--format", "json")
    ranking = json.loads(out)
    rows = {row["name"]: row for row in ranking["rows"]}
    assert rows["Quảng Ninh"]["rank"] == 1
    assert rows["Khánh Hòa"]["rank"] == rows["Thừa Thiên Huế"]["rank"] == 4
    assert rows["Ninh Thuận"]["rank"] == 6
    assert rows["Quảng Ninh"]["group"] == "A" or rows["Quảng Ninh"]["group"].startswith("Nhóm A")
    assert ranking["of"] == 63 and len(ranking["unranked"]) == 57
    code, out, _ = run(capsys, "profile", "par_index", "2023", "Ninh Thuận")
    assert "79,80/100" in out and "6/63" in out


def test_xlsx_with_codes_and_fields(tmp_path, capsys):
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["Kết quả PAR INDEX 2019"])
    sheet.append(["Mã", "Tên", "1", "3", "Tổng điểm"])
    sheet.append(["22", "Quảng Ninh", 7, 13.5, 90.12])
    sheet.append(["04", "Cao Bằng", 6.5, 12, 81.07])
    path = tmp_path / "par2019.xlsx"
    workbook.save(path)
    code, out, err = run(
        capsys, "import-results", str(path), "--index", "par_index", "--year", "2019", "--publish"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "profile", "par_index", "2019", "Cao Bằng", "--format", "json")
    profile = json.loads(out)
    assert (profile["score"], profile["rank"]) == (81.07, 2)
    field_3 = next(c for c in profile["components"] if c["code"] == "3")
    assert field_3["score"] == 12


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Tỉnh;Điểm\nQuảng Nimh;80\n", "Dòng 2: Không tìm thấy đơn vị 'Quảng Nimh'"),
        ("Tỉnh;Điểm\nQuảng Nimh;80\n", "Quảng Ninh"),
        ("Tỉnh;Điểm\nCao Bằng;8o,5\n", "Dòng 2, cột 'Điểm': '8o,5' không phải số"),
        ("Tỉnh;Điểm\nCao Bằng;105\n", "Dòng 2, cột 'Điểm': 105 ngoài khoảng 0–100"),
        ("Tỉnh;Điểm\nCao Bằng;80\nCao Bằng;81\n", "Dòng 3: Cao Bằng đã có ở dòng 2"),
        ("Tỉnh;Điểm;Lĩnh vực lạ\nCao Bằng;80;1\n", "Dòng 1, cột 'Lĩnh vực lạ': không phải tiêu chí"),
        ("Điểm;Ghi chú\n80;x\n", "không tìm thấy dòng tiêu đề"),
        ("Tỉnh;Điểm\n;80\n", "Dòng 2: thiếu mã hoặc tên đơn vị"),
    ],
)
def test_bad_files_are_refused_with_row_and_column(tmp_path, capsys, content, expected):
    path = write(tmp_path, "bad.csv", content)
    code, _out, err = run(capsys, "import-results", str(path), "--index", "par_index", "--year", "2022")
    assert code == 1
    assert expected.lower() in err.lower()
    assert "không ghi gì" in err
    assert not ResultSet.objects.filter(index__code="par_index", year=2022).exists()


def test_one_bad_row_means_nothing_is_written(tmp_path, capsys):
    path = write(tmp_path, "mixed.csv", PAR_2023 + "7;Không Có Tỉnh Này;80\n")
    code, _, err = run(capsys, "import-results", str(path), "--index", "par_index", "--year", "2023")
    assert code == 1 and "Dòng 8" in err
    assert not ResultSet.objects.filter(index__code="par_index", year=2023).exists()


def test_not_utf8_is_explained(tmp_path, capsys):
    """Windows-1258 text ("Cao B\xe3ng" is "Cao Băng") is refused naming the line, never guessed."""
    path = tmp_path / "cp1258.csv"
    path.write_bytes(b"Tinh;Diem\nCao B\xe3ng;80\n")
    code, _, err = run(capsys, "import-results", str(path), "--index", "par_index", "--year", "2022")
    assert code == 1 and "UTF-8" in err and "dòng 2" in err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_unicode_text_with_a_bom_is_read(tmp_path, capsys, encoding):
    """Excel's "Unicode text" is UTF-16 with a BOM; UTF-8 with a BOM is Excel's "CSV UTF-8"."""
    path = write(tmp_path, "unicode.csv", "Tỉnh\tĐiểm\r\nCao Bằng\t80\r\n", encoding=encoding)
    code, out, err = run(
        capsys, "import-results", str(path), "--index", "par_index", "--year", "2022", "--dry-run"
    )
    assert code == 0, err
    assert "1 đơn vị" in out


def test_existing_results_need_replace(tmp_path, capsys):
    path = write(tmp_path, "papi.csv", "Tỉnh;Tổng\nCao Bằng;40\n")
    code, _, err = run(capsys, "import-results", str(path), "--index", "papi", "--year", "2021")
    assert code == 1 and "--replace" in err
    code, _, err = run(capsys, "import-results", str(path), "--index", "papi", "--year", "2021", "--replace")
    assert code == 0, err
    code, out, _ = run(capsys, "ranking", "papi", "2021", "--format", "json")
    assert json.loads(out)["ranked"] > 1  # the replacement is a draft: the published table stands
    code, out, _ = run(capsys, "ranking", "papi", "2021", "--format", "json", "--draft")
    assert json.loads(out)["ranked"] == 1


def test_dry_run_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "par2023.csv", PAR_2023)
    code, out, _ = run(
        capsys, "import-results", str(path), "--index", "par_index", "--year", "2023", "--dry-run"
    )
    assert code == 0 and "chưa ghi" in out
    assert not ResultSet.objects.filter(index__code="par_index", year=2023).exists()


def test_unknown_index_lists_the_known_ones(tmp_path, capsys):
    path = write(tmp_path, "x.csv", PAR_2023)
    code, _, err = run(capsys, "import-results", str(path), "--index", "no-such-index", "--year", "2023")
    assert code == 1 and "papi" in err and "par_index" in err
