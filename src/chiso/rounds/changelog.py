"""What of this app goes into the change log (`chiso.core.changelog`): rounds (with their indices),
requests, answers and attachments."""

from __future__ import annotations

from chiso.core import changelog
from chiso.rounds.models import Answer, Attachment, Request, Round


def register() -> None:
    changelog.register(Round, m2m=["indices"])
    for model in (Request, Answer, Attachment):
        changelog.register(model)
