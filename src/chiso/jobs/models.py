"""One row per background job: who started what, where it stands, and what came out of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """Long work started from a page and run by the worker (django-tasks), watched by its starter.

    While it runs, its progress lives in a small file next to its upload (`chiso.jobs.services`),
    because the work runs inside one transaction that the polling page cannot see into; the row
    holds the start, the end and the outcome.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=120)  # the handler, "chiso.app.jobs:function"
    title = models.CharField(max_length=255)  # what, in the user's words
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    session_key = models.CharField(max_length=40, blank=True)  # an anonymous starter's session
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # for the user, in Vietnamese
    problems = models.JSONField(default=list, blank=True)  # row by row, at most 200
    result_url = models.CharField(max_length=500, blank=True)
    result_label = models.CharField(max_length=255, blank=True)
    result_file = models.CharField(max_length=255, blank=True)  # a file made by the job, in its folder
    next_step = models.JSONField(default=dict, blank=True)  # {"url", "label", "fields"}: a form to go on
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
