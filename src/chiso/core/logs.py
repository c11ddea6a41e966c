"""Structured logging: one JSON object per line on stderr (configured in settings.LOGGING).

- `JsonFormatter` writes the time, level, logger and message of a record, the fields passed in
  `extra=`, the request of a server error (method, path, request id, user id) and its traceback.
- `logged_import` wraps an import service: every file imported or refused is a line of the
  "chiso.imports" logger (kind, file, user, counts; the error's type and number of problems).
- `LoggingEmailBackend` sends through the configured backend (CHISO_EMAIL_BACKEND) and writes a line
  of the "chiso.mail" logger per e-mail: subject, recipients, sent or failed.

Log lines are for the people who run the server, in English like Django's own; what users read
stays translated.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

imports = logging.getLogger("chiso.imports")
mail = logging.getLogger("chiso.mail")

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def request_id(request: Any) -> str | None:
    """The id of a request, when a middleware gave it one (attribute or X-Request-ID header)."""
    for attribute in ("request_id", "id"):
        value = getattr(request, attribute, None)
        if value:
            return str(value)
    meta = getattr(request, "META", None) or {}
    return meta.get("HTTP_X_REQUEST_ID") or None


def _request_fields(request: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"method": request.method, "path": request.path}
    identifier = request_id(request)
    if identifier:
        fields["request_id"] = identifier
    user = getattr(request, "_cached_user", None)  # only if already loaded: no query while logging
    if user is not None and getattr(user, "pk", None) is not None:
        fields["user_id"] = user.pk
    return fields


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is emitted, not to the stream it was when
    logging was configured (which a test runner or a command may have replaced and closed since)."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self) -> Any:
        return sys.stderr


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "request":
                if hasattr(value, "META"):  # Django's request (django.request's errors)
                    data.update(_request_fields(value))
                continue
            data[key] = value
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


# -- imports ---------------------------------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")

_COUNTS = ("rows", "units", "created", "updated", "imported", "invalid_rows", "duplicates")


def _file_name(args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    """The name of the imported file among a service's arguments (a path, a file, `file_name`)."""
    if kwargs.get("file_name"):
        return str(kwargs["file_name"])
    for value in (*args, *kwargs.values()):
        if isinstance(value, PurePath):
            return value.name
        if hasattr(value, "read"):
            return PurePath(str(getattr(value, "name", "") or "")).name
        if isinstance(value, str) and "\n" not in value and PurePath(value).suffix:
            return PurePath(value).name
    return ""


def _summary(result: Any) -> dict[str, Any]:
    """What an import wrote: {"counts": {...}} (nested: "created" is a LogRecord attribute) and the
    code of what it saved."""
    counts = {name: getattr(result, name) for name in _COUNTS if type(getattr(result, name, None)) is int}
    if isinstance(result, list):
        counts["entries"] = len(result)
    fields: dict[str, Any] = {"counts": counts} if counts else {}
    code = getattr(result, "code", None)
    if isinstance(code, str):
        fields["code"] = code
    return fields


def logged_import(kind: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate an import service: a "chiso.imports" line for every file imported or refused."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            user: Any = kwargs.get("user") or next((a for a in args if hasattr(a, "get_username")), None)
            fields: dict[str, Any] = {"kind": kind, "file": _file_name(args, kwargs)}
            if getattr(user, "is_authenticated", False):
                fields["user"] = user.get_username()
            if kwargs.get("dry_run"):
                fields["dry_run"] = True
            try:
                result = service(*args, **kwargs)
            except Exception as exc:
                problems = getattr(exc, "errors", None) or getattr(exc, "problems", None)
                fields["error"] = type(exc).__name__
                if isinstance(problems, list):  # a capped list says how many there were in `total`
                    fields["problems"] = getattr(exc, "total", None) or len(problems)
                imports.warning("import refused", extra=fields)
                raise
            imports.info("import done", extra={**fields, **_summary(result)})
            return result

        return wrapper

    return decorate


# -- e-mail ----------------------------------------------------------------------------------------


class LoggingEmailBackend(BaseEmailBackend):
    """Send through settings.CHISO_EMAIL_BACKEND and log every message on "chiso.mail"."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(settings.CHISO_EMAIL_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self) -> bool | None:
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        try:
            sent = self.inner.send_messages(email_messages) or 0
        except Exception:
            for message in email_messages:
                mail.exception("e-mail failed", extra=_mail_fields(message))
            raise
        for position, message in enumerate(email_messages):
            if position < sent:
                mail.info("e-mail sent", extra=_mail_fields(message))
            else:
                mail.error("e-mail not sent", extra=_mail_fields(message))
        return sent


def _mail_fields(message: EmailMessage) -> dict[str, Any]:
    return {"subject": message.subject, "to": message.recipients(), "from": message.from_email}
