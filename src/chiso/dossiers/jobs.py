"""The 766 work that runs in the background (`chiso.jobs`): importing a dossier file and computing a
period. Each handler calls the same service as `chiso dossiers import` and `chiso dossiers compute`,
with the job's progress; a refused file fails the job with its row errors and writes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.core.progress import Progress, no_progress
from chiso.dossiers import services
from chiso.dossiers.engines import EngineError
from chiso.dossiers.models import DossierRun
from chiso.dossiers.periods import PeriodError, parse_period, period_label
from chiso.jobs.models import Job
from chiso.jobs.services import JobFailed, Outcome, input_name, input_path

IMPORT = "chiso.dossiers.jobs:import_dossier_file"
COMPUTE = "chiso.dossiers.jobs:compute_period"


def import_dossier_file(job: Job, progress: Progress) -> Outcome:
    """Import the uploaded export (`params`: kind); the rows with a unit code the registry does not
    know are imported and listed for the starter, row by row."""
    outcome = services.import_file(
        input_path(job),
        kind=job.params.get("kind", "dossiers"),
        user=job.user,
        file_name=input_name(job),
        progress=progress,
    )
    if not outcome.ok:
        raise JobFailed(
            _("Tệp {name} bị từ chối; chưa ghi dòng nào. Sửa các lỗi dưới đây rồi nhập lại.").format(
                name=outcome.file_name
            ),
            outcome.errors,
        )
    return Outcome(
        url=reverse("dossiers:month"),
        label=_("Về trang chỉ số 766"),
        message=_("Đã nhập {imported}/{total} dòng, thay {replaced} hồ sơ đã có.").format(
            imported=outcome.imported, total=outcome.total, replaced=outcome.replaced
        ),
        notes=outcome.warnings,
    )


def compute_with_progress(
    period: str,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    under: str | None = None,
    user: Any = None,
    progress: Progress = no_progress,
) -> DossierRun:
    """`services.compute` with its steps told: the files read, the aggregation (one query on the
    engine: no step inside it), the run stored. PeriodError for a period written wrong."""
    parse_period(period)
    count = len(services.files("dossiers"))
    progress(
        0,
        2,
        _("Tính {period} từ {files} tệp hồ sơ bằng {engine}").format(
            period=period_label(period), files=count, engine=engine
        ),
    )
    run = services.compute(period, engine=engine, master=master, under=under, user=user)
    progress(
        2,
        2,
        _("Đã tính {period}: {units} đơn vị").format(period=period_label(run.period), units=len(run.scores)),
    )
    return run


def compute_period(job: Job, progress: Progress) -> Outcome:
    """Compute the 766 index of a period (`params`: period) and store it."""
    try:
        run = compute_with_progress(job.params.get("period", ""), user=job.user, progress=progress)
    except (PeriodError, EngineError) as exc:
        raise JobFailed(str(exc)) from exc
    return Outcome(
        url=f"{reverse('dossiers:month')}?ky={run.period}",
        label=_("Xem {period}").format(period=period_label(run.period)),
        message=_("Đã tính {period}.").format(period=period_label(run.period)),
    )
