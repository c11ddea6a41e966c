"""The synthesis as a Word document (A4, Times New Roman, as Decree 30/2020 lays out documents): who
answered, then the causes, responsibility and solutions per criterion, and the plan items made."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from chiso.engine.numbers import format_date
from chiso.rounds.models import Round
from chiso.rounds.services.export import state_label
from chiso.rounds.services.status import LATE, MISSING, ON_TIME, WAITING, round_status, submitted_answers


def export_docx(round_: Round, out: IO[bytes] | str, today: date | None = None) -> None:
    """Write the round's synthesis report."""
    status = round_status(round_, today)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("BÁO CÁO TỔNG HỢP KẾT QUẢ PHÂN TÍCH").upper())
    run.bold = True
    subtitle = doc.add_paragraph(round_.title)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        _("Văn bản số {number} ngày {issued} của {organiser}: {title}. Hạn gửi: {deadline}.").format(
            number=round_.number,
            issued=format_date(round_.issued),
            organiser=round_.organiser.name,
            title=round_.title,
            deadline=format_date(round_.deadline),
        )
    )
    doc.add_paragraph(
        _("Đã nhận {received}/{total} (đúng hạn {on_time}, muộn {late}); chưa gửi {missing}.").format(
            received=status.received,
            total=len(status.rows),
            on_time=status.counts[ON_TIME],
            late=status.counts[LATE],
            missing=status.counts[MISSING] + status.counts[WAITING],
        )
    )
    doc.add_heading(_("Tình hình gửi báo cáo phân tích"), level=2)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, (_("STT"), _("Cơ quan, đơn vị"), _("Tình trạng"), _("Ngày gửi")), strict=True
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for number, row in enumerate(status.rows, 1):
        sent = row.request.submitted_at
        cells = table.add_row().cells
        cells[0].text = str(number)
        cells[1].text = row.request.agency.name
        cells[2].text = state_label(row.state)
        cells[3].text = timezone.localtime(sent).strftime("%d/%m/%Y") if sent else ""

    doc.add_heading(_("Tổng hợp nguyên nhân, trách nhiệm và giải pháp"), level=2)
    current = None
    for answer in submitted_answers(round_):
        key = (answer.framework.index_id, answer.criterion)
        if key != current:
            current = key
            doc.add_heading(
                f"{answer.framework.index.short_name} {answer.criterion} {answer.criterion_name}".strip(),
                level=3,
            )
        doc.add_paragraph(answer.request.agency.name).runs[0].bold = True
        for label, text in (
            (_("Nguyên nhân"), answer.causes),
            (_("Trách nhiệm"), answer.responsibility),
            (_("Giải pháp đề xuất"), answer.solutions),
        ):
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{label}: ").italic = True
            paragraph.add_run(text or "–")
        if answer.plan_item is not None:
            item = answer.plan_item
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{_('Nội dung kế hoạch')}: ").italic = True
            paragraph.add_run(
                _("{lead}, hạn {deadline}").format(lead=item.lead.name, deadline=format_date(item.deadline))
            )
    doc.save(out)
