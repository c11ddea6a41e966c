"""The results work that runs in the background (`chiso.jobs`): saving a previewed result table.
The handler calls the importer `chiso import-results` uses, with the job's progress."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.core.progress import Progress, no_progress
from chiso.frameworks.models import Framework, Index
from chiso.frameworks.services import framework_for
from chiso.jobs.models import Job
from chiso.jobs.services import JobFailed, Outcome
from chiso.results.importer import ImportFailed, ImportReport, import_results
from chiso.results.services import ResultSetExists
from chiso.units.registry import registry

SAVE_TABLE = "chiso.results.jobs:save_table"


def run_import(
    pending: dict[str, Any], *, dry_run: bool, user: Any = None, progress: Progress = no_progress
) -> ImportReport:
    """Run the importer (the one `chiso import-results` uses) on a pending upload."""
    index = Index.objects.get(pk=pending["index"])
    year = pending["year"]
    mean = Decimal(pending["national_mean"]) if pending["national_mean"] else None
    return import_results(
        Path(pending["path"]),
        index,
        year,
        Framework.objects.get(pk=pending["framework"])
        if pending.get("framework")
        else framework_for(index, year),
        registry((index.unit_level,)),
        sheet=pending["sheet"] or None,
        replace=pending["replace"],
        dry_run=dry_run,
        publisher=pending["publisher"],
        document=pending["document"],
        source_url=pending["source_url"],
        national_mean=mean,
        user=user,
        file_name=pending["file_name"],
        progress=progress,
    )


def save_table(job: Job, progress: Progress) -> Outcome:
    """Write a previewed upload as a draft (validated again: nothing partial is ever written); the
    pending file, in the data folder since the preview, is removed either way."""
    pending = job.params["pending"]
    try:
        report = run_import(pending, dry_run=False, user=job.user, progress=progress)
    except ImportFailed as exc:
        raise JobFailed(_("Không lưu được: tệp có lỗi."), exc.errors) from exc
    except (ResultSetExists, LookupError) as exc:
        raise JobFailed(_("Không lưu được: {error}").format(error=exc)) from exc
    finally:
        Path(pending["path"]).unlink(missing_ok=True)
    result_set = report.result_set
    assert result_set is not None
    return Outcome(
        url=reverse("results:table", kwargs={"pk": result_set.pk}),
        label=_("Xem bảng kết quả"),
        message=_(
            "Đã lưu bản nháp {index} {year} (phiên bản {version}); chưa công khai cho đến khi công bố."
        ).format(index=result_set.index.short_name, year=result_set.year, version=result_set.version),
    )
