"""The conference report in English has no Vietnamese sentence left in it (captions, titles, table
headers, notes, the letterhead, the draft conclusions, the workbook), and the Vietnamese one has no
English: the report modules build every visible text through the catalogue (issue 12)."""

import re

import pytest
from docx import Document
from openpyxl import load_workbook

from chiso.cli.main import main
from chiso.reports.tests.test_defects import ENGLISH, all_text

# Letters only Vietnamese writes: a text in English with one of them is Vietnamese (or a name).
VIETNAMESE = re.compile(
    r"[ăâđêôơưạảãàáấầẩẫậắằẳẵặèéẻẽẹếềểễệìíỉĩịòóỏõọốồổỗộớờởỡợùúủũụứừửữựỳýỷỹỵ]", re.IGNORECASE
)
# Vietnamese words without a diacritic that a careless English report would still carry (not
# "Bang", "Hinh": they are in names such as Cao Bang).
VIETNAMESE_WORDS = re.compile(r"\b(Chi so|nam|tinh|huyen|diem|hang|UBND|TB)\b")


def vietnamese_lines(text: str, names: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The lines of `text` that still read Vietnamese once the proper names in `names` are removed."""
    found = []
    for line in text.splitlines():
        for name in sorted(names, key=len, reverse=True):
            line = line.replace(name, "")
        if VIETNAMESE.search(line) or VIETNAMESE_WORDS.search(line):
            found.append(line)
    return found


def workbook_text(path) -> str:
    book = load_workbook(path)
    lines = list(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            lines += [value for value in row if isinstance(value, str)]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def english(django_db_setup, django_db_blocker, tmp_path_factory):
    """`chiso report "Quảng Ninh" 2024 --language en` and the same for 2016 (PAPI and PCI), Word
    and Excel."""
    folder = tmp_path_factory.mktemp("en")
    made = {}
    with django_db_blocker.unblock():
        for year in (2024, 2016):
            docx, xlsx = folder / f"qn{year}.docx", folder / f"qn{year}.xlsx"
            command = ["report", "Quảng Ninh", str(year), "-o", str(docx), "--xlsx", str(xlsx)]
            assert main([*command, "--language", "en"]) == 0
            made[year] = (docx, xlsx)
    return made


def test_the_english_report_has_no_vietnamese_sentence(english):
    for docx, xlsx in english.values():
        text = all_text(docx)
        assert not vietnamese_lines(text), vietnamese_lines(text)
        assert not vietnamese_lines(workbook_text(xlsx)), vietnamese_lines(workbook_text(xlsx))


def test_the_english_report_reads_english(english):
    document = Document(str(english[2024][0]))
    letterhead = document.tables[0].rows[0].cells
    assert letterhead[0].text.split("\n")[:3] == [
        "PEOPLE'S COMMITTEE OF QUANG NINH PROVINCE",
        "DEPARTMENT OF HOME AFFAIRS",
        "No.:       /BC-SNV",
    ]
    assert "SOCIALIST REPUBLIC OF VIET NAM" in letterhead[1].text
    text = all_text(english[2024][0]).replace("\u00a0", " ")
    for expected in (
        "ANALYSIS OF THE 2024 INDEX RESULTS OF QUANG NINH PROVINCE",
        "Table 2. Overall results",
        "Figure 1. PAPI 2024 ranking (Quang Ninh in red)",
        "Table 4. Results by criterion (sub-dimension)",
        "Rank in Red River Delta",
        "Water quality",  # a criterion by its English name
        "Keep the PAPI rank (2024: 1/63). Focus on: E-governance; Environmental governance.",
        "Index framework: Provincial Governance and Public Administration Performance Index",
    ):
        assert expected in text, expected
    # Figures in English notation in the tables too: "47.82", never "47,82".
    assert "47.82/80" in text and "47,82" not in text


@pytest.mark.django_db
def test_the_vietnamese_report_stays_vietnamese(tmp_path):
    output = tmp_path / "qn.docx"
    assert main(["report", "Quảng Ninh", "2024", "-o", str(output)]) == 0
    text = all_text(output).replace("\u00a0", " ")
    assert not ENGLISH.findall(text.replace("CECODES, RTA & UNDP", "")), ENGLISH.findall(text)
    for expected in (
        "UBND TỈNH QUẢNG NINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Bảng 2. Kết quả tổng hợp",
        "Hình 1. Xếp hạng Chỉ số PAPI năm 2024 (Quảng Ninh tô đỏ)",
        "Hạng trong Đồng bằng sông Hồng",
        "Chất lượng nước",
        "Quảng Ninh, ngày",
        "TB cả nước",
    ):
        assert expected in text, expected
    assert "47,82" in text and "47.82" not in text
