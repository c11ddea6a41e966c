"""The conference report of a district whose index tables the user imported (seed 004: Bình Liêu,
Quảng Ninh, on four district-level indices): the district's peers, its own letterhead, no empty
section for indices published as totals only, no crash on a year without results."""

import pytest
from docx import Document

from chiso.cli.main import main
from chiso.reports.tests.test_conference import styled
from chiso.reports.tests.test_defects import RAW_CODES, all_text
from chiso.results.tests.test_district_words import TABLES, quang_ninh  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PEERS = "huyện, thị xã, thành phố"


def report(capsys, tmp_path, year: str, *extra: str):
    output = tmp_path / f"binh-lieu-{year}.docx"
    code = main(["report", "Bình Liêu", year, "-o", str(output), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return output, captured.out


def test_binh_lieu_2022_on_four_imported_indices(capsys, tmp_path, quang_ninh):  # noqa: F811
    output, out = report(capsys, tmp_path, "2022", "--xlsx", str(tmp_path / "bl.xlsx"))
    assert "Trong 04 chỉ số thì có 03 chỉ số tụt hạng, 01 chỉ số tăng hạng" in out
    document = Document(str(output))
    text = all_text(output).replace("\u00a0", " ")
    assert "BÁO CÁO PHÂN TÍCH KẾT QUẢ CÁC CHỈ SỐ NĂM 2022 CỦA HUYỆN BÌNH LIÊU" in text
    # The district's own letterhead and the place name without its kind.
    letterhead = document.tables[0].rows[0].cells
    assert letterhead[0].text.split("\n")[:3] == ["UBND HUYỆN BÌNH LIÊU", "PHÒNG NỘI VỤ", "Số:       /BC-PNV"]
    assert "Bình Liêu, ngày" in letterhead[1].text and "Huyện Bình Liêu, ngày" not in letterhead[1].text
    # One chapter per index; no chapter of weak criteria (the tables hold totals only).
    assert styled(document, "Heading 1") == [
        "I. TỔNG QUAN",
        "II. CHỈ SỐ DGI",
        "III. CHỈ SỐ CQĐT",
        "IV. CHỈ SỐ PAR INDEX",
        "V. CHỈ SỐ SIPAS",
        "VI. DỰ THẢO KẾT LUẬN: NHIỆM VỤ, GIẢI PHÁP NĂM 2023",
        "NGUỒN SỐ LIỆU",
    ]
    # Each chapter says only what the tables allow: results, trend, target, numbered 1–3.
    assert (
        styled(document, "Heading 2") == ["1. Kết quả", "2. Xu hướng qua các năm", "3. Mục tiêu thứ hạng"] * 4
    )
    # The ranks among the district's 13 peers, with their noun; SIPAS in percent.
    overview = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert overview[1:] == [
        ["DGI", "73,18/80", "7/13", "+0,75", "+1", "–"],
        ["CQĐT", "165,02/220", "13/13", "+35,34", "-2", "–"],
        ["PAR INDEX", "80,98/100", "13/13", "-8,37", "-4", "–"],
        ["SIPAS", "94,01 %", "12/13", "-2,30 %", "-10", "–"],
    ]
    for sentence in (
        f"xếp vị thứ 7/13 {PEERS}; tăng 0,75 điểm và tăng 1 bậc so với năm 2021",
        f"đạt 94,01 %, xếp vị thứ 12/13 {PEERS}; giảm 2,30 % và giảm 10 bậc so với năm 2021",
        "Điểm tổng hợp thấp hơn trung bình của tỉnh (73,60 điểm) 0,42 điểm.",
        "Hình 1. Xếp hạng Chỉ số DGI năm 2022 (Bình Liêu tô đỏ)",
        "96,31 %, hạng 2/13",  # SIPAS last year, in percent
        # The rank target on a total-only framework: the points needed, not a false "out of reach".
        "huyện Bình Liêu cần tối thiểu 75,14 điểm, tức tăng ít nhất 1,96 điểm so với 73,18",
        "Phấn đấu năm 2023 Chỉ số CQĐT đạt hạng 10/13 (năm 2022: 13/13).",
        "báo cáo tiến độ định kỳ hằng quý về Phòng Nội vụ; Phòng Nội vụ tổng hợp",
    ):
        assert sentence in text, sentence
    for wrong in (
        "cả nước",
        "Không đạt được trong giới hạn",
        "Giữ vững thứ hạng Chỉ số CQĐT",
        "Sở Nội vụ",
        "Nhóm\n–",  # no "Nhóm: –" row for an index without groups
        "Điểm tối đa\n100\nXếp hạng\n12/13",  # SIPAS (a percentage) has no maximum row
        "{{",
    ):
        assert wrong not in text, wrong
    assert not RAW_CODES.findall(text), RAW_CODES.findall(text)
    assert (tmp_path / "bl.xlsx").exists()


def test_a_year_missing_from_the_trend_and_a_first_year(capsys, tmp_path, quang_ninh):  # noqa: F811
    """CQĐT published for 2021, 2022 and 2024 (2023 missing): the 2024 report says so and compares
    with nothing; the 2021 report (every index's first year) has no change to tell."""
    table = str(TABLES / "egov-2022.csv")
    command = ["import-results", table, "--index", "egov", "--year", "2024", "--source", "Synthetic table"]
    assert main([*command, "--publish"]) == 0
    capsys.readouterr()
    output, out = report(capsys, tmp_path, "2024")
    text = all_text(output).replace("\u00a0", " ")
    assert "Trong 01 chỉ số, chưa có chỉ số nào so sánh được với năm trước." in out
    assert "Biểu đồ xu hướng gồm 3 năm có kết quả (2021–2024); không có số liệu năm 2023." in text
    assert "Không có kết quả năm 2023 để so sánh." in text
    assert f"xếp vị thứ 13/13 {PEERS}." in text
    output, out = report(capsys, tmp_path, "2021")
    assert "Trong 04 chỉ số, chưa có chỉ số nào so sánh được với năm trước." in out
    headings = styled(Document(str(output)), "Heading 2")
    assert headings == ["1. Kết quả", "2. Mục tiêu thứ hạng"] * 4  # one year is no trend
