"""Roles and memberships: who holds which role, for which unit or organiser. The checks every app
shares. A role other than the unit roles is held for one organiser (a province's Sở Nội vụ, a
district's Phòng Nội vụ) or, without one, for the whole installation.

What a role allows on an assessment (the action table, and the querysets
`Assessment.objects.restrict(user, action)`) is the assessments app's: `chiso.assessments.actions`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from chiso.accounts.models import UNIT_ROLES, Membership, Role

# The roles that see every unit (the others act on their own unit only).
EVERYONE_INSIDE: set[str] = {Role.ADMIN, Role.OFFICER, Role.APPRAISER, Role.COUNCIL, Role.LEADER}


def _memberships(user: User | AnonymousUser) -> list[tuple[str, int | None, int | None]]:
    """(role, unit, organiser) of every role the user holds, read once per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_chiso_memberships", None)
    if cached is None:
        rows = list(Membership.objects.filter(user=user).select_related("unit", "organiser").order_by("role"))
        setattr(user, "_chiso_membership_rows", rows)  # noqa: B010 — the header's roles, same query
        cached = [(m.role, m.unit_id, m.organiser_id) for m in rows]
        if user.is_superuser:
            cached.append((Role.ADMIN, None, None))
        setattr(user, "_chiso_memberships", cached)  # noqa: B010 — kept on the user object for this request
    return cached


def memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's memberships with their units and organisers, by role: read with the roles, once
    per request (the header names every role the user holds)."""
    if not user.is_authenticated:
        return []
    _memberships(user)
    return list(getattr(user, "_chiso_membership_rows", []))


def roles_of(user: User | AnonymousUser) -> dict[str, set[int | None]]:
    """role → the units the user holds it for (None for roles without a unit)."""
    held: dict[str, set[int | None]] = {}
    for role, unit_id, _organiser_id in _memberships(user):
        held.setdefault(role, set()).add(unit_id)
    return held


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    held = roles_of(user)
    return any(role in held for role in roles)


def own_units(user: User | AnonymousUser) -> set[int]:
    held = roles_of(user)
    return {u for role in (Role.UNIT_STAFF, Role.UNIT_HEAD) for u in held.get(role, set()) if u is not None}


def organisers_of(user: User | AnonymousUser, *roles: str) -> set[int] | None:
    """The organisers for which the user holds one of `roles` (not a unit role): None means every
    organiser (an administrator, or a role held for the whole installation); an empty set, none."""
    scope: set[int] = set()
    for role, _unit_id, organiser_id in _memberships(user):
        if role not in roles or role in UNIT_ROLES:
            continue
        if role == Role.ADMIN or organiser_id is None:
            return None
        scope.add(organiser_id)
    return scope


def acts_for(user: User | AnonymousUser, organiser_id: int | None, *roles: str) -> bool:
    """Does the user hold one of `roles` for `organiser_id` (or for the whole installation)?"""
    scope = organisers_of(user, *roles)
    return scope is None or (organiser_id is not None and organiser_id in scope)


def can_manage(user: User | AnonymousUser) -> bool:
    """Is the user an officer (of some organiser) or an administrator: may they open the officer's pages?"""
    return has_role(user, Role.ADMIN, Role.OFFICER)


def manages(user: User | AnonymousUser, organiser_id: int | None) -> bool:
    """May the user manage what belongs to `organiser_id` — its cycles, indices, frameworks, blocks?
    What belongs to no organiser (None: the shared indices and frameworks) is managed only by
    administrators and installation-wide officers."""
    return acts_for(user, organiser_id, Role.ADMIN, Role.OFFICER)


# -- views ------------------------------------------------------------------------------------------


def _login_url() -> str:
    for name in ("accounts:login", "admin:login"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/admin/login/"


def officer_required(view: Callable) -> Callable:
    """Anonymous users go to the login page; users who are not officers or administrators get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        if not can_manage(request.user):
            raise PermissionDenied(_("Chỉ Sở Nội vụ và quản trị hệ thống được mở trang này."))
        return view(request, *args, **kwargs)

    return wrapped
