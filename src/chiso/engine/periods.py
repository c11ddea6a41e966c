"""Periods of a result within its year (no Django): the whole year, a month or a quarter.

A result is about a year and a period of it: ``""`` is the whole year (every annual index), else
the period's label as the dossiers write it, ``"2025-10"`` (a month) or ``"2025-Q4"`` (a quarter).
The period before a period is of the same kind: the month, quarter or year before.
"""

from __future__ import annotations

import re
from datetime import date

from chiso.engine.i18n import gettext as _

YEAR, QUARTER, MONTH = "year", "quarter", "month"

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
ROMAN = ("I", "II", "III", "IV")


class PeriodError(ValueError):
    """A period written in none of the accepted forms."""


def split_period(text: str) -> tuple[int, str]:
    """The year and the stored period of a label: ``"2025-10"`` → (2025, "2025-10"), ``"2025-q4"`` →
    (2025, "2025-Q4"), ``"2025"`` → (2025, "") (the whole year).

    >>> split_period("2025-3")
    (2025, '2025-03')
    """
    text = text.strip()
    if found := _MONTH.match(text):
        if 1 <= int(found[2]) <= 12:
            return int(found[1]), f"{found[1]}-{int(found[2]):02d}"
    elif found := _QUARTER.match(text):
        return int(found[1]), f"{found[1]}-Q{found[2]}"
    elif found := _YEAR.match(text):
        return int(found[1]), ""
    raise PeriodError(
        _("Kỳ {text!r} không hợp lệ: cần tháng (2025-10), quý (2025-Q4) hoặc năm (2025).").format(text=text)
    )


def period_in_year(text: str, year: int) -> str:
    """The stored period asked as `text` ("" for none: the whole year), which must be of `year`
    (a page's path, a command's argument); PeriodError naming what is wrong otherwise."""
    if not text.strip():
        return ""
    found_year, period = split_period(text.strip())
    if found_year != year:
        raise PeriodError(_("Kỳ {period} không thuộc năm {year}.").format(period=text.strip(), year=year))
    return period


def kind_of(period: str) -> str:
    """YEAR for ``""``, QUARTER for ``"2025-Q4"``, MONTH for ``"2025-10"``."""
    if not period:
        return YEAR
    return QUARTER if "Q" in period else MONTH


def _number(period: str) -> int:
    """The month (1–12) or quarter (1–4) of a stored period."""
    return int(period.rsplit("-", 1)[1].lstrip("Q"))


def previous_period(year: int, period: str = "") -> tuple[int, str]:
    """The period before, of the same kind: (2025, "2025-01") → (2024, "2024-12"); (2025, "2025-Q1")
    → (2024, "2024-Q4"); (2025, "") → (2024, "").

    >>> previous_period(2025, "2025-10")
    (2025, '2025-09')
    """
    kind = kind_of(period)
    if kind == YEAR:
        return year - 1, ""
    number = _number(period)
    before = (year, number - 1) if number > 1 else (year - 1, 12 if kind == MONTH else 4)
    text = f"{before[0]}-{before[1]:02d}" if kind == MONTH else f"{before[0]}-Q{before[1]}"
    return before[0], text


def first_day(year: int, period: str = "") -> date:
    """The first day of a period (1 January for the whole year)."""
    kind = kind_of(period)
    if kind == YEAR:
        return date(year, 1, 1)
    return date(year, _number(period) * 3 - 2 if kind == QUARTER else _number(period), 1)


def last_day(year: int, period: str = "") -> date:
    """The last day of a period (31 December for the whole year)."""
    kind = kind_of(period)
    if kind == YEAR:
        return date(year, 12, 31)
    last_month = _number(period) * (3 if kind == QUARTER else 1)
    if last_month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, last_month + 1, 1).toordinal() - 1)


def period_label(year: int, period: str = "") -> str:
    """How pages name a period: "năm 2025", "tháng 10/2025", "quý IV/2025" (in the active language)."""
    kind = kind_of(period)
    if kind == YEAR:
        return _("năm {year}").format(year=year)
    if kind == QUARTER:
        return _("quý {quarter}/{year}").format(quarter=ROMAN[_number(period) - 1], year=year)
    return _("tháng {month}/{year}").format(month=_number(period), year=year)


def sort_key(year: int, period: str = "") -> tuple[int, int, int]:
    """Orders periods in time within a kind (and years before their months and quarters)."""
    kind = kind_of(period)
    return year, (0, 1, 2)[(YEAR, QUARTER, MONTH).index(kind)], _number(period) if period else 0
