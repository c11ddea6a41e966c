"""The default Word template of the commitment (bản cam kết), generated so that it can be rebuilt.

    python -m chiso.plans.documents [OUTPUT.docx]

writes src/chiso/plans/templates/plans/ban-cam-ket.docx (or OUTPUT). An officer opens it in Word or
LibreOffice, changes the wording, the letterhead or the signature blocks, and keeps the names
between {{ }} and {% %} (docxtpl, Jinja); `chiso.plans.services.commitments.document_context`
lists every name. Page, fonts and letterhead follow the conference report's template (Decree
30/2020/NĐ-CP: A4, Times New Roman 13 pt, margins 20/20/30/15 mm).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from chiso.core.word import (
    FIGURE_STYLE,
    HEADER_STYLE,
    TABLE_STYLE,
    _cant_split,
    _cell_text,
    _letterhead,
    _narrow_margins,
    _no_borders,
    _page,
    _repeat_header,
    _shade,
    _styles,
)
from chiso.plans.services.commitments import DEFAULT_TEMPLATE

# (header, Jinja expression, width in cm, right-aligned)
ITEM_COLUMNS = [
    ("TT", "r.n", 0.8, False),
    ("Tiêu chí", "r.criterion", 3.6, False),
    ("Vai trò", "r.role", 1.6, False),
    ("Điểm hiện tại", "r.current", 1.6, True),
    ("Điểm mục tiêu", "r.target", 1.5, True),
    ("Giải pháp, nhiệm vụ", "r.actions", 5.0, False),
    ("Thời hạn", "r.deadline", 2.4, False),
]
TASK_COLUMNS = [
    ("TT", "t.n", 0.8, False),
    ("Nhiệm vụ", "t.title", 11.3, False),
    ("Tiêu chí", "t.criterion", 2.0, False),
    ("Hạn", "t.due", 2.4, False),
]


def _table(document, loop: str, columns) -> None:
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    _narrow_margins(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, opening, data, closing = table.rows
    _repeat_header(header)
    _cant_split(data)
    for i, (title, expression, width, right) in enumerate(columns):
        table.columns[i].width = Cm(width)
        for row in table.rows:
            row.cells[i].width = Cm(width)
        _cell_text(header.cells[i], title, HEADER_STYLE)
        _shade(header.cells[i])
        align = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
        _cell_text(data.cells[i], "{{ %s }}" % expression, TABLE_STYLE, align)  # noqa: UP031 - Jinja braces
    _cell_text(opening.cells[0], "{%%tr for %s %%}" % loop, TABLE_STYLE)  # noqa: UP031
    _cell_text(closing.cells[0], "{%tr endfor %}", TABLE_STYLE)


def _signatures(document) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for i, (title, hint) in enumerate(
        (
            ("LÃNH ĐẠO {{ organiser_upper }}", "(Ký, ghi rõ họ tên)"),
            ("THỦ TRƯỞNG {{ agency_upper }}", "(Ký, ghi rõ họ tên, đóng dấu)"),
        )
    ):
        cell = table.rows[0].cells[i]
        table.columns[i].width = Cm(8.25)
        cell.width = Cm(8.25)
        _cell_text(cell, title, TABLE_STYLE, centre, bold=True, size=13)
        p = cell.add_paragraph(style=TABLE_STYLE)
        p.alignment = centre
        run = p.add_run(hint)
        run.italic = True
        run.font.size = Pt(12)
        for _blank in range(4):
            cell.add_paragraph(style=TABLE_STYLE)


def build_commitment_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    document = Document()
    _styles(document)
    _page(document)
    core = document.core_properties
    core.title = "Bản cam kết"
    core.author = "chiso"
    core.language = "vi-VN"
    _letterhead(
        document,
        parent="{{ organiser_upper }}",
        issuer="{{ agency_upper }}",
        number=None,
        dateline="{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ sign_year }}",
    )

    document.add_paragraph("BẢN CAM KẾT", style="Title")
    subtitle = document.add_paragraph("Thực hiện {{ plan_title }}", style=FIGURE_STYLE)
    subtitle.runs[0].bold = True
    addressee = document.add_paragraph("Kính gửi: {{ organiser_name }}.", style=FIGURE_STYLE)
    addressee.paragraph_format.space_after = Pt(12)

    document.add_paragraph(
        "Căn cứ kết quả {{ subject }} và {{ plan_title }}, {{ agency_name }} cam kết với "
        "{{ organiser_name }} như sau:"
    )
    document.add_paragraph("1. {{ commitment_text }}")
    document.add_paragraph(
        "2. Thực hiện các tiêu chí, nội dung được giao ({{ lead_count }} nội dung chủ trì, "
        "{{ support_count }} nội dung phối hợp):"
    )
    _table(document, "r in rows", ITEM_COLUMNS)
    document.add_paragraph("{%p if tasks %}")
    document.add_paragraph("3. Hoàn thành các nhiệm vụ cụ thể được giao:")
    _table(document, "t in tasks", TASK_COLUMNS)
    document.add_paragraph("{%p endif %}")
    closing = document.add_paragraph(
        "Định kỳ báo cáo tiến độ, kèm tài liệu kiểm chứng, đúng lịch của kế hoạch. Kết quả thực hiện "
        "các nội dung trên là một trong các tiêu chí xem xét, đánh giá trách nhiệm của người đứng "
        "đầu {{ agency_name }}."
    )
    closing.paragraph_format.space_before = Pt(6)
    closing.paragraph_format.space_after = Pt(12)
    _signatures(document)
    document.add_paragraph("{%p if signed_note %}")
    document.add_paragraph("{{ signed_note }}")
    document.add_paragraph("{%p endif %}")
    note = document.add_paragraph("Bản cam kết do chiso lập ngày {{ generated }} từ kế hoạch cải thiện.")
    note.runs[0].italic = True
    note.runs[0].font.size = Pt(11)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = build_commitment_template(Path(args[0]) if args else DEFAULT_TEMPLATE)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
