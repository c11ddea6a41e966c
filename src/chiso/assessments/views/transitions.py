"""The steps of the cycle an assessment goes through (send, approve, withdraw, appraise, council…)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import actions as perm
from chiso.assessments import workflow
from chiso.assessments.views.common import back_to, forbidden, get_assessment, int_or_none, message_of
from chiso.assessments.views.page import missing_items

# -- transitions ------------------------------------------------------------------------------------

# slug → (the workflow step, whether it needs a reason, the message once done, its action in the table)
TRANSITIONS: dict[str, tuple[Callable[..., Any], bool, Any, str]] = {
    "send_to_head": (
        workflow.send_to_head,
        False,
        gettext_lazy("Đã gửi thủ trưởng đơn vị phê duyệt."),
        perm.SEND_TO_HEAD,
    ),
    "head_approve": (
        workflow.head_approve,
        False,
        gettext_lazy("Đã phê duyệt và gửi thẩm định."),
        perm.HEAD_APPROVE,
    ),
    "withdraw": (
        workflow.withdraw,
        True,
        gettext_lazy("Đã rút lại; bản đánh giá trở về trạng thái đang tự đánh giá."),
        perm.WITHDRAW,
    ),
    "send_appraisal": (
        workflow.send_appraisal,
        False,
        gettext_lazy("Đã gửi kết quả thẩm định cho đơn vị."),
        perm.SEND_APPRAISAL,
    ),
    "finish_explanation": (
        workflow.finish_explanation,
        False,
        gettext_lazy("Đã gửi giải trình cho tổ thẩm định."),
        perm.EXPLAIN,
    ),
    "send_to_council": (
        workflow.send_to_council,
        False,
        gettext_lazy("Đã trình hội đồng."),
        perm.SEND_TO_COUNCIL,
    ),
    "council_approve": (
        workflow.council_approve,
        False,
        gettext_lazy("Hội đồng đã phê duyệt; điểm đã được chốt."),
        perm.COUNCIL_APPROVE,
    ),
    "reopen": (workflow.reopen, True, gettext_lazy("Đã mở lại bản đánh giá."), perm.REOPEN),
}


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    """One step of the cycle; refused steps answer 403, invalid ones come back with the reason."""
    if name not in TRANSITIONS:
        raise Http404("không có thao tác")
    the_assessment = get_assessment(request, pk)
    function, needs_reason, done, action = TRANSITIONS[name]
    args = [request.POST.get("reason", "")] if needs_reason else []
    try:
        with transaction.atomic():
            # The wrong people are refused first; then a page older than the last step (the
            # version it showed is required), in the same transaction as the step.
            workflow.require_allowed(request.user, action, workflow.locked_for_update(the_assessment))
            workflow.check_assessment_version(the_assessment, int_or_none(request.POST.get("version")))
            function(request.user, the_assessment, *args)
    except workflow.NotAllowed as exc:
        return forbidden(request, message_of(exc))
    except workflow.StaleAssessment as exc:
        messages.error(request, message_of(exc))
        return back_to(the_assessment)
    except workflow.WorkflowError as exc:
        if name in ("send_to_head", "head_approve"):
            missing = missing_items(the_assessment, the_assessment.cycle.framework.to_engine())
            if missing:
                codes = ", ".join(m["code"] for m in missing[:12])
                messages.error(
                    request, _("Chưa thể gửi: còn tiêu chí chưa hoàn thành (%(codes)s).") % {"codes": codes}
                )
                return back_to(the_assessment)
        if needs_reason and not request.POST.get("reason", "").strip():
            messages.error(request, _("Cần nêu lý do."))
        else:
            messages.error(request, message_of(exc))
        return back_to(the_assessment)
    messages.success(request, str(done))
    return back_to(the_assessment)
