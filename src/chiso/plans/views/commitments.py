"""The commitments of a plan's agencies (print, sign, upload the signed scan) and the scorecard."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.core.files import clean_file_name
from chiso.plans import services
from chiso.plans.services import PlanError
from chiso.plans.services import commitments as cm
from chiso.plans.services import scorecard as sc
from chiso.plans.views.common import visible_plan
from chiso.units.models import Unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _agency(request: HttpRequest, plan, agency_id: int) -> Unit:
    """An agency with a part in the plan whose commitment the user may see (404 otherwise)."""
    agency = next((a for a in services.involved_agencies(plan) if a.pk == agency_id), None)
    if agency is None or not cm.may_see_commitment(request.user, agency):
        raise Http404
    return agency


@login_required
def commitment_document(request: HttpRequest, pk: int, agency_id: int) -> HttpResponse:
    """The agency's commitment to print: Word (?dinh-dang=pdf: PDF when LibreOffice is installed)."""
    from chiso.core.pdf import PdfError

    plan = visible_plan(request, pk)
    agency = _agency(request, plan, agency_id)
    content = cm.commitment_content(plan, agency)
    pdf = request.GET.get("dinh-dang") == "pdf"
    stem = cm.file_stem(plan, agency)
    scratch = Path(tempfile.mkdtemp())
    try:
        if pdf:
            path = cm.write_pdf(content, scratch / f"{stem}.pdf")
        else:
            path = cm.write_docx(content, scratch / f"{stem}.docx")
    except (PdfError, cm.CommitmentDocumentError) as exc:
        messages.error(request, str(exc))
        return redirect(reverse("plans:plan", args=[plan.pk]) + "#commitments")
    data = path.read_bytes()
    path.unlink()
    response = HttpResponse(data, content_type="application/pdf" if pdf else DOCX)
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response


@require_POST
@login_required
def commitment_scan(request: AuthenticatedHttpRequest, pk: int, agency_id: int) -> HttpResponse:
    """Upload the signed scan: marks the commitment signed on paper on the date given."""
    plan = visible_plan(request, pk)
    agency = _agency(request, plan, agency_id)
    upload = request.FILES.get("scan")
    signed_on = None
    raw = request.POST.get("signed_on", "").strip()
    try:
        if raw:
            try:
                signed_on = date.fromisoformat(raw)
            except ValueError:
                raise PlanError(_("Ngày ký không hợp lệ: %(value)s.") % {"value": raw}) from None
        if upload is None:
            raise PlanError(_("Chọn tệp bản cam kết đã ký (PDF hoặc ảnh)."))
        cm.attach_scan(request.user, plan, agency, upload, signed_on)
    except PlanError as exc:
        messages.error(request, f"{agency.name}: {exc}")
    else:
        messages.success(request, _("Đã lưu bản cam kết đã ký của %(agency)s.") % {"agency": agency.name})
    return redirect(reverse("plans:plan", args=[plan.pk]) + "#commitments")


@login_required
def commitment_scan_file(request: HttpRequest, pk: int, agency_id: int) -> FileResponse:
    plan = visible_plan(request, pk)
    agency = _agency(request, plan, agency_id)
    commitment = plan.commitments.filter(agency=agency).first()
    if commitment is None or not commitment.scan:
        raise Http404
    return FileResponse(
        commitment.scan.open("rb"),
        as_attachment=True,
        filename=clean_file_name(commitment.scan_name) or "tep",
    )


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    """Every agency's delivery, best first: for the leader's annual evaluation of the heads."""
    if not cm.sees_all_commitments(request.user):
        raise PermissionDenied
    plan = visible_plan(request, pk)
    today = timezone.localdate()
    rows = sc.scorecard(plan, today)
    if request.GET.get("dinh-dang") == "xlsx":
        response = HttpResponse(sc.workbook(plan, rows, today), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="danh-gia-thuc-hien-{plan.year}-{plan.pk}.xlsx"'
        )
        return response
    context = {
        "plan": plan,
        "rows": list(zip(rows, sc.as_records(rows), strict=True)),
        "rule": sc.on_time_rule(),
        "today": today,
    }
    return render(request, "plans/scorecard.html", context)
