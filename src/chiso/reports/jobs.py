"""The report that runs in the background (`chiso.jobs`): a unit's conference report (Word) or the
workbook of its tables (Excel), made from the profile page's link and downloaded from the job's
page. The same builder and writers as `chiso report`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chiso.core.progress import Progress, no_progress
from chiso.frameworks.services import IndexNotFound, find_index
from chiso.jobs.models import Job
from chiso.jobs.services import JobFailed, Outcome, folder
from chiso.reports.data import ReportError, build_report
from chiso.reports.word import write_docx
from chiso.reports.xlsx import write_xlsx

REPORT = "chiso.reports.jobs:make_report"
CONFERENCE = "chiso.reports.jobs:make_conference_report"


def make_report(job: Job, progress: Progress = no_progress) -> Outcome:
    """Build the report (`params`: index, year, unit, kind) and write it into the job's folder."""
    params = job.params
    progress(0, 2, _("Đang tổng hợp số liệu"))
    try:
        index = find_index(params["index"])
        report = build_report(
            index, params["year"], params["unit"], period=params.get("period", ""), level=params.get("level")
        )
    except (IndexNotFound, ReportError) as exc:
        raise JobFailed(str(exc)) from exc
    kind = params["kind"]
    progress(1, 2, _("Đang viết tệp Word") if kind == "docx" else _("Đang viết sổ Excel"))
    name = f"bao-cao-{index.code}-{params.get('period') or params['year']}-{params['unit']}.{kind}"
    target = folder(job) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "docx":
        write_docx(report, target, None)
    else:
        write_xlsx(report, target)
    progress(2, 2, _("Đã xong"))
    return Outcome(file=name, label=_("Tải báo cáo"))


def make_conference_report(job: Job, progress: Progress = no_progress) -> Outcome:
    """The conference report of a unit: every index of the year (`params`: unit, year, indices —
    empty for all —, kind docx | xlsx | pdf, language). The same builder as `chiso report UNIT YEAR`."""
    from chiso.core.pdf import PdfError, docx_to_pdf
    from chiso.reports.conference import build_conference, write_conference_docx, write_conference_xlsx

    params = job.params
    kind = params["kind"]
    progress(0, 2, _("Đang tổng hợp số liệu"))
    try:
        conference = build_conference(
            params["unit"],
            params["year"],
            params.get("indices") or None,
            language=params.get("language", "vi"),
        )
    except ReportError as exc:
        raise JobFailed(str(exc)) from exc
    progress(1, 2, _("Đang viết sổ Excel") if kind == "xlsx" else _("Đang viết tệp Word"))
    stem = f"bao-cao-hoi-nghi-{params['year']}-{params['unit']}"
    target = folder(job) / f"{stem}.{kind}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        write_conference_xlsx(conference, target)
    else:
        docx = target.with_suffix(".docx")
        write_conference_docx(conference, docx)
        if kind == "pdf":
            try:
                docx_to_pdf(docx, target)
            except PdfError as exc:
                raise JobFailed(str(exc)) from exc
    progress(2, 2, _("Đã xong"))
    return Outcome(file=target.name, label=_("Tải báo cáo"))
