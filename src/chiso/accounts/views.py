"""Signing in and out (Django's views with chiso's templates and form)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from chiso.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), back to the public results."""
