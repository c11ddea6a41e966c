"""The one background task: run a recorded job (`chiso.jobs.services.run`)."""

from __future__ import annotations

from django_tasks import task

from chiso.jobs import services


@task()
def run_job(job_id: str) -> None:
    """Run the job with this id; its outcome, failure included, is recorded on the job."""
    services.run(job_id)
