"""Signing in and out (Django's views with chiso's templates and form), and the page of a sign-in
refused after too many wrong passwords (django-axes calls `locked_out`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from chiso.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), back to the public results."""


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page again, saying that this user name is locked here for a while (HTTP 429).

    The password is not checked while the lock lasts, right or wrong."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Đã nhập sai mật khẩu {count} lần. Tài khoản «{username}» tạm bị khóa trên máy này trong "
        "{minutes} phút: hãy thử lại sau, hoặc nhờ quản trị hệ thống mở khóa."
    ).format(count=settings.AXES_FAILURE_LIMIT, username=username, minutes=minutes)
    context = {
        "form": SignInForm(request, initial={"username": username}),
        "locked_message": message,
        "next": request.POST.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=429)
