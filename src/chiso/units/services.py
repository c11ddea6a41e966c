"""The units an installation administers: its province, the departments and communes valid on a
day, and the order in which people read their names."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Count

from chiso.engine.names import match_key, plain_key
from chiso.units.models import Organiser, Unit
from chiso.units.organisers import units_of


def province_code() -> str:
    """The province whose units are administered: settings.CHISO_PROVINCE_CODE, else the parent
    most departments have (one province per installation)."""
    configured = getattr(settings, "CHISO_PROVINCE_CODE", "")
    if configured:
        return str(configured)
    top = (
        Unit.objects.filter(level="department")
        .exclude(parent_code="")
        .values("parent_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return top["parent_code"] if top else ""


def vi_order(name: str) -> tuple[str, str]:
    """Sort key close to Vietnamese dictionary order ("Đặc khu" after "Cẩm", not after "Yên")."""
    return plain_key(name), match_key(name)


def units_of_level(level: str, on: date | None = None, organiser: Organiser | None = None) -> list[Unit]:
    """The units of a level valid on a day (today by default) that `organiser` assesses; without an
    organiser, every department or the communes of the administered province."""
    if organiser is not None:
        return units_of(organiser, level, on)
    on = on or date.today()
    queryset = Unit.objects.filter(level=level)
    if level == "commune":
        queryset = queryset.filter(parent_code=province_code())
    return [
        unit
        for unit in queryset.order_by("name")
        if (unit.valid_from is None or unit.valid_from <= on)
        and (unit.valid_to is None or on <= unit.valid_to)
    ]
