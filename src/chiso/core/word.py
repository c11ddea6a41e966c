"""Word documents in the shape of Decree 30/2020/NĐ-CP (A4, its margins, Times New Roman 13 pt,
the letterhead): the styles and table helpers every generated template uses — the conference
report's (`chiso.reports.template`) and the commitment's (`chiso.plans.documents`)."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
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


REPORT_NUMBER = "Số:       /BC-{{ issuer_code }}"
REPORT_DATELINE = "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ issued_year }}"


def _letterhead(
    document,
    translated: bool = False,
    *,
    parent: str = "{{ issuer_parent }}",
    issuer: str = "{{ issuer }}",
    number: str | None = REPORT_NUMBER,
    dateline: str = REPORT_DATELINE,
) -> None:
    """Issuing body (left) and the national motto (right), as Decree 30/2020 lays them out: the body's
    parent, the body in bold, the document number (none for a commitment), then the motto and the
    dateline. With `translated`, the fixed texts are names of the context too (`letterhead.number`,
    `.republic`, `.motto`, `.dateline`), so that a report in English has an English letterhead."""
    texts = {
        "number": number or "",
        "republic": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "dateline": dateline,
    }
    if translated:
        texts = {key: "{{ letterhead.%s }}" % key for key in texts}  # noqa: UP031 - Jinja braces
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    for i, width in enumerate((Cm(6.5), Cm(10.0))):
        table.columns[i].width = width
        table.rows[0].cells[i].width = width
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(left, parent, TABLE_STYLE, centre, size=12)
    p = left.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    p.add_run(issuer).bold = True
    if number is not None:
        p = left.add_paragraph(style=TABLE_STYLE)
        p.alignment = centre
        p.add_run(texts["number"]).font.size = Pt(13)
    _cell_text(right, texts["republic"], TABLE_STYLE, centre, bold=True, size=12)
    p = right.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    run = p.add_run(texts["motto"])
    run.bold = True
    run.font.size = Pt(13)
    p = right.add_paragraph(style=TABLE_STYLE)
    p.alignment = centre
    p.paragraph_format.space_before = Pt(6)
    run = p.add_run(texts["dateline"])
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
