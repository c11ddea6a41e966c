"""The synthesis as an Excel workbook: who answered, and every analysis with its plan item."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from chiso.engine.numbers import format_date
from chiso.rounds.models import Round
from chiso.rounds.services.status import LATE, MISSING, ON_TIME, WAITING, round_status, submitted_answers


def state_label(state: str) -> str:
    return {
        ON_TIME: _("Đã gửi đúng hạn"),
        LATE: _("Gửi muộn"),
        MISSING: _("Quá hạn chưa gửi"),
        WAITING: _("Chưa gửi"),
    }[state]


def _header(sheet, round_: Round, heading: str, columns: list[str]) -> None:
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            _("Văn bản số {number} ngày {issued} của {organiser}: {title}. Hạn gửi: {deadline}.").format(
                number=round_.number,
                issued=format_date(round_.issued),
                organiser=round_.organiser.name,
                title=round_.title,
                deadline=format_date(round_.deadline),
            )
        ]
    )
    sheet.append([])
    sheet.append(columns)
    for cell in sheet[4]:
        cell.font = Font(bold=True)


def export_xlsx(round_: Round, out: IO[bytes] | str, today: date | None = None) -> None:
    """Write the round's synthesis: sheet 1 the agencies and their state, sheet 2 every analysis."""
    status = round_status(round_, today)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Tình hình gửi báo cáo")[:31]
    _header(
        sheet,
        round_,
        _("Tình hình gửi báo cáo phân tích"),
        [
            _("STT"),
            _("Cơ quan, đơn vị"),
            _("Tình trạng"),
            _("Ngày gửi"),
            _("Số tiêu chí đã phân tích"),
            _("Số lần nhắc"),
        ],
    )
    for number, row in enumerate(status.rows, 1):
        request = row.request
        sent = timezone.localtime(request.submitted_at).strftime("%d/%m/%Y") if request.submitted_at else ""
        sheet.append(
            [
                number,
                request.agency.name,
                state_label(row.state),
                sent,
                f"{row.answered}/{row.total}",
                request.reminders,
            ]
        )
    sheet.append([])
    sheet.append(
        [
            _("Đã nhận {received}/{total} (đúng hạn {on_time}, muộn {late}); chưa gửi {missing}.").format(
                received=status.received,
                total=len(status.rows),
                on_time=status.counts[ON_TIME],
                late=status.counts[LATE],
                missing=status.counts[MISSING] + status.counts[WAITING],
            )
        ]
    )
    for column, width in zip("ABCDEF", (6, 45, 20, 12, 14, 10), strict=True):
        sheet.column_dimensions[column].width = width

    answers = book.create_sheet(_("Tổng hợp phân tích")[:31])
    _header(
        answers,
        round_,
        _("Tổng hợp nguyên nhân, trách nhiệm và giải pháp"),
        [
            _("Chỉ số"),
            _("Mã tiêu chí"),
            _("Tiêu chí"),
            _("Cơ quan, đơn vị"),
            _("Nguyên nhân"),
            _("Trách nhiệm"),
            _("Giải pháp đề xuất"),
            _("Tài liệu kiểm chứng"),
            _("Nội dung kế hoạch"),
        ],
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    for answer in submitted_answers(round_):
        item = answer.plan_item
        answers.append(
            [
                answer.framework.index.short_name,
                answer.criterion,
                answer.criterion_name,
                answer.request.agency.name,
                answer.causes,
                answer.responsibility,
                answer.solutions,
                ", ".join(a.name for a in answer.attachments.all()),
                _("{lead}, hạn {deadline}").format(lead=item.lead.name, deadline=format_date(item.deadline))
                if item
                else "",
            ]
        )
        for cell in answers[answers.max_row]:
            cell.alignment = wrap
    for column, width in zip("ABCDEFGHI", (12, 10, 30, 30, 40, 30, 40, 20, 24), strict=True):
        answers.column_dimensions[column].width = width
    book.save(out)
