"""Who is acting, and under which request id.

The web middleware (`chiso.middleware.RequestIdMiddleware`) opens a context for each request and
the command line one for each command; the change log (`chiso.core.changelog`) stamps every entry
with it: the request id (auditlog's correlation id, `cid`), the actor, the remote address and where
the change came from (`{"via": "web", "path": …}` or `{"via": "cli", "command": …}`).

Plain Python (no Django import), so that the command line can open the context before Django is
set up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# A request id a client or a proxy may give (X-Request-ID): letters, digits and . _ : -, at most 64,
# starting with a letter or a digit — nothing that could break a header, a log line or a CSV cell.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


@dataclass(frozen=True)
class Context:
    """The context of the changes being made now (all empty outside a request or a command)."""

    request_id: str | None = None
    actor: Any = None  # a user, or a callable returning one (the request's user, read when needed)
    remote_addr: str | None = None
    origin: dict[str, Any] = field(default_factory=dict)

    def user(self) -> Any:
        """The acting user (None: nobody known)."""
        return self.actor() if callable(self.actor) else self.actor


NOBODY = Context()
_current: ContextVar[Context | None] = ContextVar("chiso_request_context", default=None)


def current() -> Context:
    return _current.get() or NOBODY


def current_request_id() -> str | None:
    """The id of the request or command being run (None outside both)."""
    return current().request_id


def new_request_id() -> str:
    return str(uuid.uuid4())


def sane_request_id(text: str | None) -> str | None:
    """`text` when it is an acceptable request id, else None (a new one is made instead)."""
    if text and SANE_REQUEST_ID.fullmatch(text):
        return text
    return None


@contextmanager
def acting(
    *,
    request_id: str | None = None,
    actor: Any | Callable[[], Any] = None,
    remote_addr: str | None = None,
    **origin: Any,
) -> Iterator[Context]:
    """Run the body as one request or command: every change it makes is logged under one request id
    (a new one unless given), with `actor` and `origin` (e.g. ``via="cli", command="setup"``)."""
    context = Context(request_id or new_request_id(), actor, remote_addr, dict(origin))
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def set_actor(user: Any) -> None:
    """Name the acting user once it is known (a command given ``--user``), for the rest of the
    request or command; outside one (a command's function called directly) nothing is kept."""
    context = _current.get()
    if context is None:
        return
    _current.set(Context(context.request_id, user, context.remote_addr, context.origin))
