"""The units work that runs in the background (`chiso.jobs`): importing units from a workbook."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from chiso.core.progress import Progress
from chiso.jobs.models import Job
from chiso.jobs.services import JobFailed, Outcome, input_name, input_path
from chiso.units.importer import UnitImportError, import_units

IMPORT_UNITS = "chiso.units.jobs:import_units_file"


def import_units_file(job: Job, progress: Progress) -> Outcome:
    """Import the uploaded workbook (all rows or none); `params`: default_parent, back (the page)."""
    # Read under the name its sender gave it: refusals and the import log name that file.
    upload = ContentFile(input_path(job).read_bytes(), name=input_name(job))
    try:
        result = import_units(upload, default_parent=job.params["default_parent"], progress=progress)
    except UnitImportError as exc:
        raise JobFailed(
            _("Tệp bị từ chối; chưa ghi đơn vị nào. Sửa các lỗi dưới đây rồi nhập lại."), exc.problems
        ) from exc
    return Outcome(
        url=job.params["back"],
        label=_("Về danh sách đơn vị"),
        message=_("Đã nhập: {created} đơn vị mới, {updated} đơn vị cập nhật.").format(
            created=result.created, updated=result.updated
        ),
    )
