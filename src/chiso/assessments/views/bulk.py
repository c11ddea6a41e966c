"""The officer's page for scoring a whole cycle from one file (`chiso.assessments.bulk`): the same
service as `chiso cycles import-scores`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chiso.accounts.permissions import manages
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.assessments import bulk, workflow
from chiso.assessments.views.common import cycle_or_404, forbidden, message_of
from chiso.core import once
from chiso.core.uploads import FileRefused
from chiso.engine.frameworks import SURVEY


@login_required
def import_scores(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    the_cycle = cycle_or_404(request, pk)
    if not manages(request.user, the_cycle.organiser_id):
        return forbidden(request, _("Chỉ cán bộ Sở Nội vụ của kỳ đánh giá nhập điểm cho cả kỳ."))
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("Hãy chọn tệp CSV hoặc Excel (.xlsx).")]
        else:
            try:
                with once.first_post(request) as first:  # the same form posted twice imports once
                    report = (
                        bulk.import_scores(request.user, the_cycle, upload.read(), upload.name or "")
                        if first
                        else None
                    )
            except FileRefused as exc:
                problems = list(exc.messages)
            except bulk.ImportRefused as exc:
                problems = exc.messages
            except workflow.WorkflowError as exc:
                return forbidden(request, message_of(exc))
            else:
                if report is None:
                    messages.info(request, str(once.ALREADY))
                else:
                    messages.success(
                        request,
                        _("Đã nhập điểm của {units} đơn vị: {criteria} điểm tiêu chí được ghi.").format(
                            units=report.units, criteria=report.criteria
                        ),
                    )
                return redirect("assessments:results", pk=the_cycle.pk)
    framework = the_cycle.framework.to_engine()
    columns = [
        f"{leaf.code}.{name}" if len(bulk.inputs_of(leaf)) > 1 else leaf.code
        for leaf in framework.leaves()
        if leaf.method != SURVEY
        for name in bulk.inputs_of(leaf)
    ]
    return render(
        request,
        "assessments/import_scores.html",
        {"cycle": the_cycle, "problems": problems, "columns": columns},
        status=400 if problems else 200,
    )
