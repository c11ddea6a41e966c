"""The survey work that runs in the background (`chiso.jobs`): importing a response file and
estimating a survey. Each handler calls the same service as `chiso survey import-responses` and
`chiso survey compute`, with the job's progress."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.core.progress import Progress
from chiso.core.uploads import MAX_ERRORS
from chiso.jobs.models import Job
from chiso.jobs.services import JobFailed, Outcome
from chiso.surveys import services
from chiso.surveys.models import Survey

IMPORT = "chiso.surveys.jobs:import_responses"
ESTIMATE = "chiso.surveys.jobs:estimate"
STORED_FOLDER = "surveys/responses"


def _survey(job: Job) -> Survey:
    survey = Survey.objects.select_related("questionnaire").filter(pk=job.params.get("survey")).first()
    if survey is None:
        raise JobFailed(_("Đợt khảo sát không còn."))
    return survey


def import_responses(job: Job, progress: Progress) -> Outcome:
    """Import the stored response file (`params`: survey, stored, name, valid_only); refused rows are
    listed for the starter, with the step that imports the valid rows only."""
    survey = _survey(job)
    stored, name = job.params["stored"], job.params["name"]
    path = f"{STORED_FOLDER}/{stored}"
    if not default_storage.exists(path):
        raise JobFailed(_("Không tìm thấy tệp đã tải lên; hãy tải lại."))
    with default_storage.open(path) as handle:
        upload = ContentFile(handle.read(), name=name)
    try:
        batch = services.import_responses(
            survey, upload, valid_only=job.params["valid_only"], user=job.user, progress=progress
        )
    except services.SurveyError as exc:
        report = exc.report
        step = {}
        if report is not None and report.problems and not job.params["valid_only"]:
            step = {
                "url": reverse("surveys:import", args=[survey.pk]),
                "label": _("Chỉ nhập các dòng hợp lệ"),
                "note": _("Các dòng lỗi ở trên sẽ bị bỏ qua và được ghi lại trong lần nhập."),
                "fields": {"stored": stored, "name": name},
            }
        heading = str(exc).split("\n")[0]
        if report is not None and report.problems:
            heading = _("Chưa nhập phiếu nào. {summary}.").format(summary=report.summary())
        problems = [str(p) for p in report.problems[:MAX_ERRORS]] if report else str(exc).split("\n")[1:]
        raise JobFailed(heading, problems, step) from exc
    default_storage.delete(path)  # imported: the valid-rows step no longer needs it
    return Outcome(
        url=reverse("surveys:survey", args=[survey.pk]),
        label=_("Về đợt khảo sát"),
        message=_("Đã nhập {n} phiếu từ {file} ({bad} dòng lỗi, {dup} phiếu trùng không tính lại).").format(
            n=batch.imported, file=batch.file_name, bad=batch.invalid_rows, dup=batch.duplicates
        ),
    )


def estimate(job: Job, progress: Progress) -> Outcome:
    """Estimate every index of the survey and store them (`params`: survey)."""
    survey = _survey(job)
    try:
        count = services.estimate(survey, job.user, progress=progress)
    except services.SurveyError as exc:
        raise JobFailed(str(exc)) from exc
    return Outcome(
        url=reverse("surveys:results", args=[survey.pk]),
        label=_("Xem kết quả khảo sát"),
        message=_("Đã tính và lưu {n} kết quả.").format(n=count),
    )
