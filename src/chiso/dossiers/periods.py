"""A period of the index as the dossiers' commands and pages write it: a month ``2025-10``, a quarter
``2025-Q4`` or a year ``2025``; the half-open range of days it covers. What a period is, its label
and the period before are the engine's (`chiso.engine.periods`); this module reads the text."""

from __future__ import annotations

from datetime import date, timedelta

from chiso.engine.periods import PeriodError, first_day, kind_of, last_day, split_period
from chiso.engine.periods import period_label as _label

__all__ = ["PeriodError", "canonical_period", "month_after", "parse_period", "period_label", "same_kind"]


def month_after(day: date) -> date:
    """The first day of the month after the month of `day`."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def parse_period(text: str) -> tuple[date, date]:
    """The first day of the period and the first day after it (PeriodError if it is not one).

    >>> parse_period("2025-10")
    (datetime.date(2025, 10, 1), datetime.date(2025, 11, 1))
    >>> parse_period("2025-Q4")
    (datetime.date(2025, 10, 1), datetime.date(2026, 1, 1))
    >>> parse_period("2025")
    (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))
    """
    year, period = split_period(text)
    return first_day(year, period), last_day(year, period) + timedelta(days=1)


def period_label(text: str) -> str:
    """A period as an official writes it: "tháng 10/2025", "quý IV/2025", "năm 2025" (the text as
    given when it is not a period).

    >>> period_label("2025-10"), period_label("2025-Q4"), period_label("2025")
    ('tháng 10/2025', 'quý IV/2025', 'năm 2025')
    """
    try:
        return _label(*split_period(text))
    except PeriodError:
        return text.strip()


def canonical_period(text: str) -> str:
    """The period as the runs are stored: "2025-01", "2025-Q4", "2025" (PeriodError if wrong).

    >>> canonical_period(" 2025-1 "), canonical_period("2025-q4")
    ('2025-01', '2025-Q4')
    """
    year, period = split_period(text)
    return period or str(year)


def same_kind(first: str, second: str) -> bool:
    """Whether two periods are both months, both quarters or both years (compared with their kind)."""
    return kind_of(split_period(first)[1]) == kind_of(split_period(second)[1])
