"""Decimal policy: parsing user numbers, half-up rounding, Vietnamese formatting.

Points are `Decimal` from the moment they are read to the moment they are shown. Rounding happens
only where a framework says so (its published precision), always half-up, as Vietnamese
administrative practice rounds ("0,005 → 0,01").
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chiso.engine.i18n import gettext as _

ZERO = Decimal(0)
HUNDRED = Decimal(100)

_NUMBER_CHARS = re.compile(r"^[+\-−]?[0-9.,\s\u00a0]+%?$")


class NumberError(ValueError):
    """A text that is not a number in any convention a Vietnamese table uses."""


def parse_decimal(value: object) -> Decimal:
    """Read a number written either way: "86,55", "86.55", "1.234,5", "1,234.5", "12 345".

    With both separators present, the last one is the decimal separator. With only commas, a
    comma is a decimal comma (Vietnamese practice) unless there are several of them. With only
    dots, a dot is a decimal point unless there are several of them ("1.234.567").
    A trailing "%" is accepted and ignored (the value is already in percent).
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise NumberError(_("không phải số: {value!r}").format(value=value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest text that round-trips, so 0.1 stays 0.1, not 0.1000000000000000055.
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", " ").replace("−", "-")
    if not text or not _NUMBER_CHARS.match(text):
        raise NumberError(_("không phải số: {value!r}").format(value=value))
    text = text.rstrip("%").replace(" ", "")
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        text = text.replace(thousands_sep, "").replace(decimal_sep, ".")
    elif commas:
        text = text.replace(",", "") if commas > 1 else text.replace(",", ".")
    elif dots > 1:
        text = text.replace(".", "")
    try:
        result = Decimal(text)
    except InvalidOperation as exc:
        raise NumberError(_("không phải số: {value!r}").format(value=value)) from exc
    if not result.is_finite():
        raise NumberError(_("không phải số: {value!r}").format(value=value))
    return result


def quantum(places: int) -> Decimal:
    """The Decimal step for `places` decimals: 2 → Decimal("0.01")."""
    return Decimal(1).scaleb(-places)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round to `places` decimals, halves away from zero (86,555 → 86,56)."""
    return value.quantize(quantum(places), rounding=ROUND_HALF_UP)


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    """Points as a percentage of the maximum, unrounded."""
    if maximum == 0:
        raise ZeroDivisionError("maximum is zero")
    return points * HUNDRED / maximum


_VIETNAMESE_MARKS = str.maketrans(",.", ".,")  # thousands "." and decimal ","


def format_number(value: Decimal | None, places: int = 2, locale: str = "vi") -> str:
    """Format for people: "86,55" in Vietnamese, "86.55" in English; "–" when there is no value."""
    if value is None:
        return "–"
    # What babel's vi_VN and en_US give for the pattern "#,##0.00…" (tests/engine/test_numbers.py
    # compares them), written with Python's own grouping: a long table formats thousands of figures.
    text = f"{round_half_up(value, places):,.{max(places, 0)}f}"
    return text.translate(_VIETNAMESE_MARKS) if locale.startswith("vi") else text


def format_signed(value: Decimal | None, places: int = 2, locale: str = "vi") -> str:
    """A change with its sign: "+8,55", "-0,52", "0,00"."""
    if value is None:
        return "–"
    text = format_number(abs(value), places, locale)
    rounded = round_half_up(value, places)
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "-" + text
    return text


def format_rank(rank: int | None, of: int | None) -> str:
    """The press's rank notation: "35/63"."""
    if rank is None:
        return "–"
    return f"{rank}/{of}" if of else str(rank)


def format_date(value: date) -> str:
    """Government date style: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")
