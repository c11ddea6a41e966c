"""A period of the index, [start, end): a month ``2025-10``, a quarter ``2025-Q4`` or a year ``2025``."""

from __future__ import annotations

import re
from datetime import date

from chiso.engine.i18n import gettext as _

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period written in none of the accepted forms."""


def month_after(day: date) -> date:
    """The first day of the month after the month of `day`."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def parse_period(text: str) -> tuple[date, date]:
    """The first day of the period and the first day after it.

    >>> parse_period("2025-10")
    (datetime.date(2025, 10, 1), datetime.date(2025, 11, 1))
    >>> parse_period("2025-Q4")
    (datetime.date(2025, 10, 1), datetime.date(2026, 1, 1))
    >>> parse_period("2025")
    (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))
    """
    text = text.strip()
    if found := _MONTH.match(text):
        year, month = int(found[1]), int(found[2])
        if 1 <= month <= 12:
            start = date(year, month, 1)
            return start, month_after(start)
    elif found := _QUARTER.match(text):
        start = date(int(found[1]), 3 * int(found[2]) - 2, 1)
        return start, month_after(month_after(month_after(start)))
    elif found := _YEAR.match(text):
        return date(int(found[1]), 1, 1), date(int(found[1]) + 1, 1, 1)
    raise PeriodError(
        _("Kỳ {text!r} không hợp lệ: cần tháng (2025-10), quý (2025-Q4) hoặc năm (2025).").format(text=text)
    )


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(text: str) -> str:
    """A period as an official writes it: "tháng 10/2025", "quý IV/2025", "năm 2025" (the text as
    given when it is not a period).

    >>> period_label("2025-10"), period_label("2025-Q4"), period_label("2025")
    ('tháng 10/2025', 'quý IV/2025', 'năm 2025')
    """
    text = text.strip()
    if (found := _MONTH.match(text)) and 1 <= int(found[2]) <= 12:
        return _("tháng {month}/{year}").format(month=int(found[2]), year=found[1])
    if found := _QUARTER.match(text):
        return _("quý {quarter}/{year}").format(quarter=_ROMAN[int(found[2])], year=found[1])
    if found := _YEAR.match(text):
        return _("năm {year}").format(year=found[1])
    return text


def canonical_period(text: str) -> str:
    """The period as the runs are stored: "2025-01", "2025-Q4", "2025" (PeriodError if wrong).

    >>> canonical_period(" 2025-1 "), canonical_period("2025-q4")
    ('2025-01', '2025-Q4')
    """
    start, end = parse_period(text)
    days = (end - start).days
    if days < 32:
        return f"{start.year}-{start.month:02d}"
    if days < 100:
        return f"{start.year}-Q{(start.month + 2) // 3}"
    return str(start.year)


def same_kind(first: str, second: str) -> bool:
    """Whether two periods are both months, both quarters or both years (compared with their kind)."""
    return (len(first), "Q" in first) == (len(second), "Q" in second)
