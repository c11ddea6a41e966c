"""The rounds' background work (`chiso.jobs`): reminding the agencies that have not answered, started
from the round's page (the same as `chiso rounds remind`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.core.progress import Progress
from chiso.jobs.models import Job
from chiso.jobs.services import Outcome
from chiso.rounds.models import Round
from chiso.rounds.services import remind

REMIND = "chiso.rounds.jobs:remind_missing"


def remind_missing(job: Job, progress: Progress) -> Outcome:
    """E-mail the agencies of the round `job.params["round"]` that have not sent their answer."""
    round_ = Round.objects.select_related("organiser").get(pk=job.params["round"])
    done = remind(round_, user=job.user, progress=progress)
    return Outcome(
        url=reverse("rounds:round", args=[round_.pk]),
        label=_("Về đợt báo cáo"),
        message=_("Đã nhắc {n} cơ quan, gửi {emails} thư.").format(n=len(done.agencies), emails=done.emails),
    )
