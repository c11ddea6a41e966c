"""The leaders' dashboard: on track, at risk, overdue by agency; escalations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.core import svgcharts
from chiso.jobs import services as jobs
from chiso.plans import services
from chiso.plans.jobs import ESCALATE
from chiso.plans.models import Escalation
from chiso.plans.views.common import manager_required


@login_required
def leaders(request: HttpRequest) -> HttpResponse:
    """On track, at risk, overdue — by agency; late tasks and silent owners; the escalations sent."""
    if not services.reads_all(request.user):
        raise PermissionDenied
    board = services.dashboard(services.visible_plans(request.user))
    chart = svgcharts.stacked_bars(
        [row.agency.name for row in board.rows],
        [
            svgcharts.Series(label, colour, [getattr(row, key) for row in board.rows])
            for key, label, colour in (
                ("on_track", _("Đúng tiến độ"), "#1b7a43"),
                ("at_risk", _("Có nguy cơ chậm"), "#b06f00"),
                ("overdue", _("Quá hạn"), "#b3261e"),
                ("done", _("Hoàn thành"), "#3a6ea5"),
            )
        ],
        label=_("Nội dung theo cơ quan chủ trì"),
    )
    escalations = [
        {"e": e, "text": services.describe(e)}
        for e in Escalation.objects.select_related("item__plan", "agency", "task").order_by("-created")[:50]
    ]
    context = {
        "board": board,
        "chart": chart,
        "escalations": escalations,
        "manages": services.manages(request.user),
    }
    return render(request, "plans/leaders.html", context)


@require_POST
@manager_required
def escalate_now(request: HttpRequest) -> HttpResponse:
    """Run today's check (`chiso plans remind`) now, in the background."""
    job = jobs.start(ESCALATE, _("Kiểm tra và gửi cảnh báo kế hoạch cải thiện"), request=request)
    return redirect("jobs:job", job.pk)
