"""Whose indices and frameworks: shared ones (no organiser: the national indices, the built-in
frameworks) are read by every officer and changed by the installation's officers and those of a
top-level organiser; an organiser's own are read and changed by its officers only."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from chiso.accounts.models import Role
from chiso.accounts.permissions import manages, organisers_of
from chiso.units.organisers import top_level_officer

Rows = TypeVar("Rows", bound="QuerySet[Model]")


def visible(user: User | AnonymousUser, queryset: Rows) -> Rows:
    """The shared rows and those of the organisers the user is an officer of (every row for the
    installation's officers and administrators)."""
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    if scope is None:
        return queryset
    return queryset.filter(Q(organiser__isnull=True) | Q(organiser_id__in=scope))


def may_change(user: User | AnonymousUser, row: Model) -> bool:
    """May the user change `row` (an index, a framework) or the tables of results of an index? An
    organiser's own, its officers; a shared one, the installation's officers and the officers of a
    top-level organiser (the province that runs the installation, not its districts)."""
    organiser_id = getattr(row, "organiser_id", None)
    if organiser_id is not None:
        return manages(user, organiser_id)
    return top_level_officer(user)


def require_manages(user: User | AnonymousUser, row: Model) -> None:
    """403 unless the user may change `row` (`may_change`)."""
    if not may_change(user, row):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị tổ chức sở hữu mới được sửa mục này."))


def owner_for(user: User | AnonymousUser) -> int | None:
    """The organiser a new index or framework made by the user belongs to: their organiser when they
    are an officer of one (the first of several), none (shared) for the installation's officers."""
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    return min(scope) if scope else None
