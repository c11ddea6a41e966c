"""The report downloads offered on a unit's profile page: the conference report (Word) and the
Excel workbook of its tables, made in the background (`chiso.reports.jobs`) and downloaded from
the job's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from chiso.engine.units import UnitError
from chiso.frameworks.services import IndexNotFound, find_index
from chiso.jobs import services as jobs
from chiso.reports.jobs import REPORT
from chiso.results.models import ResultSet
from chiso.results.services import reference_date
from chiso.units.registry import registry

KINDS = ("docx", "xlsx")


def report_file(request: HttpRequest, index_code: str, year: int, unit_code: str, kind: str) -> HttpResponse:
    """Start making the report of a unit (Word, or the Excel workbook of its tables); its job's page
    offers the file when it is ready."""
    if kind not in KINDS:
        raise Http404(" | ".join(KINDS))
    try:
        index = find_index(index_code)
        unit = registry((index.unit_level,)).resolve(
            unit_code, level=index.unit_level, on=reference_date(year)
        )
    except (IndexNotFound, UnitError) as exc:
        raise Http404(str(exc)) from exc
    version = ResultSet.objects.published().filter(index=index, year=year).values_list("version", flat=True)
    if not version:
        raise Http404(
            _("Chưa có kết quả công bố {index} năm {year}.").format(index=index.short_name, year=year)
        )
    title = (
        _("Báo cáo {index} {year}: {unit}") if kind == "docx" else _("Bảng số liệu {index} {year}: {unit}")
    ).format(index=index.short_name, year=year, unit=unit.name)
    job = jobs.start(
        REPORT,
        title,
        request=request,
        params={"index": index.code, "year": year, "unit": unit_code, "kind": kind, "version": version[0]},
        reuse=True,  # the link clicked twice, or the page reloaded: the same report, made once
    )
    return redirect("jobs:job", job.pk)
