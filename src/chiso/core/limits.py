"""What a model field can hold, read from the field itself: one definition for every importer.

An importer checks each value it is about to write with `field_problem(Model, "field", value)`
before writing anything, so that a file the database would refuse half-way (a name longer than
its column on PostgreSQL, a score of a million in a NUMERIC(15, 9) column, a rank beyond a small
integer, a NUL character) is refused whole, with a message naming the row and the field, on
SQLite as on PostgreSQL. The limits come from the fields' `max_length`, `max_digits` and
`decimal_places` and Django's integer ranges, so a migration that widens a column widens the check.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from chiso.core.uploads import control_character


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def label(model: type[models.Model], name: str) -> str:
    """The field's name as people read it (its verbose name, in the active language)."""
    return str(_field(model, name).verbose_name)


def max_length(model: type[models.Model], name: str) -> int | None:
    """The longest text the field holds (None: no limit)."""
    return _field(model, name).max_length


def decimal_bound(model: type[models.Model], name: str) -> Decimal:
    """The smallest magnitude a DecimalField cannot hold: 10 ** (max_digits - decimal_places)."""
    field = _field(model, name)
    assert isinstance(field, models.DecimalField)
    return Decimal(10) ** ((field.max_digits or 0) - (field.decimal_places or 0))


def integer_range(model: type[models.Model], name: str) -> tuple[int, int]:
    """The smallest and largest value an integer field holds (the same on every database)."""
    low, high = BaseDatabaseOperations.integer_field_ranges[_field(model, name).get_internal_type()]
    return low, high


def field_problem(model: type[models.Model], name: str, value: Any) -> str | None:
    """Why `value` cannot be stored in the field (a translated phrase), or None when it can."""
    if value is None:
        return None
    field = _field(model, name)
    if isinstance(value, str):
        found = control_character(value)
        if found is not None:
            return _("có ký tự điều khiển {char}").format(char=found)
        limit = field.max_length
        if limit is not None and len(value) > limit:
            return _("dài {length} ký tự, tối đa {limit}").format(length=len(value), limit=limit)
        return None
    if isinstance(field, models.DecimalField) and isinstance(value, (Decimal, int)):
        bound = decimal_bound(model, name)
        if not Decimal(value).is_finite() or abs(Decimal(value)) >= bound:
            return _("{value} quá lớn: phải nhỏ hơn {bound}").format(value=value, bound=int(bound))
        return None
    if isinstance(field, models.IntegerField) and isinstance(value, int) and not isinstance(value, bool):
        low, high = integer_range(model, name)
        if not low <= value <= high:
            return _("{value} ngoài khoảng {low}–{high}").format(value=value, low=low, high=high)
    return None


def text_problem(value: Any) -> str | None:
    """Why a text value kept in a JSON column cannot be stored (control characters), or None."""
    if isinstance(value, str):
        found = control_character(value)
        return None if found is None else _("có ký tự điều khiển {char}").format(char=found)
    if isinstance(value, dict):
        return next(
            (p for p in (text_problem(k) or text_problem(v) for k, v in value.items()) if p is not None), None
        )
    if isinstance(value, (list, tuple)):
        return next((p for p in map(text_problem, value) if p is not None), None)
    return None
