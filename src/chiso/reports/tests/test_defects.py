"""The defects an officer found reading the Word report (issue 12): each test fails on the report
as it was before the fix."""

import re
from decimal import Decimal

import matplotlib
import pytest
from docx import Document

from chiso.engine.compare import quarter
from chiso.reports import charts
from chiso.reports.charts import TrendPoint
from chiso.reports.word import write_docx

# English words that have no business in a Vietnamese report (names such as "UNDP" are not here).
ENGLISH = re.compile(
    r"\b(the|and|of|as|in|published|figures|transcribed|verbatim|structure|reports?|summarised|"
    r"sources?|methodology|framework|dimensions?|total)\b"
)
RAW_CODES = re.compile(r"\b(papi-\d{4}|pci-\d{4}|d\d(\.\d+)?|total|entry_costs|[a-z]+_[a-z_]+)\b")


def all_text(path) -> str:
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def nt_text(nt2021, tmp_path_factory):
    return all_text(write_docx(nt2021, tmp_path_factory.mktemp("nt") / "nt.docx"))


@pytest.fixture(scope="module")
def cb_report(built):
    return built("papi", 2021, "Cao Bằng")


def test_no_english_sentence_in_the_vietnamese_report(nt_text, cb_report, tmp_path):
    for text in (nt_text, all_text(write_docx(cb_report, tmp_path / "cb.docx"))):
        assert not ENGLISH.findall(text.replace("CECODES, RTA & UNDP", "")), ENGLISH.findall(text)
        assert "docs/" not in text


def test_no_raw_framework_code(nt_text, built, tmp_path):
    assert not RAW_CODES.findall(nt_text), RAW_CODES.findall(nt_text)
    pci = all_text(write_docx(built("pci", 2016, "Quảng Ninh"), tmp_path / "pci.docx"))
    assert not RAW_CODES.findall(pci), RAW_CODES.findall(pci)


def test_a_rank_is_high_only_in_the_top_quarter(nt2021, cb_report):
    for report in (nt2021, cb_report):
        text = report.paragraphs["strengths"]
        assert "thứ hạng cao" not in text and "một phần tư đầu bảng" in text
        for rank in re.findall(r"xếp thứ (\d+)/63", text):
            assert int(rank) <= quarter(63)
        for component in report.profile.components:
            named = f"{component.name_vi} (" in text
            assert named == (component.rank is not None and component.rank <= quarter(63))


def test_title_keeps_the_unit_name_whole(nt2021):
    assert "TỈNH\u00a0NINH\u00a0THUẬN" in nt2021.title
    assert "NINH THUẬN" not in nt2021.title  # no breakable space inside the name


def test_a_merged_province_is_reported_by_its_successor(nt2021, nt_text):
    """Ninh Thuận merged into Khánh Hòa on 01/07/2025: a report written after that about its 2021
    results is issued by Khánh Hòa's authority and names Ninh Thuận "(cũ)"."""
    assert nt2021.issuer_unit.name == "Khánh Hòa" and nt2021.issuer_unit.code != nt2021.unit.code
    assert "UBND TỈNH KHÁNH HÒA" in nt_text and "Khánh Hòa, ngày" in nt_text
    assert "UBND TỈNH NINH THUẬN" not in nt_text and "Ninh Thuận, ngày" not in nt_text
    assert "TỈNH\u00a0NINH\u00a0THUẬN\u00a0(CŨ)" in nt_text


def test_a_province_that_still_exists_issues_its_own_report(built):
    report = built("papi", 2021, "Cao Bằng")
    assert report.issuer_unit is report.unit and "(CŨ)" not in report.title


def _svg_texts(path) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text())


@pytest.fixture
def svg_text():
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text kept as text in the SVG
        yield


def test_chart_axes_use_comma_decimals(svg_text, tmp_path):
    """Axis ticks such as 47.5 are written "47,5", like the labels (format_number)."""
    points = [
        TrendPoint(2019, Decimal("43.26"), Decimal(80), 37, 63, "papi-2018"),
        TrendPoint(2020, Decimal("40.75"), Decimal(80), 58, 63, "papi-2018"),
        TrendPoint(2021, Decimal("47.83"), Decimal(80), 14, 63, "papi-2018"),
    ]
    trend = charts.trend_chart(points, "Ninh Thuận", "PAPI", tmp_path / "t.svg")
    bars = charts.components_chart(
        ["1. A", "2. B"],
        [Decimal("0.43"), Decimal("0.61")],
        [Decimal("0.5"), Decimal("0.55")],
        [Decimal("0.7"), Decimal("0.72")],
        "Ninh Thuận",
        "PAPI",
        tmp_path / "c.svg",
    )
    ranking = charts.ranking_chart(
        ["A", "B", "C"],
        [Decimal("43.5"), Decimal("42.25"), Decimal("41.75")],
        "B",
        None,
        "PAPI",
        tmp_path / "r.svg",
    )
    for path in (trend, bars, ranking):
        texts = _svg_texts(path)
        assert texts
        dotted = [t for t in texts if re.search(r"\d\.\d", t)]
        assert not dotted, (path.name, dotted)
    assert any("," in t for t in _svg_texts(trend))
