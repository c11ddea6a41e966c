"""A job's page: its progress bar, polled with htmx while it runs, then its result or its error —
for its starter and the officers only."""

from __future__ import annotations

import uuid

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from chiso.core import once
from chiso.jobs import services
from chiso.jobs.models import Job


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (signed in or not)."""

    htmx: HtmxDetails


WAITING_LONG = 30  # seconds in the queue before the page says that no worker may be running


def _visible_job(request: HttpRequest, pk: uuid.UUID) -> Job:
    job = get_object_or_404(Job.objects.select_related("user"), pk=pk)
    if not services.visible(job, request):
        raise PermissionDenied(_("Chỉ người bắt đầu việc này và Sở Nội vụ được xem."))
    return job


def job(request: HtmxHttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The job's page; an htmx request gets only its progress panel (polled every second)."""
    try:
        item = _visible_job(request, pk)
    except PermissionDenied:
        if not request.user.is_authenticated and not request.htmx:
            return redirect_to_login(request.get_full_path())
        raise
    snap = services.snapshot(item)
    context = {
        "job": item,
        "snap": snap,
        "left": services.describe_seconds(snap.seconds_left) if snap.seconds_left else "",
        "next_token": once.new_token() if item.next_step else "",
        "back": services.back_link(item),
        "waiting_long": item.state == Job.State.QUEUED
        and (timezone.now() - item.created_at).total_seconds() > WAITING_LONG,
    }
    if request.htmx:
        return render(request, "jobs/_progress.html", context)
    return render(request, "jobs/job.html", context)


def job_file(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    """The file a finished job made (a report), for its starter."""
    item = _visible_job(request, pk)
    if item.state != Job.State.DONE or not item.result_file:
        raise Http404
    path = services.folder(item) / item.result_file
    if not path.is_file():
        raise Http404(_("Tệp đã được dọn sau {days} ngày; hãy tạo lại.").format(days=services.KEEP_DAYS))
    return FileResponse(path.open("rb"), as_attachment=True, filename=item.result_file)
