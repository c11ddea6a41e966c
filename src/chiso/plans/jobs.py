"""The plans' work that runs in the background (`chiso.jobs`): the daily check of late tasks and
silent agencies, started from the leaders' board (the same as `chiso plans remind`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.core.progress import Progress
from chiso.jobs.models import Job
from chiso.jobs.services import Outcome
from chiso.plans.services import escalate

ESCALATE = "chiso.plans.jobs:escalate_today"


def escalate_today(job: Job, progress: Progress) -> Outcome:
    """Record and send today's new warnings."""
    report = escalate(progress=progress)
    return Outcome(
        url=reverse("plans:leaders"),
        label=_("Về bảng theo dõi"),
        message=_("Đã ghi {new} cảnh báo mới, gửi {emails} thư.").format(
            new=len(report.new), emails=report.emails
        ),
    )
