"""The generation of the published data: one random value in the shared cache, renewed whenever
a row the published figures are made of changes (the units, frameworks and results apps: see
`chiso.results.cache`, which connects the signals). What is kept under a generation — computed
analyses, public pages kept as HTML — is never read again once it is renewed, in any process.

A change made inside a transaction renews it when the transaction commits; until then the
connection that made it is `pending`: it builds everything afresh and keeps nothing, since what it
would keep is made of rows the others cannot see yet.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger("chiso.cache")

KEY = "chiso:analyses:generation"


def current() -> str | None:
    """The current generation (a new random one when the shared cache has none: emptied, evicted);
    None when the shared cache cannot be read (then nothing is kept: it could not be renewed)."""
    try:
        value = cache.get(KEY)
        if value is None:
            cache.add(KEY, uuid.uuid4().hex, timeout=None)
            value = cache.get(KEY)
    except Exception:
        logger.warning("the cache cannot be read; analyses are not kept", exc_info=True)
        return None
    return None if value is None else str(value)


def renew() -> None:
    """A new generation now."""
    try:
        cache.set(KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a save never fails for the cache's sake
        logger.warning("the cache cannot be written; analyses may be kept too long", exc_info=True)


def pending() -> bool:
    """Has this connection's open transaction changed what the figures are made of?"""
    return connection.in_atomic_block and any(item[1] is renew for item in connection.run_on_commit)


def bump() -> None:
    """Everything kept so far is out of date: a new generation now, or when the open transaction
    commits (until then this connection builds everything afresh and keeps nothing, and the
    others do not see the change)."""
    if not connection.in_atomic_block:
        renew()
    elif not pending():
        transaction.on_commit(renew)
