"""The one number formatter for people in templates, over `chiso.engine.numbers`.

    {% load chiso_numbers %}
    {{ plan.current_points|number:2 }}   → "86,55" in Vietnamese, "86.55" in English, "–" for nothing
    {{ item.expected_gain|signed:2 }}    → "+1,25", "-0,50", "0,00"

Half-up rounding and the grouping of thousands ("1.234,5" / "1,234.5") follow the active language,
as everywhere else in chiso; no template uses `floatformat` for a visible figure.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from chiso.engine.numbers import NumberError, format_number, format_signed, parse_decimal

register = template.Library()


def _locale() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return parse_decimal(value)
    except NumberError:
        return None


@register.filter
def number(value: object, places: int = 2) -> str:
    """A number for people in the active language; "–" when there is none."""
    return format_number(_decimal(value), int(places), _locale())


@register.filter
def signed(value: object, places: int = 2) -> str:
    """A change with its sign in the active language; "–" when there is none."""
    return format_signed(_decimal(value), int(places), _locale())
