"""The Excel workbook: every table of the report on its own sheet, numbers kept as numbers."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from chiso.core import xlsx
from chiso.reports.data import Report
from chiso.reports.tables import INTEGER, MAXIMUM, NUMBER, PERCENT, RANK, SIGNED, SIGNED_INT, Table

FORMATS = {
    NUMBER: "0.00",
    MAXIMUM: "General",
    SIGNED: "+0.00;-0.00;0.00",
    PERCENT: "0.0",
    INTEGER: "0",
    RANK: "0",
    SIGNED_INT: "+0;-0;0",
}
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
ORDER = (
    "summary",
    "fields",
    "criteria",
    "losses",
    "gaps",
    "target",
    "weak",
    "plans",
    "trend",
    "ranking",
    "proforma",
)


def _cell_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.sheet[:31])
    xlsx.append(sheet, [table.title])
    sheet["A1"].font = Font(bold=True)
    headers = [c.header + (f" (/{table.of})" if c.kind == RANK and table.of else "") for c in table.columns]
    xlsx.append(sheet, headers)
    for i, _ in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=i)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in table.rows:
        xlsx.append(sheet, [_cell_value(table.value(c, row)) for c in table.columns])
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        fmt = FORMATS.get(column.kind)
        if fmt:
            for cell in sheet[letter][2:]:
                cell.number_format = fmt
        sheet.column_dimensions[letter].width = max(8, min(60, column.width_cm * 5))
    sheet.freeze_panes = "A3"


def workbook_of(tables: list[Table], title: str, sources: list[str]) -> Workbook:
    """One sheet per table (empty tables keep their headers) and a sheet of sources."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for table in tables:
        _sheet(workbook, table)
    sheet = workbook.create_sheet("Nguồn")
    xlsx.append(sheet, [title])
    sheet["A1"].font = Font(bold=True)
    for line in sources:
        xlsx.append(sheet, [line])
    sheet.column_dimensions["A"].width = 120
    return workbook


def tables_xlsx(tables: list[Table], title: str, sources: list[str]) -> bytes:
    """The workbook of some tables (a public page's download), as bytes."""
    buffer = io.BytesIO()
    workbook_of(tables, title, sources).save(buffer)
    return buffer.getvalue()


def write_xlsx(report: Report, output: Path) -> Path:
    """The report's tables in their order, one sheet each, and a sheet of sources."""
    workbook = workbook_of(
        [report.tables[key] for key in ORDER if key in report.tables], report.title, report.sources
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(str(output))
    return output
