"""Periods of a result (`chiso.engine.periods`): the period before is of the same kind, one step back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.periods import (
    MONTH,
    QUARTER,
    YEAR,
    PeriodError,
    kind_of,
    last_day,
    period_label,
    previous_period,
    sort_key,
    split_period,
)

months = st.builds(lambda y, m: (y, f"{y}-{m:02d}"), st.integers(1990, 2100), st.integers(1, 12))
quarters = st.builds(lambda y, q: (y, f"{y}-Q{q}"), st.integers(1990, 2100), st.integers(1, 4))
years = st.builds(lambda y: (y, ""), st.integers(1990, 2100))


@given(st.one_of(months, quarters, years))
def test_the_period_before_is_of_the_same_kind_and_ends_the_day_before_it_starts(yp: tuple[int, str]) -> None:
    year, period = yp
    before = previous_period(year, period)
    assert kind_of(before[1]) == kind_of(period)
    assert sort_key(*before) < sort_key(year, period)
    # Contiguous: the period before ends on the day before this one starts.
    length = {YEAR: 12, QUARTER: 3, MONTH: 1}[kind_of(period)]
    end = last_day(year, period)
    first_month = (end.month - length) % 12 + 1
    start = date(end.year - (first_month > end.month), first_month, 1)
    assert last_day(*before) == start - timedelta(days=1)


@given(st.one_of(months, quarters))
def test_a_label_written_loosely_reads_back_the_same(yp: tuple[int, str]) -> None:
    year, period = yp
    assert split_period(period) == (year, period)
    assert split_period(period.lower().replace("-0", "-")) == (year, period)


@pytest.mark.parametrize(
    ("year", "period", "before"),
    [
        (2025, "2025-01", (2024, "2024-12")),
        (2025, "2025-11", (2025, "2025-10")),
        (2025, "2025-Q1", (2024, "2024-Q4")),
        (2025, "2025-Q3", (2025, "2025-Q2")),
        (2025, "", (2024, "")),
    ],
)
def test_examples(year: int, period: str, before: tuple[int, str]) -> None:
    assert previous_period(year, period) == before


def test_labels_and_the_whole_year() -> None:
    assert period_label(2025, "2025-10") == "tháng 10/2025"
    assert period_label(2025, "2025-Q4") == "quý IV/2025"
    assert period_label(2025) == "năm 2025"
    assert split_period("2025") == (2025, "")
    assert last_day(2024, "2024-02") == date(2024, 2, 29)
    for bad in ("2025-13", "2025-Q5", "25-10", "tháng 10"):
        with pytest.raises(PeriodError):
            split_period(bad)
