"""What the plan pages share: the officer-only decorator, the plans a user may see, form errors."""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language

from chiso.engine.numbers import format_number
from chiso.plans import services
from chiso.plans.models import Plan


def num(value: Decimal | None, places: int = 2) -> str:
    """A number for people in the active language."""
    return format_number(value, places, "en" if (get_language() or "vi").startswith("en") else "vi")


def manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
        if not services.manages(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def visible_plan(request: HttpRequest, pk: int) -> Plan:
    plan = services.visible_plans(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
