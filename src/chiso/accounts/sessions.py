"""Sessions that end after a period without use, and the address sign-in throttling counts by.

A session lives SESSION_COOKIE_AGE seconds after its last save. `SlidingSessionMiddleware` saves it
again when it is used, at most once every `REFRESH_SECONDS`: the expiry slides with activity, and
an idle session ends, without a database write on every request (which SESSION_SAVE_EVERY_REQUEST
would cost, and which SQLite serialises).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

SEEN = "chiso_seen"  # when the session was last saved because of use (Unix seconds)
REFRESH_SECONDS = 300


def stamp(session: Any) -> None:
    """Record that the session is being used now (saved with the session)."""
    session[SEEN] = int(time.time())


def stamp_on_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: a new session starts with its stamp."""
    if request is not None and hasattr(request, "session"):
        stamp(request.session)


class SlidingSessionMiddleware:
    """After SessionMiddleware: re-save a used session whose stamp is older than REFRESH_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request already read (no extra query) and that holds something.
        if session is not None and session.accessed and not session.is_empty():
            seen = session.get(SEEN)
            if not isinstance(seen, int) or time.time() - seen >= REFRESH_SECONDS:
                stamp(session)
        return response


def client_address(request: HttpRequest) -> str | None:
    """The address a sign-in attempt comes from (django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind a reverse proxy (CHISO_BEHIND_PROXY=1) every request comes from the proxy, so the
    client is the right-most address of X-Forwarded-For: the one the proxy itself appended (those
    to its left are whatever the client claimed).
    """
    if getattr(settings, "CHISO_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
