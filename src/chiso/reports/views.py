"""The report downloads offered on a unit's profile page: the conference report (Word) and the
Excel workbook of its tables, both made on request."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest

from chiso.frameworks.services import IndexNotFound, find_index
from chiso.reports.data import ReportError, build_report
from chiso.reports.word import write_docx
from chiso.reports.xlsx import write_xlsx

KINDS = ("docx", "xlsx")


def report_file(request: HttpRequest, index_code: str, year: int, unit_code: str, kind: str) -> FileResponse:
    """The conference report of a unit (Word, or the Excel workbook of its tables), made on request."""
    if kind not in KINDS:
        raise Http404(" | ".join(KINDS))
    try:
        index = find_index(index_code)
        report = build_report(index, year, unit_code)
    except (IndexNotFound, ReportError) as exc:
        raise Http404(str(exc)) from exc
    folder = Path(tempfile.mkdtemp(prefix="chiso-report-"))
    name = f"bao-cao-{index.code}-{year}-{unit_code}.{kind}"
    target = folder / name
    if kind == "docx":
        write_docx(report, target, None)
    else:
        write_xlsx(report, target)
    return FileResponse(target.open("rb"), as_attachment=True, filename=name)
