"""The default Word template of the conference report, generated so that it can be rebuilt.

    python -m chiso.reports.template [OUTPUT.docx]

writes src/chiso/reports/templates/bao-cao-chi-so.docx (or OUTPUT). Users open the file in Word
or LibreOffice, change wording, order, styles or the letterhead, and pass it back with
`chiso report … --template FILE`. The text between {{ }} and {% %} is filled in by docxtpl (Jinja):
see `chiso.reports.word.context` for every name available.

Presentation follows Decree 30/2020/NĐ-CP (Nghị định về công tác văn thư): A4 portrait; margins
top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13–14 pt; page numbers centred
in the top margin from page 2. No font is embedded: Word uses Times New Roman, LibreOffice its
metric-compatible substitute (Liberation Serif).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from chiso.engine.i18n import gettext as _
from chiso.reports.tables import COLUMNS, INTEGER, MAXIMUM, NUMBER, PERCENT, RANK, SIGNED, SIGNED_INT, Column

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "bao-cao-chi-so.docx"
CONFERENCE_TEMPLATE = Path(__file__).parent / "templates" / "bao-cao-hoi-nghi.docx"
FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
NUMERIC = (NUMBER, INTEGER, PERCENT, RANK, SIGNED, SIGNED_INT, MAXIMUM)
TABLE_STYLE = "Chiso Bảng"
HEADER_STYLE = "Chiso Tiêu đề bảng"
CAPTION_STYLE = "Chiso Chú thích"
FIGURE_STYLE = "Chiso Hình"

MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _set_font(style_or_run, size: float | None = None, bold: bool | None = None) -> None:
    """Times New Roman on every script slot, theme fonts removed (they would override it)."""
    font = style_or_run.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _set_language(style) -> None:
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, BODY_PT)
    _set_language(normal)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    # Word's built-in defaults (docDefaults) use theme fonts; point them at Times New Roman too.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attribute), FONT)
    for name, size in (("Title", 14), ("Heading 1", BODY_PT), ("Heading 2", BODY_PT), ("Heading 3", BODY_PT)):
        style = styles[name]
        _set_font(style, size, bold=True)
        style.font.italic = name == "Heading 3"
        pf = style.paragraph_format
        pf.first_line_indent = Cm(0) if name == "Title" else Cm(1.0)
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if name == "Title" else WD_ALIGN_PARAGRAPH.LEFT
        pf.space_before = Pt(6 if name != "Title" else 12)
        pf.space_after = Pt(6)
        pf.keep_with_next = True
        if name == "Title":
            # The built-in Title has a bottom border; an administrative title has none.
            ppr = style.element.get_or_add_pPr()
            border = ppr.find(qn("w:pBdr"))
            if border is not None:
                ppr.remove(border)
    from docx.enum.style import WD_STYLE_TYPE

    table_text = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    _set_font(table_text, TABLE_PT)
    pf = table_text.paragraph_format
    pf.first_line_indent = Cm(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.LEFT
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    header = styles.add_style(HEADER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    header.base_style = table_text
    _set_font(header, TABLE_PT - 0.5, bold=True)
    header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = styles.add_style(CAPTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    caption.base_style = normal
    _set_font(caption, 12, bold=True)
    caption.paragraph_format.first_line_indent = Cm(0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.keep_with_next = True
    figure = styles.add_style(FIGURE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = normal
    figure.paragraph_format.first_line_indent = Cm(0)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_with_next = True
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.line_spacing = 1.0


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Page number centred in the header, not on the first page (Decree 30/2020, Appendix I).
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    run = paragraph.add_run()
    _set_font(run, BODY_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = "2"
        run._r.append(element)


def _no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _cell_text(cell, text: str, style: str, align=None, bold: bool | None = None, italic=False, size=None):
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    if bold is not None:
        run.bold = bold
    if italic:
        run.italic = True
    if size:
        run.font.size = Pt(size)
    return paragraph


def _letterhead(document) -> None:
    """Issuing body (left) and the national motto (right), as Decree 30/2020 lays them out."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    for i, width in enumerate((Cm(6.5), Cm(10.0))):
        table.columns[i].width = width
        table.rows[0].cells[i].width = width
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(left, "{{ issuer_parent }}", TABLE_STYLE, centre, size=12)
    p = left.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    p.add_run("{{ issuer }}").bold = True
    p = left.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    p.add_run("Số:       /BC-{{ issuer_code }}").font.size = Pt(13)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TABLE_STYLE, centre, bold=True, size=12)
    p = right.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    run = p.add_run("Độc lập - Tự do - Hạnh phúc")
    run.bold = True
    run.font.size = Pt(13)
    p = right.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    p.paragraph_format.space_before = Pt(6)
    run = p.add_run("{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ issued_year }}")
    run.italic = True
    run.font.size = Pt(13)


def _shade(cell, fill: str = "E7E6E6") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _narrow_margins(table, twips: int = 70) -> None:
    """Cell margins of 1.2 mm left and right (Word's default is 1.9 mm): more room for figures."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _loop_table(document, key: str, columns: list[Column], tables: str = "tables") -> None:
    """Header row, then one row per item of tables.<key>.rows (docxtpl's {%tr %} row loop)."""
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    _narrow_margins(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, opening, data, closing = table.rows
    _repeat_header(header)
    _cant_split(data)
    for i, column in enumerate(columns):
        table.columns[i].width = Cm(column.width_cm)  # the grid, which LibreOffice follows
        for row in table.rows:
            row.cells[i].width = Cm(column.width_cm)  # the cells, which Word follows
        _cell_text(header.cells[i], column.header, HEADER_STYLE)
        _shade(header.cells[i])
        align = WD_ALIGN_PARAGRAPH.RIGHT if column.kind in NUMERIC else WD_ALIGN_PARAGRAPH.LEFT
        _cell_text(data.cells[i], "{{ r.%s }}" % column.key, TABLE_STYLE, align)  # noqa: UP031 - Jinja braces
    _cell_text(opening.cells[0], "{%%tr for r in %s.%s.rows %%}" % (tables, key), TABLE_STYLE)  # noqa: UP031
    _cell_text(closing.cells[0], "{%tr endfor %}", TABLE_STYLE)


def _caption(document, key: str, captions: str = "captions") -> None:
    document.add_paragraph("{{ %s.%s }}" % (captions, key), style=CAPTION_STYLE)  # noqa: UP031


def _paragraph(document, expression: str, conditional: bool = True) -> None:
    """A body paragraph from the context; skipped when the value is empty."""
    if conditional:
        document.add_paragraph("{%%p if %s %%}" % expression)  # noqa: UP031
    document.add_paragraph("{{ %s }}" % expression)  # noqa: UP031
    if conditional:
        document.add_paragraph("{%p endif %}")


def _figure(document, key: str, charts: str = "charts", captions: str = "captions") -> None:
    document.add_paragraph("{%%p if %s.%s %%}" % (charts, key))  # noqa: UP031
    document.add_paragraph("{{ %s.%s }}" % (charts, key), style=FIGURE_STYLE)  # noqa: UP031
    document.add_paragraph("{{ %s.chart_%s }}" % (captions, key), style=CAPTION_STYLE)  # noqa: UP031
    document.add_paragraph("{%p endif %}")


def _table_block(
    document,
    key: str,
    sentence: str | None = None,
    tables: str = "tables",
    captions: str = "captions",
    columns: list[Column] | None = None,
) -> None:
    """Caption and table, only when the table has rows."""
    document.add_paragraph("{%%p if %s.%s.rows %%}" % (tables, key))  # noqa: UP031
    if sentence:
        document.add_paragraph(sentence)
    _caption(document, key, captions)
    _loop_table(document, key, columns or COLUMNS[key], tables)
    document.add_paragraph("{%p endif %}")


def build_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    document = Document()
    _styles(document)
    _page(document)
    core = document.core_properties
    core.title = "Báo cáo phân tích chỉ số"
    core.author = "chiso"
    core.language = "vi-VN"
    _letterhead(document)

    document.add_paragraph("{{ title }}", style="Title")
    subtitle = document.add_paragraph("{{ index_full_name }} ({{ index_name }})", style=FIGURE_STYLE)
    subtitle.runs[0].italic = True

    document.add_heading("I. KẾT QUẢ TỔNG HỢP", level=1)
    _paragraph(document, "paragraphs.headline", conditional=False)
    _paragraph(document, "paragraphs.comparison")
    _paragraph(document, "paragraphs.components")
    _paragraph(document, "paragraphs.status")
    _table_block(document, "summary")
    _figure(document, "ranking")
    _figure(document, "map")

    document.add_heading("II. KẾT QUẢ THEO TỪNG {{ noun_upper }}", level=1)
    _paragraph(document, "paragraphs.strengths", conditional=False)
    _paragraph(document, "paragraphs.weaknesses", conditional=False)
    _table_block(document, "fields")
    _figure(document, "components")
    _table_block(document, "criteria")

    document.add_heading("III. ĐIỂM BỊ MẤT VÀ MỤC TIÊU THỨ HẠNG", level=1)
    document.add_heading("1. Những nội dung mất nhiều điểm", level=2)
    _paragraph(document, "paragraphs.losses")
    _table_block(document, "losses")
    _table_block(document, "gaps")
    document.add_heading("2. Cần bao nhiêu điểm để đạt thứ hạng mục tiêu", level=2)
    _paragraph(document, "paragraphs.target_note")
    _paragraph(document, "paragraphs.target")
    _table_block(document, "target")

    document.add_heading("IV. TIÊU CHÍ CÒN YẾU, CƠ QUAN CHỦ TRÌ VÀ NHIỆM VỤ", level=1)
    _table_block(document, "weak")
    _paragraph(document, "paragraphs.plans", conditional=False)
    _table_block(document, "plans")

    document.add_heading("V. XU HƯỚNG QUA CÁC NĂM", level=1)
    _figure(document, "trend")
    _paragraph(document, "paragraphs.trend")
    _table_block(document, "trend")

    document.add_paragraph("{%p if proforma %}")
    document.add_heading("VI. SỐ LIỆU GIẢ ĐỊNH SAU SẮP XẾP ĐƠN VỊ HÀNH CHÍNH", level=1)
    document.add_paragraph("{{ proforma.text }}")
    document.add_paragraph("{%p for line in proforma.methods %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    _table_block(document, "proforma")
    document.add_paragraph("{%p endif %}")

    document.add_heading("NGUỒN SỐ LIỆU", level=1)
    document.add_paragraph("{%p for line in sources %}")
    document.add_paragraph("- {{ line }}")
    document.add_paragraph("{%p endfor %}")
    note = document.add_paragraph("{{ generated_note }}")
    note.runs[0].italic = True

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _chapter_paragraph(document, name: str, conditional: bool = True) -> None:
    _paragraph(document, f"c.paragraphs.{name}", conditional)


def _chapter_table(document, key: str) -> None:
    _table_block(document, key, tables="c.tables", captions="c.captions")


def build_conference_template(path: Path = CONFERENCE_TEMPLATE) -> Path:
    """The conference report: all the indices of one locality and year (`chiso.reports.conference`;
    every name available is in `conference.context`)."""
    from chiso.reports.conference import SUMMARY_SPEC, WEAK_SPEC, columns

    document = Document()
    _styles(document)
    _page(document)
    core = document.core_properties
    core.title = "Báo cáo phân tích kết quả các chỉ số"
    core.author = "chiso"
    core.language = "vi-VN"
    _letterhead(document)
    document.add_paragraph("{{ title }}", style="Title")

    document.add_heading("{{ headings.summary }}", level=1)
    _paragraph(document, "summary.sentence", conditional=False)
    document.add_paragraph("{%p for line in summary.lines %}")
    document.add_paragraph("- {{ line }}")
    document.add_paragraph("{%p endfor %}")
    _table_block(document, "overview", columns=columns("overview", SUMMARY_SPEC, for_template=True))

    document.add_paragraph("{%p for c in chapters %}")
    document.add_heading("{{ c.heading }}", level=1)
    subtitle = document.add_paragraph("{{ c.full_name }}", style=FIGURE_STYLE)
    subtitle.runs[0].italic = True
    document.add_heading("{{ labels.results }}", level=2)
    _chapter_paragraph(document, "headline", conditional=False)
    for name in ("comparison", "components", "status"):
        _chapter_paragraph(document, name)
    _chapter_table(document, "summary")
    _figure(document, "ranking", charts="c.charts", captions="c.captions")
    document.add_heading("{{ labels.fields }}", level=2)
    _chapter_table(document, "fields")
    _figure(document, "components", charts="c.charts", captions="c.captions")
    _chapter_table(document, "criteria")
    document.add_heading("{{ labels.losses }}", level=2)
    _chapter_paragraph(document, "losses")
    _chapter_table(document, "losses")
    _chapter_table(document, "gaps")
    document.add_heading("{{ labels.strengths }}", level=2)
    _chapter_paragraph(document, "strengths", conditional=False)
    _chapter_paragraph(document, "weaknesses", conditional=False)
    _chapter_table(document, "weak")
    document.add_heading("{{ labels.trend }}", level=2)
    _figure(document, "trend", charts="c.charts", captions="c.captions")
    _chapter_paragraph(document, "trend")
    _chapter_table(document, "trend")
    document.add_heading("{{ labels.target }}", level=2)
    _chapter_paragraph(document, "target_note")
    _chapter_paragraph(document, "target")
    _chapter_table(document, "target")
    document.add_paragraph("{%p if c.proforma %}")
    document.add_heading("{{ labels.proforma }}", level=2)
    document.add_paragraph("{{ c.proforma.text }}")
    document.add_paragraph("{%p for line in c.proforma.methods %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    _chapter_table(document, "proforma")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("{{ headings.weak }}", level=1)
    _table_block(document, "weak_all", columns=columns("weak_all", WEAK_SPEC, for_template=True))
    document.add_heading("{{ headings.conclusions }}", level=1)
    note = document.add_paragraph("{{ labels.draft }}")
    note.runs[0].italic = True
    document.add_paragraph("{%p for line in conclusions %}")
    document.add_paragraph("{{ loop.index }}. {{ line }}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("{{ labels.sources }}", level=1)
    document.add_paragraph("{%p for line in sources %}")
    document.add_paragraph("- {{ line }}")
    document.add_paragraph("{%p endfor %}")
    note = document.add_paragraph("{{ generated_note }}")
    note.runs[0].italic = True
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    """Both templates; with OUTPUT, the per-index one only (into OUTPUT)."""
    args = sys.argv[1:] if argv is None else argv
    path = build_default_template(Path(args[0]) if args else DEFAULT_TEMPLATE)
    print(_("Đã tạo mẫu báo cáo: {name}").format(name=path.name))
    if not args:
        path = build_conference_template()
        print(_("Đã tạo mẫu báo cáo: {name}").format(name=path.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
