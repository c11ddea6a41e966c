"""Small template helpers shared by the assessment pages and the site header."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from chiso.accounts.models import Role
from chiso.accounts.permissions import can_manage, memberships
from chiso.engine.numbers import format_number

register = template.Library()


def lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@register.simple_tag
def user_roles(user) -> list[str]:
    """The roles a user holds, as people read them: "Cán bộ đơn vị — Sở Tư pháp"."""
    if not user.is_authenticated:
        return []
    labels = []
    for membership in memberships(user):  # read once with the user's roles
        label = str(Role(membership.role).label)
        if membership.unit:
            label = f"{label} — {membership.unit.name}"
        elif membership.organiser:
            label = f"{label} — {membership.organiser.display_name}"
        labels.append(label)
    if user.is_superuser and not any(m for m in labels if m.startswith(str(Role.ADMIN.label))):
        labels.append(str(Role.ADMIN.label))
    return labels


@register.filter
def manages(user) -> bool:
    """Officers and administrators run the cycles (the "Điều hành" menu)."""
    return can_manage(user)


@register.filter
def points(value: Decimal | None, places: int = 2) -> str:
    """Points the Vietnamese way: 86,55 (86.55 in English); "–" when there are none."""
    return format_number(value, int(places), lang())


@register.filter
def css_id(code: str) -> str:
    """A criterion code usable in an HTML id: "3.1" → "3-1"."""
    return str(code).replace(".", "-").replace(" ", "_")


@register.filter
def file_kind(name: str) -> str:
    """The kind of a document by its extension, for a small badge: "PDF", "DOCX", "ẢNH"."""
    suffix = str(name).rsplit(".", 1)[-1].lower() if "." in str(name) else ""
    if suffix in ("png", "jpg", "jpeg"):
        return "IMG"
    return suffix.upper()[:4] or "?"
