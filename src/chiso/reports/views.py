"""The report downloads offered on a unit's profile page: the conference report (Word) and the
Excel workbook of its tables, made in the background (`chiso.reports.jobs`) and downloaded from
the job's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from chiso.engine.periods import period_label
from chiso.engine.units import UnitError
from chiso.frameworks.services import IndexNotFound, find_index
from chiso.jobs import services as jobs
from chiso.reports.jobs import CONFERENCE, REPORT
from chiso.results import levels, periods
from chiso.results.services import reference_date, result_set_of
from chiso.units.registry import registry

KINDS = ("docx", "xlsx")


def report_file(request: HttpRequest, index_code: str, year: int, unit_code: str, kind: str) -> HttpResponse:
    """Start making the report of a unit (Word, or the Excel workbook of its tables) for an index-year,
    or a month or quarter of it (?ky=2025-10, the 766 index); the unit is of its own level in the
    index (or ?cap=). Its job's page offers the file when it is ready."""
    if kind not in KINDS:
        raise Http404(" | ".join(KINDS))
    try:
        index = find_index(index_code)
    except IndexNotFound as exc:
        raise Http404(str(exc)) from exc
    period = periods.requested_period(request, year)
    level = levels.requested_level(request, index) or levels.level_of_unit(index, unit_code)
    try:
        unit = registry((level,)).resolve(unit_code, level=level, on=reference_date(year, period))
    except UnitError as exc:
        raise Http404(str(exc)) from exc
    found = result_set_of(index, year, period=period, level=level)
    if found is None:
        raise Http404(
            _("Chưa có kết quả công bố {index} {period}.").format(
                index=index.short_name, period=period_label(year, period)
            )
        )
    when = period_label(year, period) if period else str(year)
    title = (
        _("Báo cáo {index} {year}: {unit}") if kind == "docx" else _("Bảng số liệu {index} {year}: {unit}")
    ).format(index=index.short_name, year=when, unit=unit.name)
    params = {"index": index.code, "year": year, "unit": unit_code, "kind": kind, "version": found.version}
    if period:
        params["period"] = period
    if level != index.unit_level:
        params["level"] = level
    # The link clicked twice, or the page reloaded: the same report, made once.
    job = jobs.start(REPORT, title, request=request, params=params, reuse=True)
    return redirect("jobs:job", job.pk)


CONFERENCE_KINDS = ("docx", "xlsx", "pdf")


def conference_file(request: HttpRequest, unit_code: str, year: int, kind: str) -> HttpResponse:
    """Start making the conference report of a unit for a year (every index, or those named by
    ?chi-so=papi&chi-so=pci; ?ngon-ngu=en for English); its job's page offers the file."""
    from chiso.core.pdf import soffice
    from chiso.reports.overview import locality_indices

    if kind not in CONFERENCE_KINDS:
        raise Http404(" | ".join(CONFERENCE_KINDS))
    if kind == "pdf" and soffice() is None:
        raise Http404(_("Máy chủ chưa cài LibreOffice nên không tạo được PDF."))
    codes = request.GET.getlist("chi-so")
    try:
        indices = [find_index(code) for code in codes] if codes else locality_indices(year)
    except IndexNotFound as exc:
        raise Http404(str(exc)) from exc
    if not indices:
        raise Http404(_("Chưa có kết quả chỉ số nào được công bố năm {year}.").format(year=year))
    names = []
    for index in indices:
        try:
            unit = registry((index.unit_level,)).resolve(
                unit_code, level=index.unit_level, on=reference_date(year)
            )
        except UnitError:
            continue
        names.append(unit.name)
    if not names:
        raise Http404(_("Không có đơn vị {code}.").format(code=unit_code))
    language = "en" if request.GET.get("ngon-ngu") == "en" else "vi"
    job = jobs.start(
        CONFERENCE,
        _("Báo cáo hội nghị {year}: {unit}").format(year=year, unit=names[0]),
        request=request,
        params={"unit": unit_code, "year": year, "indices": codes, "kind": kind, "language": language},
    )
    return redirect("jobs:job", job.pk)
