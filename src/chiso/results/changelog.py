"""What of this app goes into the change log (`chiso.core.changelog`): datasets, result sets and
published figures. A result set's unit results and values — thousands of rows written at once by an
import — are logged as one entry on the result set with their counts (`write_result_set`)."""

from __future__ import annotations

from chiso.core import changelog
from chiso.results.models import Dataset, PublishedFigure, ResultSet


def register() -> None:
    for model in (Dataset, ResultSet, PublishedFigure):
        changelog.register(model)
