"""Background jobs: an upload queued for the worker, its page polled while it runs, then its
result; a failure shown to its starter (and the officers) only, with nothing written."""

from __future__ import annotations

import argparse
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chiso.core.models import FormSubmission
from chiso.core.once import new_token
from chiso.core.progress import Progress
from chiso.jobs import services
from chiso.jobs.models import Job
from chiso.surveys.services import response_counts

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> None:
    """`chiso worker --batch`: run every queued task, then stop. The worker closes the connection
    between tasks, as a request does; inside a test's transaction it must keep it (as Django's test
    client keeps it between requests)."""
    from django_tasks_db.management.commands import db_worker

    from chiso.cli.worker import cmd_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        cmd_worker(argparse.Namespace(interval=0.0, batch=True, max_tasks=None, quiet=True))


def test_an_upload_waits_for_the_worker_then_its_page_shows_the_result(
    client, survey, responses_file, people, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    client.force_login(people["officer"])
    url = reverse("surveys:import", args=[survey.pk])
    started = client.post(
        url, {"file": SimpleUploadedFile("kobo.csv", responses_file.read_bytes()), "once": new_token()}
    )
    assert started.status_code == 302
    job = Job.objects.latest("created_at")  # a server test may have left its own job
    assert started.url == reverse("jobs:job", args=[job.pk])
    assert job.state == "queued" and job.user == people["officer"]
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    page = client.get(started.url).content.decode()
    # queued: the page polls its panel every second and shows a bar
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "Đang chờ" in page
    assert response_counts(survey).count == 0  # the request did not import

    run_worker()

    panel = client.get(started.url, headers={"HX-Request": "true"})
    text = panel.content.decode()
    assert "<html" not in text and 'hx-trigger="every 1s"' not in text  # finished: polling stops
    assert "Đã xong" in text and "2/2" in text and 'value="2"' in text
    assert "Đã nhập 80 phiếu" in text
    assert reverse("surveys:survey", args=[survey.pk]) in text
    assert response_counts(survey).count == 80
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total == 2 and job.finished_at is not None
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    assert not services.folder(job).exists()  # cleaned up


def test_a_running_job_shows_done_total_and_the_time_left(client, people):
    job = Job.objects.create(
        kind="chiso.jobs.tests.test_jobs:counts",
        title="Nhập thử",
        user=people["officer"],
        state=Job.State.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
    )
    progress = services.FileProgress(job)
    progress(250, 1000, "Đang lưu")
    client.force_login(people["officer"])
    text = client.get(reverse("jobs:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'max="1000" value="250"' in text and "250/1000 (25 %)" in text and "Đang lưu" in text
    assert "còn khoảng 1 phút 30 giây" in text  # 30 s for a quarter: 90 s for the rest
    assert 'hx-trigger="every 1s"' in text


def counts(job: Job, progress: Progress) -> services.Outcome:
    for done in range(1, 5):
        progress(done, 4, "bước")
    return services.Outcome(url="/", label="Xong")


def writes_then_fails(job: Job, progress: Progress) -> services.Outcome:
    FormSubmission.objects.create(token="written-by-a-failing-job-0001")
    progress(1, 2, "nửa chừng")
    raise services.JobFailed("Dòng 7, trường 'q2': đáp án 8 ngoài thang", ["Dòng 7, trường 'q2': 8"])


def test_a_failure_writes_nothing_and_only_its_starter_and_the_officers_read_it(client, people, settings):
    settings.TASKS = DATABASE_BACKEND
    job = services.start("chiso.jobs.tests.test_jobs:writes_then_fails", "Thử lỗi", user=people["staff"])
    run_worker()
    job.refresh_from_db()
    assert job.state == "failed" and job.done == 1 and job.total == 2
    assert not FormSubmission.objects.filter(token="written-by-a-failing-job-0001").exists()
    url = reverse("jobs:job", args=[job.pk])
    client.force_login(people["staff"])
    text = client.get(url).content.decode()
    assert "Không thành công" in text and "Dòng 7, trường &#x27;q2&#x27;: đáp án 8 ngoài thang" in text
    client.force_login(people["officer"])
    assert client.get(url).status_code == 200
    for other in ("head", "appraiser"):
        client.force_login(people[other])
        refused = client.get(url)
        assert refused.status_code == 403 and "ngoài thang" not in refused.content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_an_unexpected_error_is_told_without_its_internals(people):
    job = services.start("chiso.jobs.tests.test_jobs:breaks", "Thử", user=people["officer"])
    job.refresh_from_db()
    assert job.state == "failed" and "ngoài dự kiến" in job.error and "secret" not in job.error


def breaks(job: Job, progress: Progress) -> services.Outcome:
    raise RuntimeError("secret internals")


def test_the_command_line_draws_a_bar_on_stderr(survey, responses_file, capsys):
    from chiso.cli.progress import Bar
    from chiso.cli.survey import cmd_import_responses

    out = cmd_import_responses(argparse.Namespace(survey=survey.pk, file=responses_file, valid_only=False))
    err = capsys.readouterr().err
    assert "nhập 80" in out and "[" not in out  # stdout: the command's output only
    assert "Nhập tệp trả lời  [" in err and "2/2  100 %" in err and "Đã lưu 80 phiếu" in err
    stream = io.StringIO()
    bar = Bar("Tính", stream)
    bar(0, 4, "bắt đầu")
    bar(2, 4, "nửa")
    bar(4, 4)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("Tính  [░░░░") and "2/4  50 %  còn khoảng" in lines[1]
    assert lines[2] == "Tính  [" + "█" * 20 + "]  4/4  100 %"


def test_a_job_long_in_the_queue_says_the_worker_may_be_off(client, people):
    job = Job.objects.create(kind="chiso.jobs.tests.test_jobs:counts", title="Chờ", user=people["officer"])
    client.force_login(people["officer"])
    url = reverse("jobs:job", args=[job.pk])
    assert "chiso worker" not in client.get(url).content.decode()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert "chiso worker" in client.get(url).content.decode()


def test_a_report_link_clicked_twice_makes_one_report(client, settings):
    """The profile's report link is a GET: a second click, or a reload, joins the first job; a new
    published version of the figures is new work."""
    settings.TASKS = DATABASE_BACKEND
    url = "/ket-qua/papi/2021/58/bao-cao.docx"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Job.objects.filter(kind="chiso.reports.jobs:make_report").count() == 1
    assert client.get(url.replace("docx", "xlsx")).url != first.url  # another file: another job
    job = Job.objects.get(pk=first.url.rstrip("/").rsplit("/", 1)[-1])
    job.params = {**job.params, "version": job.params["version"] - 1}  # as if the figures were republished
    job.save()
    assert client.get(url).url != first.url


def test_a_reused_job_must_still_be_useful(people):
    params = {"x": 1}

    def start():
        return services.start(
            "chiso.jobs.tests.test_jobs:counts", "t", user=people["officer"], params=params, reuse=True
        )

    job = start()
    assert start().pk == job.pk
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    again = start()
    assert again.pk != job.pk  # a failed job is not reused
    Job.objects.filter(pk=again.pk).update(state=Job.State.DONE, result_file="gone.docx")
    assert start().pk != again.pk  # its file was pruned: made again
    other = services.start(
        "chiso.jobs.tests.test_jobs:counts", "t", user=people["staff"], params=params, reuse=True
    )
    assert other.user == people["staff"]  # never another user's job


def test_old_jobs_and_their_queue_rows_are_pruned(people, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    old = services.start("chiso.jobs.tests.test_jobs:counts", "cũ", user=people["officer"])
    recent = services.start("chiso.jobs.tests.test_jobs:counts", "mới", user=people["officer"])
    long_ago = timezone.now() - timedelta(days=services.KEEP_DAYS + 1)
    Job.objects.filter(pk=old.pk).update(state=Job.State.DONE, finished_at=long_ago)
    DBTaskResult.objects.filter(id=old.task_id).update(status="SUCCESSFUL", finished_at=long_ago)
    services._prune(force=True)
    assert not Job.objects.filter(pk=old.pk).exists() and Job.objects.filter(pk=recent.pk).exists()
    assert not DBTaskResult.objects.filter(id=old.task_id).exists()
    assert DBTaskResult.objects.filter(id=recent.task_id).exists()


def test_a_finished_job_links_back_to_the_page_it_was_asked_from(client, people, rf):
    """A failed job offers its error and the way back to the page the work was started from (this
    site's pages only, never another site's address)."""
    request = rf.post("/khao-sat/3/nhap/", HTTP_REFERER="http://testserver/khao-sat/3/?tab=nhap")
    request.user = people["staff"]
    job = services.start("chiso.jobs.tests.test_jobs:breaks", "Thử", request=request)
    assert job.params["back"] == "/khao-sat/3/?tab=nhap"
    client.force_login(people["staff"])
    text = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "ngoài dự kiến" in text and 'href="/khao-sat/3/?tab=nhap"' in text
    elsewhere = rf.post("/khao-sat/3/nhap/", HTTP_REFERER="https://example.org/khao-sat/3/")
    elsewhere.user = people["staff"]
    assert "back" not in services.start("chiso.jobs.tests.test_jobs:breaks", "Thử", request=elsewhere).params
    assert services.came_from(rf.get("/", HTTP_REFERER="http://testserver//example.org/")) == ""
