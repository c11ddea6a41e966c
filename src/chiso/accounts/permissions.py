"""Roles and memberships: who holds which role, for which unit. The checks every app shares.

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

from chiso.accounts.models import Membership, Role

# The roles that see every unit (the others act on their own unit only).
EVERYONE_INSIDE: set[str] = {Role.ADMIN, Role.OFFICER, Role.APPRAISER, Role.COUNCIL, Role.LEADER}


def roles_of(user: User | AnonymousUser) -> dict[str, set[int | None]]:
    """role → the units the user holds it for (None for roles without a unit)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_chiso_roles", None)
    if cached is None:
        cached = {}
        for role, unit_id in Membership.objects.filter(user=user).values_list("role", "unit_id"):
            cached.setdefault(role, set()).add(unit_id)
        if user.is_superuser:
            cached.setdefault(Role.ADMIN, set()).add(None)
        setattr(user, "_chiso_roles", cached)  # noqa: B010 — kept on the user object for this request
    return cached


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    held = roles_of(user)
    return any(role in held for role in roles)


def own_units(user: User | AnonymousUser) -> set[int]:
    held = roles_of(user)
    return {u for role in (Role.UNIT_STAFF, Role.UNIT_HEAD) for u in held.get(role, set()) if u is not None}


def can_manage(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.ADMIN, Role.OFFICER)


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
