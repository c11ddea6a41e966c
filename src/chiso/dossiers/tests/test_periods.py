"""Periods as people write them and as the runs are stored."""

from __future__ import annotations

import doctest

import pytest

from chiso.dossiers import periods
from chiso.dossiers.periods import PeriodError, canonical_period, period_label, same_kind


def test_the_doctests() -> None:
    assert doctest.testmod(periods).failed == 0


@pytest.mark.parametrize(
    ("text", "label", "stored"),
    [
        ("2025-10", "tháng 10/2025", "2025-10"),
        ("2025-1", "tháng 1/2025", "2025-01"),
        ("2025-Q1", "quý I/2025", "2025-Q1"),
        ("2025-q4", "quý IV/2025", "2025-Q4"),
        ("2025", "năm 2025", "2025"),
    ],
)
def test_labels_and_stored_forms(text: str, label: str, stored: str) -> None:
    assert period_label(text) == label
    assert canonical_period(text) == stored


def test_wrong_periods() -> None:
    assert period_label("2025-13") == "2025-13"
    with pytest.raises(PeriodError):
        canonical_period("2025-13")
    assert same_kind("2025-10", "2024-01") and not same_kind("2025-10", "2025-Q4")
    assert not same_kind("2025", "2025-Q4")
