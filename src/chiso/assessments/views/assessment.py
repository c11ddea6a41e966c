"""One unit's assessment: the page, and the frame shared by the per-criterion posts (the card
re-rendered after a change, refusals, conflicts between concurrent edits)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.models import Assessment, State
from chiso.assessments.views.common import (
    back_to,
    fmt,
    forbidden,
    get_assessment,
    is_inside,
    leaf_or_404,
    message_of,
    places_of,
    when,
)
from chiso.assessments.views.page import (
    action_buttons,
    build_page,
    fingerprint,
    missing_items,
    page_totals,
    progress_steps,
    sections,
)
from chiso.core.pagecache import kept_page
from chiso.engine.frameworks import Framework, Node
from chiso.engine.numbers import format_date

# -- one unit's assessment ---------------------------------------------------------------------------


@login_required
@require_GET
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """The page, kept as rendered HTML under its fingerprint (`page.fingerprint`): the same page
    for everyone who may do the same things with it, until anything it shows changes."""
    the_assessment = get_assessment(request, pk)
    actions = perm.allowed_actions(request.user, the_assessment)
    inside = is_inside(request.user, the_assessment.cycle)
    return kept_page(
        request,
        fingerprint(the_assessment, actions, inside),
        lambda: _assessment_page(request, the_assessment),
    )


def _assessment_page(request: HttpRequest, the_assessment: Assessment) -> HttpResponse:
    page = build_page(request, the_assessment)
    missing = []
    if (
        page.actions & {perm.EDIT_SELF, perm.SEND_TO_HEAD, perm.HEAD_APPROVE}
        and the_assessment.state == State.DRAFT
    ):
        missing = missing_items(the_assessment, page.framework)
    context = {
        "a": the_assessment,
        "page": page,
        "sections": sections(page),
        "totals": page_totals(page),
        "buttons": action_buttons(page),
        "missing": missing,
        "due": format_date(the_assessment.cycle.self_assessment_due),
        "inside": is_inside(request.user, the_assessment.cycle),
        "can_edit": perm.EDIT_SELF in page.actions,
        "can_appraise": perm.APPRAISE in page.actions,
        "can_explain": perm.EXPLAIN in page.actions,
        "head_name": the_assessment.head_approved_by.get_username()
        if the_assessment.head_approved_by
        else "",
        "submitted": when(the_assessment.submitted_at),
        "approved": when(the_assessment.approved_at),
        "evidence_accept": ",".join(evidence_service.EVIDENCE_TYPES),
        "steps": progress_steps(the_assessment),
    }
    return render(request, "assessments/assessment.html", context)


def render_criterion(
    request: HttpRequest,
    assessment: Assessment,
    node: Node,
    status: int = 200,
    **changes: Any,
) -> HttpResponse:
    """The criterion card after a change, with the field subtotal and page totals swapped out of band."""
    assessment.refresh_from_db()
    page = build_page(request, assessment)
    criterion = page.criterion(node)
    for key, value in changes.items():
        setattr(criterion, key, value)
    field_node = _field_of(page.framework, node)
    html = render_to_string(
        "assessments/_criterion.html",
        {
            "c": criterion,
            "a": assessment,
            "page": page,
            "evidence_accept": ",".join(evidence_service.EVIDENCE_TYPES),
        },
        request=request,
    )
    html += render_to_string(
        "assessments/_oob_totals.html",
        {
            "field": {"node": field_node, "totals": page.totals(field_node)} if field_node else None,
            "totals": page_totals(page),
            "page": page,
            "a": assessment,
        },
        request=request,
    )
    return HttpResponse(html, status=status)


def _field_of(framework: Framework, node: Node) -> Node | None:
    for field_node in framework.root.children:
        if any(n.code == node.code for n in field_node.walk()):
            return field_node
    return None


def criterion_post(
    handler: Callable[[AuthenticatedHttpRequest, Assessment, Node], HttpResponse],
) -> Callable[[AuthenticatedHttpRequest, int, str], HttpResponse]:
    """Common frame of the per-criterion actions: login, POST, visibility, the leaf, refusals."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
        the_assessment = get_assessment(request, pk)
        node = leaf_or_404(the_assessment.cycle.framework.to_engine(), code)
        try:
            return handler(request, the_assessment, node)
        except workflow.NotAllowed as exc:
            return forbidden(request, message_of(exc))

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


def error_response(
    request: AuthenticatedHttpRequest, assessment: Assessment, node: Node, message: str, **changes: Any
) -> HttpResponse:
    if request.htmx:
        return render_criterion(request, assessment, node, status=422, error=message, **changes)
    messages.error(request, f"{node.code}: {message}")
    return back_to(assessment, node.code)


def save_criterion(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    node: Node,
    save: Callable[[], object],
    typed: dict[str, Any],
    done: str,
    describe: Callable[[workflow.WorkflowError], str],
) -> HttpResponse:
    """Run one criterion's save; a concurrent edit shows both values (409), a refused value is
    shown next to the inputs the user typed, and NotAllowed goes on to the 403 handler."""
    try:
        save()
    except workflow.StaleEdit as exc:
        conflict = _conflict(exc, assessment)
        if request.htmx:
            return render_criterion(request, assessment, node, status=409, conflict=conflict, **typed)
        messages.error(request, conflict["message"])
        return back_to(assessment, node.code)
    except workflow.NotAllowed:
        raise
    except workflow.WorkflowError as exc:
        return error_response(request, assessment, node, describe(exc), **typed)
    if request.htmx:
        return render_criterion(request, assessment, node, saved=True)
    messages.success(request, done)
    return back_to(assessment, node.code)


def _conflict(exc: workflow.StaleEdit, assessment: Assessment) -> dict[str, Any]:
    places = places_of(assessment.cycle.framework.to_engine())
    theirs = fmt(exc.theirs, places) if isinstance(exc.theirs, Decimal) else (exc.theirs or "–")
    yours = fmt(exc.yours, places) if isinstance(exc.yours, Decimal) else (exc.yours or "–")
    message = _(
        "Tiêu chí %(code)s vừa được %(by)s lưu với %(theirs)s điểm trong lúc bạn đang sửa. "
        "Giá trị bạn nhập (%(yours)s điểm) chưa được lưu. Hãy so sánh rồi bấm Lưu lần nữa nếu muốn giữ giá trị của bạn."
    ) % {"code": exc.criterion, "by": exc.by, "theirs": theirs, "yours": yours}
    return {"by": exc.by, "theirs": theirs, "yours": yours, "message": message}
