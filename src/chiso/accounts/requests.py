"""The request type of views that only signed-in users reach (for the type checker)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """An HttpRequest whose user has signed in: annotate `request` with it in views behind a login
    or role check, so that the user passes where a `User` is expected (never an AnonymousUser)."""

    user: User
