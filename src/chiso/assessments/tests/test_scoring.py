"""The points of each stage from the stored rows: one rule for the appraisal stage's fallback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.assessments.models import CriterionScore
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, row_points


@pytest.mark.parametrize(
    ("self_points", "appraised", "expected"),
    [("2", "1.5", "1.5"), ("2", None, "2"), (None, "1", "1"), (None, None, None), ("2", "0", "0")],
)
def test_appraised_points_fall_back_to_self_points(self_points, appraised, expected) -> None:
    row = CriterionScore(
        criterion="1.1",
        self_points=None if self_points is None else Decimal(self_points),
        appraised_points=None if appraised is None else Decimal(appraised),
    )
    want = None if expected is None else Decimal(expected)
    assert row.appraised_or_self_points == want
    assert row_points(row, APPRAISED) == want


def test_self_and_final_stages_read_their_own_points() -> None:
    row = CriterionScore(
        criterion="1.1", self_points=Decimal(2), appraised_points=Decimal(1), final_points=None
    )
    assert row_points(row, SELF) == Decimal(2)
    assert row_points(row, FINAL) is None
