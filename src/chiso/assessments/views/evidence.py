"""Evidence documents of a criterion: upload, removal, download (only for those who may see the
assessment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.models import Assessment, Evidence
from chiso.assessments.views.assessment import criterion_post, error_response, render_criterion
from chiso.assessments.views.common import back_to, forbidden, get_assessment, leaf_or_404, message_of
from chiso.core import once
from chiso.core.files import clean_file_name
from chiso.engine.frameworks import Node


@criterion_post
def upload(request: AuthenticatedHttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """Attach one or more evidence files to a criterion."""
    files = request.FILES.getlist("file")
    if not files:
        return error_response(request, assessment, node, _("Hãy chọn tệp để tải lên."))
    added = 0
    try:
        # One transaction: all the files or none; the same form posted twice attaches them once.
        with once.first_post(request) as first:
            for upload_file in files if first else []:
                evidence_service.add_evidence(request.user, assessment, node.code, upload_file)
                added += 1
    except workflow.NotAllowed:
        raise
    except workflow.WorkflowError as exc:
        return error_response(request, assessment, node, message_of(exc))
    if request.htmx:
        return render_criterion(request, assessment, node, saved=True)
    if first:
        messages.success(
            request, _("Đã tải lên %(n)s tệp cho tiêu chí %(code)s.") % {"n": added, "code": node.code}
        )
    else:
        messages.info(request, str(once.ALREADY))
    return back_to(assessment, node.code)


def _evidence_or_404(request: HttpRequest, pk: int, evidence_id: int) -> tuple[Assessment, Evidence]:
    the_assessment = get_assessment(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, assessment=the_assessment)
    return the_assessment, evidence


@login_required
@require_POST
def remove_evidence(request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    the_assessment, evidence = _evidence_or_404(request, pk, evidence_id)
    node = leaf_or_404(the_assessment.cycle.framework.to_engine(), evidence.criterion)
    try:
        evidence_service.remove_evidence(request.user, evidence)
    except workflow.NotAllowed as exc:
        return forbidden(request, message_of(exc))
    if request.htmx:
        return render_criterion(request, the_assessment, node, saved=True)
    messages.success(request, _("Đã gỡ tệp %(name)s.") % {"name": evidence.original_name})
    return back_to(the_assessment, node.code)


@login_required
@require_GET
def download_evidence(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """The document with its original name; only for those who may see the assessment."""
    _the_assessment, evidence = _evidence_or_404(request, pk, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("tệp không còn") from None
    inline = evidence.content_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=clean_file_name(evidence.original_name) or "tep",
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
