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

import dataclasses
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from chiso.core.word import (
    CAPTION_STYLE,
    FIGURE_STYLE,
    HEADER_STYLE,
    TABLE_STYLE,
    _cant_split,
    _cell_text,
    _letterhead,
    _narrow_margins,
    _page,
    _repeat_header,
    _shade,
    _styles,
)
from chiso.engine.i18n import gettext as _
from chiso.reports.tables import COLUMNS, INTEGER, MAXIMUM, NUMBER, PERCENT, RANK, SIGNED, SIGNED_INT, Column

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "bao-cao-chi-so.docx"
CONFERENCE_TEMPLATE = Path(__file__).parent / "templates" / "bao-cao-hoi-nghi.docx"
NUMERIC = (NUMBER, INTEGER, PERCENT, RANK, SIGNED, SIGNED_INT, MAXIMUM)


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
    caption = document.add_paragraph("{{ %s.chart_%s }}" % (captions, key), style=CAPTION_STYLE)  # noqa: UP031
    # A figure's caption is under it: it keeps with its figure, not with what follows (else a figure,
    # a heading and the next figure move to the next page together, leaving half a page blank).
    caption.paragraph_format.keep_with_next = False
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
    _figure(document, "map34")

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


def _section(document, key: str) -> None:
    """Opens a chapter's section, shown only when it has something to say (closed by the caller
    with {%p endif %}); its heading is numbered over the sections shown."""
    document.add_paragraph("{%%p if c.sections.%s %%}" % key)  # noqa: UP031
    document.add_heading("{{ c.sections.%s }}" % key, level=2)  # noqa: UP031


def _chapter_table(document, key: str) -> None:
    """A chapter's table; its headers come from the chapter (`c.headers.<table>.<column>`), in the
    report's language and after its peer set ("TB cả nước", "TB của tỉnh")."""
    columns = [
        dataclasses.replace(c, header="{{ c.headers.%s.%s }}" % (key, c.key))  # noqa: UP031
        for c in COLUMNS[key]
    ]
    _table_block(document, key, tables="c.tables", captions="c.captions", columns=columns)


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
    _letterhead(document, translated=True)
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
    document.add_heading("{{ c.sections.results }}", level=2)
    _chapter_paragraph(document, "headline", conditional=False)
    for name in ("comparison", "components", "status"):
        _chapter_paragraph(document, name)
    _chapter_table(document, "summary")
    _figure(document, "ranking", charts="c.charts", captions="c.captions")
    _section(document, "fields")
    _chapter_table(document, "fields")
    _figure(document, "components", charts="c.charts", captions="c.captions")
    _chapter_table(document, "criteria")
    document.add_paragraph("{%p endif %}")
    _section(document, "losses")
    _chapter_paragraph(document, "losses")
    _chapter_table(document, "losses")
    _chapter_table(document, "gaps")
    document.add_paragraph("{%p endif %}")
    _section(document, "strengths")
    _chapter_paragraph(document, "strengths", conditional=False)
    _chapter_paragraph(document, "weaknesses", conditional=False)
    _chapter_table(document, "weak")
    document.add_paragraph("{%p endif %}")
    _section(document, "trend")
    _figure(document, "trend", charts="c.charts", captions="c.captions")
    _chapter_paragraph(document, "trend")
    _chapter_table(document, "trend")
    document.add_paragraph("{%p endif %}")
    _section(document, "target")
    _chapter_paragraph(document, "target_note")
    _chapter_paragraph(document, "target")
    _chapter_table(document, "target")
    document.add_paragraph("{%p endif %}")
    _section(document, "proforma")
    document.add_paragraph("{{ c.proforma.text }}")
    document.add_paragraph("{%p for line in c.proforma.methods %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    _chapter_table(document, "proforma")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")

    document.add_paragraph("{%p if headings.weak %}")
    document.add_heading("{{ headings.weak }}", level=1)
    _table_block(document, "weak_all", columns=columns("weak_all", WEAK_SPEC, for_template=True))
    document.add_paragraph("{%p endif %}")
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
