"""The assessments app's answers to the framework editor's questions (`chiso.frameworks.usage`).

The framework editor must know whether cycles use a framework, which criteria have scores, and where
to record its edits, but frameworks is the lower layer and may not import assessments. This module
answers for it and is registered in `AssessmentsConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet

from chiso.assessments.models import Assessment, AuditEntry, CriterionScore, State
from chiso.frameworks.models import Framework
from chiso.frameworks.usage import EDIT_ACTION, EditRecord


def started_assessments(framework: Framework) -> QuerySet[Assessment]:
    """The assessments on this framework that a unit has started or that are past the draft."""
    return Assessment.objects.filter(cycle__framework=framework).filter(
        Q(started=True) | ~Q(state=State.DRAFT)
    )


class CycleUsage:
    """Cycles are what use a framework; the audit log records the framework's edits."""

    def cycle_in_progress(self, framework: Framework) -> str | None:
        started = started_assessments(framework).select_related("cycle").first()
        return started.cycle.name if started is not None else None

    def scored_criteria(self, framework: Framework, codes: set[str]) -> set[str]:
        found = CriterionScore.objects.filter(assessment__cycle__framework=framework, criterion__in=codes)
        return set(found.values_list("criterion", flat=True))

    def record_edit(
        self,
        user: AbstractBaseUser | AnonymousUser | None,
        *,
        field: str,
        before: dict[str, Any],
        after: dict[str, Any],
        reason: str,
    ) -> None:
        from chiso.assessments import workflow  # not at start-up: this module is imported by ready()

        workflow.audit(
            user if isinstance(user, User) else None,
            EDIT_ACTION,
            field=field,
            before=before,
            after=after,
            reason=reason,
        )

    def edit_history(self, framework: Framework, limit: int) -> Sequence[EditRecord]:
        return list(AuditEntry.objects.filter(action=EDIT_ACTION, after__framework=framework.code)[:limit])
