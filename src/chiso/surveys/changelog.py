"""What of this app goes into the change log (`chiso.core.changelog`): questionnaires, surveys
(publishing and unpublishing included), import batches (a file of responses is one entry, with its
counts) and responses typed in one by one. A survey's estimates, replaced all at once, are logged as
one entry on the survey with the counts (`chiso.surveys.services.estimation.estimate`)."""

from __future__ import annotations

from chiso.core import changelog
from chiso.surveys.models import ImportBatch, Questionnaire, Response, Survey


def register() -> None:
    for model in (Questionnaire, Survey, ImportBatch, Response):
        changelog.register(model)
