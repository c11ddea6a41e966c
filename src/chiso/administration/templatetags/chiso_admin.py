"""Numbers and dates on the officer's pages, the Vietnamese way: 86,55 · +1,20 · 35/63; and whether
the change log's tab is shown."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from chiso.engine.numbers import format_number, format_signed

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@register.filter
def num(value: Decimal | None, places: int = 2) -> str:
    return format_number(value, int(places), _lang())


@register.filter
def signed(value: Decimal | None, places: int = 2) -> str:
    return format_signed(value, int(places), _lang())


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def reads_change_log(user) -> bool:
    """May the user open the change log (its tab is shown only then)?"""
    from chiso.administration.changelog import may_read

    return may_read(user)
