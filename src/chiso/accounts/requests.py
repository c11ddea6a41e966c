"""The request type of views that only signed-in users reach (for the type checker)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """An HttpRequest whose user has signed in: annotate `request` with it in views behind a login
    or role check, so that the user passes where a `User` is expected (never an AnonymousUser).
    `htmx` is what django-htmx's middleware (on every request) tells of an htmx request."""

    user: User
    htmx: HtmxDetails
