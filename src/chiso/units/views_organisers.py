"""The organisers page: the bodies that run indices in this installation (a province's Sở Nội vụ, a
district's Phòng Nội vụ), the people who hold roles in each, and a new organiser under one the
officer manages."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chiso.accounts.models import Membership, Role
from chiso.accounts.permissions import officer_required, organisers_of
from chiso.accounts.requests import AuthenticatedHttpRequest
from chiso.units.forms import MemberForm, OrganiserForm
from chiso.units.models import Organiser
from chiso.units.organisers import (
    OrganiserError,
    add_member,
    create_organiser,
    managed_by,
    may_set_up,
    territory,
)


def _visible(request: AuthenticatedHttpRequest) -> list[Organiser]:
    """The organisers the officer manages and those right under them."""
    managed = managed_by(request.user)
    children = Organiser.objects.filter(parent__in=managed).exclude(pk__in=[o.pk for o in managed])
    return managed + list(children.select_related("unit", "parent"))


@officer_required
def organisers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every organiser the officer sees, with its roles; the form for a new one."""
    shown = _visible(request)
    managed = managed_by(request.user)
    form = OrganiserForm(request.POST or None)
    top_allowed = organisers_of(request.user, Role.ADMIN, Role.OFFICER) is None
    choices: list[tuple[int | str, str]] = [("", _("— không có (cấp cao nhất) —"))] if top_allowed else []
    choices += [(o.pk, o.display_name) for o in managed]
    cast(forms.TypedChoiceField, form.fields["parent"]).choices = choices
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = next((o for o in managed if o.pk == data["parent"]), None)
        try:
            if parent is None and not top_allowed:
                raise OrganiserError(_("Chọn đơn vị tổ chức cấp trên."))
            unit = territory(data["unit_code"]) if data["unit_code"] else None
            organiser = create_organiser(
                data["code"], data["name"], name_en=data["name_en"], unit=unit, parent=parent
            )
        except OrganiserError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo đơn vị tổ chức «%(name)s».") % {"name": organiser.name})
            return redirect("units:organiser", code=organiser.code)
    if form.errors:
        status = 422
    return render(
        request,
        "units/organisers.html",
        {"organisers": shown, "form": form, "section": "organisers"},
        status=status,
    )


@officer_required
def organiser(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One organiser: its unit, its roles, and the form giving an account a role in it."""
    the_organiser = get_object_or_404(Organiser.objects.select_related("unit", "parent"), code=code)
    if the_organiser not in _visible(request):
        raise Http404  # never reveal another organiser
    can_set_up = may_set_up(request.user, the_organiser)
    form = MemberForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_set_up:
            messages.error(request, _("Bạn không có quyền giao vai trò ở đơn vị tổ chức này."))
            status = 403
        elif form.is_valid():
            data = form.cleaned_data
            try:
                membership = add_member(the_organiser, data["username"], data["role"], data["unit_code"])
            except OrganiserError as exc:
                form.add_error(None, str(exc))
                status = 422
            else:
                messages.success(request, _("Đã giao vai trò: %(role)s.") % {"role": str(membership)})
                return redirect("units:organiser", code=the_organiser.code)
        else:
            status = 422
    members = Membership.objects.filter(organiser=the_organiser).select_related("user")
    unit_members = (
        Membership.objects.filter(unit__parent_code=the_organiser.unit.code).select_related("user", "unit")
        if the_organiser.unit is not None
        else Membership.objects.none()
    )
    return render(
        request,
        "units/organiser.html",
        {
            "organiser": the_organiser,
            "members": list(members) + list(unit_members),
            "form": form,
            "can_set_up": can_set_up,
            "section": "organisers",
        },
        status=status,
    )
