"""Per-criterion posts on the scores: the unit's self score (and its preview), the appraiser's
points, the unit's explanation of a difference."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments import forms, workflow
from chiso.assessments.models import Assessment
from chiso.assessments.scoring import leaf_points
from chiso.assessments.templatetags.chiso_ui import lang
from chiso.assessments.views.assessment import (
    criterion_post,
    error_response,
    render_criterion,
    save_criterion,
)
from chiso.assessments.views.common import back_to, fmt, int_or_none, message_of, places_of
from chiso.core import once
from chiso.engine.frameworks import Node
from chiso.engine.rules import ScoringInputError


def scoring_message(exc: Exception) -> str:
    cause = exc.__cause__ if isinstance(exc, workflow.WorkflowError) else exc
    if isinstance(cause, ScoringInputError):
        label = forms.input_label("", cause.field)
        return f"{label}: {cause.problem}"
    return message_of(exc)


@criterion_post
def preview(request: AuthenticatedHttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The points these inputs would give, as the unit types; nothing is saved."""
    if not perm.allowed(request.user, perm.EDIT_SELF, assessment):
        raise workflow.NotAllowed(_("Bạn không sửa được bản đánh giá này."))
    inputs = {k: v for k, v in forms.read_inputs(node, request.POST).items() if v not in ("", None)}
    places = places_of(assessment.cycle.framework.to_engine())
    context = {"points": None, "error": "", "max": fmt(node.max_points, places)}
    if inputs:
        try:
            context["points"] = fmt(leaf_points(assessment, node, inputs), places)
        except ScoringInputError as exc:
            context["error"] = scoring_message(exc)
    return render(request, "assessments/_preview.html", context)


@criterion_post
def save_self(request: AuthenticatedHttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """Save the unit's inputs and note for one criterion (optimistic locking on `version`)."""
    inputs = forms.read_inputs(node, request.POST)
    note = request.POST.get("note", "")
    version = int_or_none(request.POST.get("version"))
    typed = {"fields": forms.input_fields(node, inputs, lang()), "note": note}
    return save_criterion(
        request,
        assessment,
        node,
        lambda: workflow.save_self_score(
            request.user, assessment, node.code, inputs, note, expected_version=version
        ),
        typed,
        _("Đã lưu tiêu chí %(code)s.") % {"code": node.code},
        scoring_message,
    )


@criterion_post
def appraise(request: AuthenticatedHttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The appraiser's points and reason for one criterion."""
    points = request.POST.get("appraised_points", "").strip()
    reason = request.POST.get("reason", "")
    version = int_or_none(request.POST.get("version"))
    typed = {"appraise_value": points, "appraise_reason": reason}
    if not points:
        return error_response(request, assessment, node, _("Hãy nhập điểm thẩm định."), **typed)
    return save_criterion(
        request,
        assessment,
        node,
        lambda: workflow.set_appraised(
            request.user, assessment, node.code, points, reason, expected_version=version
        ),
        typed,
        _("Đã lưu điểm thẩm định tiêu chí %(code)s.") % {"code": node.code},
        message_of,
    )


@criterion_post
def explain(request: AuthenticatedHttpRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The unit's explanation (giải trình) of an appraised difference."""
    text = request.POST.get("text", "")
    try:
        with once.first_post(request) as first:  # the same form posted twice explains once
            if first:
                workflow.explain(request.user, assessment, node.code, text)
    except workflow.NotAllowed:
        raise
    except workflow.WorkflowError as exc:
        return error_response(request, assessment, node, message_of(exc), explain_text=text)
    if request.htmx:
        return render_criterion(request, assessment, node, saved=True)
    if first:
        messages.success(request, _("Đã ghi nội dung giải trình tiêu chí %(code)s.") % {"code": node.code})
    else:
        messages.info(request, str(once.ALREADY))
    return back_to(assessment, node.code)
