"""A cycle's results as an Excel workbook: the ranking with the field breakdown, and every
criterion of every unit. Numbers are numbers (two decimals shown); headers and names are in the
active language (or the language asked for)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chiso.assessments import standings
from chiso.assessments.models import Cycle
from chiso.assessments.scoring import FINAL, cycle_points
from chiso.core import xlsx
from chiso.engine.i18n import localized
from chiso.engine.numbers import format_rank
from chiso.engine.scoring import aggregate_units

NUMBER = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="1D3557")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
BOLD = Font(bold=True)


def _headers() -> dict[str, str]:
    """The workbook's headers in the active language."""
    return {
        "rank": _("Hạng"),
        "rank_of": _("Xếp hạng (x/N)"),
        "code": _("Mã đơn vị"),
        "unit": _("Đơn vị"),
        "score": _("Tổng điểm"),
        "percent": _("Tỷ lệ (%)"),
        "change_score": _("Thay đổi điểm so với năm trước"),
        "change_rank": _("Thay đổi bậc so với năm trước"),
        "group": _("Nhóm"),
        "block": _("Khối"),
        "block_rank": _("Hạng trong khối"),
        "ranking": _("Xếp hạng"),
        "criteria": _("Chi tiết tiêu chí"),
        "criterion": _("Tiêu chí"),
        "name": _("Nội dung"),
        "max": _("Điểm tối đa"),
    }


def _stage_name(stage: str) -> str:
    return {"self": _("tự đánh giá"), "appraised": _("thẩm định"), "final": _("chính thức")}[stage]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def _cell(sheet: Any, value: Any, number: bool = False, bold: bool = False) -> Cell:
    """A cell of a write-only sheet, text as text, numbers shown with two decimals."""
    cell = xlsx.text_cell(WriteOnlyCell(sheet), value)
    if number:
        cell.number_format = NUMBER
    if bold:
        cell.font = BOLD
    return cell


def _header(sheet: Any, titles: list[str]) -> list[Cell]:
    cells = []
    for title in titles:
        cell = _cell(sheet, title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def cycle_workbook(cycle: Cycle, stage: str = FINAL, lang: str | None = None) -> bytes:
    """The cycle's workbook, in `lang` when given, otherwise in the active language.

    Written row by row (openpyxl's write-only mode: 3,321 communes × 130 nodes are 430,000 cells,
    never all held as objects)."""
    if lang is not None:
        with translation.override(lang):
            return cycle_workbook(cycle, stage)
    words = _headers()
    # The league table as stored (`standings`, computed now if the points changed since: an export
    # is never stale), the criteria summed for every unit at once: no engine run per download.
    standing = standings.standing_of(cycle, stage)
    summary = standing.summary
    framework = cycle.framework.to_engine()
    fields = list(framework.root.children)
    of = summary["of"]
    blocks_en = {b["name"]: b["name_en"] for b in summary["blocks"]}
    book = Workbook(write_only=True)

    sheet = book.create_sheet(words["ranking"])
    league = list(standings.lines(standing))
    has_blocks = any(line.figures["block_of"] for line in league)
    widths = [7, 12, 12, 34, 11, 10, 14, 14, 14] + ([28, 12] if has_blocks else []) + [16] * len(fields)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C4"
    title = _cell(sheet, f"{cycle.name} ({_stage_name(stage)})")
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    sheet.append([])
    titles = [
        words["rank"],
        words["rank_of"],
        words["code"],
        words["unit"],
        words["score"],
        words["percent"],
        words["change_score"],
        words["change_rank"],
        words["group"],
    ]
    if has_blocks:
        titles += [words["block"], words["block_rank"]]
    titles += [f"{n.code}. {n.name} (/{n.max_points})" for n in fields]
    sheet.append(_header(sheet, titles))
    maximum = framework.root.max_points
    for line in league:
        figures, unit = line.figures, line.assessment.unit
        percent = line.total * 100 / maximum if line.total is not None and maximum else None
        group, change = figures["group"], figures["change"]
        values = [
            line.rank,
            format_rank(line.rank, of),
            unit.code,
            unit.display_name,
            _number(line.total),
            _number(percent),
            _number(standings.number(change[0])) if change else None,
            change[1] if change else None,
            localized(group[1], group[2] or None) if group else None,
        ]
        if has_blocks:
            name = figures["block"]
            block = localized(name, blocks_en.get(name) or None) if name else None
            rank = figures["block_rank"]
            values += [block, format_rank(rank, figures["block_of"]) if figures["block_of"] else None]
        values += [_number(standings.number(figures["fields"][n.code][0])) for n in fields]
        sheet.append([_cell(sheet, value, number=isinstance(value, float)) for value in values])

    detail = book.create_sheet(words["criteria"])
    assessments = list(cycle.assessments.select_related("unit").order_by("unit__name"))
    nodes = [n for n in framework.root.walk() if n is not framework.root]
    detail.column_dimensions["A"].width = 9
    detail.column_dimensions["B"].width = 60
    for column in range(3, len(assessments) + 4):
        detail.column_dimensions[get_column_letter(column)].width = 14
    detail.freeze_panes = "C2"
    detail.append(
        _header(
            detail,
            [words["criterion"], words["name"], words["max"]] + [a.unit.display_name for a in assessments],
        )
    )
    points = cycle_points(cycle, stage, framework)  # one query, every tree summed at once
    summed = aggregate_units(framework, {a.pk: points.get(a.pk, {}) for a in assessments})
    trees = [summed[a.pk] for a in assessments]
    for node in nodes:
        bold = bool(node.children)
        row = [
            _cell(detail, node.code, bold=bold),
            _cell(detail, node.name, bold=bold),
            _cell(detail, _number(node.max_points), number=True, bold=bold),
        ]
        row += [_cell(detail, _number(tree.get(node.code)), number=True) for tree in trees]
        detail.append(row)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
