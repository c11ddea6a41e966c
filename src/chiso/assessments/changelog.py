"""What of this app goes into the change log (`chiso.core.changelog`): cycles, assessments, criterion
scores (the appraisal's and the council's copies included: they are saved row by row), evidence and
explanations. The workflow's own `AuditEntry` is not: it is the narrative kept with the assessment
(who did what and why), linked to the change log by the request id."""

from __future__ import annotations

from chiso.assessments.models import Assessment, CriterionScore, Cycle, Evidence, Explanation
from chiso.core import changelog


def register() -> None:
    for model in (Cycle, Assessment, CriterionScore, Evidence, Explanation):
        changelog.register(model)
