"""Background jobs: long work (imports, estimation, reports, reminders) run by the task worker, with
the progress a page polls and the error its starter reads."""

from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "chiso.jobs"
    label = "jobs"
    verbose_name = "Việc chạy nền"
