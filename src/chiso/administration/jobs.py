"""The officer's work that runs in the background (`chiso.jobs`): the reminder e-mails of a cycle."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.administration import services
from chiso.assessments.models import Cycle
from chiso.assessments.workflow import NotAllowed
from chiso.core.progress import Progress
from chiso.jobs.models import Job
from chiso.jobs.services import JobFailed, Outcome

SEND_REMINDERS = "chiso.administration.jobs:send_reminders"


def send_reminders(job: Job, progress: Progress) -> Outcome:
    """E-mail every unit of the cycle that has not submitted (`params`: cycle); the units without an
    address are listed for the officer."""
    cycle = Cycle.objects.filter(pk=job.params.get("cycle")).first()
    if cycle is None or job.user is None:
        raise JobFailed(_("Kỳ đánh giá hoặc người gửi không còn."))
    try:
        report = services.send_reminders(job.user, cycle, progress=progress)
    except NotAllowed as exc:
        raise JobFailed(str(exc)) from exc
    if report.emails:
        message = _("Đã gửi {emails} thư nhắc nhở tới {people} địa chỉ: {units}.").format(
            emails=report.emails, people=report.recipients, units=", ".join(report.units)
        )
    else:
        message = _("Không có đơn vị nào cần nhắc nhở.")
    notes = []
    if report.without_address:
        notes.append(
            _("Không có địa chỉ thư của cán bộ, thủ trưởng các đơn vị: {units}.").format(
                units=", ".join(report.without_address)
            )
        )
    return Outcome(
        url=reverse("administration:cycle", kwargs={"cycle_id": cycle.pk}),
        label=_("Về kỳ đánh giá"),
        message=message,
        notes=notes,
    )
