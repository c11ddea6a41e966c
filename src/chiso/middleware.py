"""Vietnamese first: the language is the one the user chose (cookie), else Vietnamese. And a
request id for every request (the change log's correlation id).

Django's LocaleMiddleware would follow the browser's Accept-Language and show English to most
officials whose browsers are set up in English; chiso's users expect Vietnamese unless they switch.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from chiso.accounts.sessions import client_address
from chiso.core import request_context


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RequestIdMiddleware:
    """Every request gets an id: the client's or proxy's X-Request-ID when it is sane (see
    `chiso.core.request_context.sane_request_id`), else a new UUID. It is on the response
    (X-Request-ID) and on every change-log entry the request writes (auditlog's correlation id),
    with the signed-in user, the remote address and the path.

    The remote address is the one sign-in throttling counts (`chiso.accounts.sessions.client_address`):
    REMOTE_ADDR, or behind a proxy (CHISO_BEHIND_PROXY=1) the address the proxy appended to
    X-Forwarded-For — never what the client itself claims there."""

    HEADER = "X-Request-ID"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_context.sane_request_id(request.headers.get(self.HEADER))
        with (
            request_context.acting(
                request_id=request_id,
                actor=lambda: getattr(request, "user", None),  # read when a change is logged, not before
                remote_addr=client_address(request) or None,
                via="web",
                method=request.method,
                path=request.path[:300],
            ) as context
        ):
            request.request_id = context.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response.headers[self.HEADER] = context.request_id or ""
        return response


class MethodNotAllowedPageMiddleware:
    """Django answers a wrong method (a link or a reload on an address that only takes a form's
    POST: `require_POST`) with 405 and an empty body, which a browser shows as a blank page. Give
    it the site's 405 page, keeping the Allow header. Placed inside the Content Security Policy
    middleware, so that the page gets the policy too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        if request.method == "HEAD" or getattr(request, "htmx", False):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
