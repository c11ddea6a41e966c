"""What of this app goes into the change log (`chiso.core.changelog`): responsibilities, plans, plan
items, tasks, progress reports, commitments and escalations (with the supporting agencies of
responsibilities and items)."""

from __future__ import annotations

from chiso.core import changelog
from chiso.plans.models import (
    Commitment,
    Escalation,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    Task,
)


def register() -> None:
    changelog.register(Responsibility, m2m=["supporters"])
    changelog.register(PlanItem, m2m=["supporters"])
    for model in (Plan, Task, ProgressReport, Commitment, Escalation):
        changelog.register(model)
