"""Start a job, run it in the worker, and tell its starter where it stands.

A page calls `start` with the handler that does the work ("chiso.app.jobs:function", given the job
and a `Progress`) and, when there is one, the uploaded file: the file is saved in the job's folder
(under the data folder) before the task is queued, because the worker is another process. The
worker calls `run`: the handler runs inside one transaction, so a failure writes nothing; its
progress goes to a small file that the page polls (`snapshot`), since the transaction's writes are
invisible to other connections until it ends. The job's folder is removed with its input when the
job ends, unless the job made a file for its starter (a report), kept for `KEEP_DAYS`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from chiso.accounts.permissions import can_manage
from chiso.core.files import clean_file_name
from chiso.core.progress import Progress
from chiso.core.uploads import MAX_ERRORS
from chiso.jobs.models import Job

logger = logging.getLogger("chiso.jobs")

KEEP_DAYS = 7  # a job's output file (a report) is kept this long
MAX_PROBLEMS = MAX_ERRORS + 1  # the services' lists: the first 200 and a line counting the others
WRITE_EVERY = 0.5  # seconds between two writes of the progress file


class JobFailed(Exception):
    """The work was refused: `message` (and `problems`, row by row) are shown to the starter."""

    def __init__(
        self, message: str, problems: Iterable[str] = (), next_step: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = [str(p) for p in problems][:MAX_PROBLEMS]
        self.next_step = next_step or {}


@dataclass
class Outcome:
    """What a finished job offers its starter: a page (`url`) or a file it made (`file`, in its folder)."""

    url: str = ""
    label: str = ""
    file: str = ""
    message: str = ""
    notes: list[str] = field(default_factory=list)  # what the starter should know (shown as a list)


Handler = Callable[[Job, Progress], Outcome]


def jobs_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs"


def folder(job: Job) -> Path:
    """The job's own folder: its uploaded input, its progress file, the file it makes."""
    return jobs_root() / str(job.pk)


def input_path(job: Job) -> Path:
    """The uploaded file the job works on (saved by `start`)."""
    name = job.params.get("input", "")
    if not name:
        raise JobFailed(_("Việc này không có tệp đầu vào."))
    return folder(job) / name


def input_name(job: Job) -> str:
    """The uploaded file's name as its sender called it (cleaned)."""
    return str(job.params.get("input_name") or job.params.get("input") or "")


_last_prune = 0.0  # when this process last pruned (monotonic seconds): at most once an hour


def _prune(*, force: bool = False) -> None:
    """Forget the jobs that ended more than KEEP_DAYS ago: their folders (reports included), their
    rows and their queue's rows — at most once an hour per process, so starting a job stays cheap."""
    global _last_prune
    if not force and time.monotonic() - _last_prune < 3600 and _last_prune:
        return
    _last_prune = time.monotonic()
    root = jobs_root()
    stale = time.time() - KEEP_DAYS * 86400
    if root.is_dir():
        for path in root.iterdir():
            if path.is_dir() and path.stat().st_mtime < stale:
                shutil.rmtree(path, ignore_errors=True)
    cutoff = timezone.now() - timedelta(days=KEEP_DAYS)
    Job.objects.filter(finished_at__lt=cutoff).delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()


def start(
    kind: str,
    title: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    params: dict[str, Any] | None = None,
    upload: Any = None,
    reuse: bool = False,
) -> Job:
    """Record a job, save its upload (a Django UploadedFile or a path), and queue it for the worker.

    With `reuse`, the same starter asking again for the same work (kind and params) gets the job
    already queued, running or done with its file still kept, instead of a new one: a report link
    clicked twice makes one report. Put in `params` whatever makes the work different (a version)."""
    if not kind.startswith("chiso."):
        raise ValueError(kind)
    _prune()
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if reuse and upload is None:
        found = _same_job(kind, dict(params or {}), user, request)
        if found is not None:
            return found
    job = Job(kind=kind, title=title[:255], user=user, params=dict(params or {}))
    back = came_from(request)
    if back:
        job.params["back"] = back
    if user is None and request is not None:
        if request.session.session_key is None:
            request.session.save()
        job.session_key = request.session.session_key or ""
    job.save()
    if upload is not None:
        name = clean_file_name(getattr(upload, "name", None) or str(upload)) or "tep"
        suffix = Path(name).suffix.lower()[:10]
        target = folder(job) / f"input{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(upload, str | Path):
            shutil.copyfile(upload, target)
        else:
            with target.open("wb") as out:
                for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                    out.write(chunk)
        job.params |= {"input": target.name, "input_name": name}
        job.save(update_fields=["params"])
    from chiso.jobs.tasks import run_job  # the task module reads the backend at import

    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _same_job(kind: str, params: dict[str, Any], user: Any, request: HttpRequest | None) -> Job | None:
    """The starter's earlier job for the same work that is still useful, if any."""
    jobs = Job.objects.filter(kind=kind, created_at__gte=timezone.now() - timedelta(days=KEEP_DAYS))
    if user is not None:
        jobs = jobs.filter(user=user)
    elif request is not None and request.session.session_key:
        jobs = jobs.filter(user=None, session_key=request.session.session_key)
    else:
        return None
    for job in jobs.exclude(state=Job.State.FAILED).order_by("-created_at")[:20]:
        if {k: v for k, v in job.params.items() if k != "back"} != params:
            continue
        if job.state != Job.State.DONE:
            return job
        if not job.result_file or (folder(job) / job.result_file).is_file():
            return job
    return None


class FileProgress:
    """The `Progress` a running job reports to: a small JSON file in the job's folder, rewritten at
    most every WRITE_EVERY seconds (and always for the last step)."""

    def __init__(self, job: Job) -> None:
        self.path = folder(job) / "progress.json"
        self.done = 0
        self.total: int | None = None
        self.message = ""
        self._written = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        self.done, self.total = max(0, int(done)), (None if total is None else max(0, int(total)))
        self.message = message or self.message
        now = time.monotonic()
        last = self.total is not None and self.done >= self.total
        if now - self._written < WRITE_EVERY and not last:
            return
        self._written = now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(
            json.dumps({"done": self.done, "total": self.total, "message": self.message[:255]}),
            encoding="utf-8",
        )
        os.replace(partial, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def _handler(kind: str) -> Handler:
    if not kind.startswith("chiso."):
        raise ValueError(kind)
    return import_string(kind.replace(":", "."))


def came_from(request: HttpRequest | None) -> str:
    """The page of this site the work was asked from (its path and query, from the Referer), for a
    link back on the job's page; "" when unknown or elsewhere."""
    if request is None:
        return ""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path[:500] if path.startswith("/") and not path.startswith("//") else ""


def back_link(job: Job) -> str:
    """Where the job's page links back to: the page it was asked from, unless that is where the
    finished job already leads."""
    back = str(job.params.get("back", ""))
    return "" if not back or back == job.result_url else back


def run(job_id: str) -> None:
    """Run a queued job (the worker's task): the handler in one transaction, its outcome recorded."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    started = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=started)
    job.started_at = started
    progress = FileProgress(job)
    fields: dict[str, Any]
    try:
        handler = _handler(job.kind)
        with transaction.atomic():
            outcome = handler(job, progress)
    except JobFailed as exc:
        fields = {
            "state": Job.State.FAILED,
            "error": exc.message,
            "problems": exc.problems,
            "next_step": exc.next_step,
        }
    except BaseException as exc:  # a library's panic too (polars raises a BaseException)
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        fields = {
            "state": Job.State.FAILED,
            "error": _("Có lỗi ngoài dự kiến; chưa ghi gì. Hãy báo quản trị hệ thống (mã việc {id}).").format(
                id=job.pk
            ),
        }
        if isinstance(exc, KeyboardInterrupt | SystemExit):  # the worker is stopping: record, then stop
            _record(job, progress, fields)
            raise
    else:
        fields = {
            "state": Job.State.DONE,
            "result_url": outcome.url[:500],
            "result_label": outcome.label[:255],
            "result_file": outcome.file[:255],
            "problems": [str(n) for n in outcome.notes][:MAX_PROBLEMS],
        }
        if outcome.message:
            progress.message = outcome.message
        if progress.total is not None:
            progress.done = progress.total
    finally:
        progress.remove()
        if job.params.get("input"):
            (folder(job) / job.params["input"]).unlink(missing_ok=True)
    _record(job, progress, fields)


def _record(job: Job, progress: FileProgress, fields: dict[str, Any]) -> None:
    """Store how the job ended, with its last progress; remove its folder unless it made a file."""
    fields |= {
        "done": progress.done,
        "total": progress.total,
        "message": progress.message[:255],
        "finished_at": timezone.now(),
    }
    Job.objects.filter(pk=job.pk).update(**fields)
    if not fields.get("result_file"):
        shutil.rmtree(folder(job), ignore_errors=True)


def visible(job: Job, request: HttpRequest) -> bool:
    """Its starter (or, when started signed out, the same browser session) and the officers."""
    user = request.user
    if job.user_id is not None and user.is_authenticated and job.user_id == user.pk:
        return True
    if job.user_id is None and job.session_key and request.session.session_key == job.session_key:
        return True
    return can_manage(user)


@dataclass
class Snapshot:
    """Where a job stands, for its page."""

    state: str
    done: int
    total: int | None
    message: str
    percent: int | None
    seconds_left: int | None


def snapshot(job: Job) -> Snapshot:
    """The job's progress: from its progress file while it runs, from its row once it has ended;
    the time left is the rate so far applied to what remains."""
    done, total, message = job.done, job.total, job.message
    if job.state == Job.State.RUNNING:
        try:
            data = json.loads((folder(job) / "progress.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        done, total, message = int(data.get("done") or 0), data.get("total"), str(data.get("message") or "")
    percent = None
    if total:
        percent = min(100, round(100 * done / total))
    elif job.state == Job.State.DONE:
        percent = 100
    seconds_left = None
    if job.state == Job.State.RUNNING and job.started_at and total and 0 < done < total:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        seconds_left = max(1, round(elapsed / done * (total - done)))
    return Snapshot(job.state, done, total, message, percent, seconds_left)


def describe_seconds(seconds: int) -> str:
    """“khoảng 2 phút 5 giây”."""
    minutes, rest = divmod(int(seconds), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return _("khoảng {h} giờ {m} phút").format(h=hours, m=minutes)
    if minutes:
        return _("khoảng {m} phút {s} giây").format(m=minutes, s=rest)
    return _("khoảng {s} giây").format(s=rest)
