"""What of this app goes into the change log (`chiso.core.changelog`): indices, frameworks and the
criterion mappings between them."""

from __future__ import annotations

from chiso.core import changelog
from chiso.frameworks.models import CriterionMapping, Framework, Index


def register() -> None:
    for model in (Index, Framework, CriterionMapping):
        changelog.register(model)
