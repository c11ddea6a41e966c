"""How many requests chiso serves at once, and how many database connections that takes.

`chiso serve` runs the web app under gunicorn: `workers` processes of `threads` threads each, so at
most workers × threads requests at a time (more wait in the listen queue). On PostgreSQL each
worker process keeps a psycopg pool of at most `threads` connections, one per thread, so the
server never holds more than workers × threads connections, whatever the load; the settings read
the pool's size from here (`pool_options`) and `chiso serve` checks the total against the
server's `max_connections` before it starts (`connections_available`).

The sizes come from the command's flags, else from CHISO_WEB_WORKERS and CHISO_WEB_THREADS, else
from the number of CPUs. This module imports nothing from Django: the settings import it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

MIN_WORKERS, MAX_WORKERS = 1, 32
MIN_THREADS, MAX_THREADS = 1, 32
DEFAULT_THREADS = 4
# Connections left free for what runs beside the server: a command, the background worker, a backup.
SPARE_CONNECTIONS = 5
# How long a request waits for a free pooled connection before it fails (seconds). With one
# connection per thread it never waits; the bound is there for code that would hold two.
POOL_TIMEOUT = 10


def cpu_count() -> int:
    """The CPUs this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """One worker process per CPU, at least 2 (one busy with a long page does not stall the site)
    and at most 8."""
    return max(2, min(cpu_count(), 8))


@dataclass(frozen=True)
class ServerSize:
    """How many worker processes and threads per process the web server runs."""

    workers: int
    threads: int

    @property
    def requests(self) -> int:
        """The most requests served at once, and so the most database connections held."""
        return self.workers * self.threads


class BadServerSize(ValueError):
    """A worker or thread count that is not a whole number within its bounds: `setting` names the
    flag or variable, `value` is what it said (the command line words the message for the user)."""

    def __init__(self, setting: str, value: object, low: int, high: int) -> None:
        super().__init__(f"{setting}={value}: a whole number from {low} to {high} is needed")
        self.setting, self.value, self.low, self.high = setting, value, low, high


def _from_environment(environ: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    value = environ.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadServerSize(name, value, low, high) from None


def server_size(
    workers: int | None = None, threads: int | None = None, environ: Mapping[str, str] | None = None
) -> ServerSize:
    """The server's size: the given counts (the command's flags), else CHISO_WEB_WORKERS and
    CHISO_WEB_THREADS, else the defaults; BadServerSize when one is out of bounds."""
    environ = os.environ if environ is None else environ
    if workers is None:
        workers_setting = "CHISO_WEB_WORKERS"
        workers = _from_environment(environ, workers_setting, MIN_WORKERS, MAX_WORKERS)
        workers = default_workers() if workers is None else workers
    else:
        workers_setting = "--workers"
    if threads is None:
        threads_setting = "CHISO_WEB_THREADS"
        threads = _from_environment(environ, threads_setting, MIN_THREADS, MAX_THREADS)
        threads = DEFAULT_THREADS if threads is None else threads
    else:
        threads_setting = "--threads"
    if not MIN_WORKERS <= workers <= MAX_WORKERS:
        raise BadServerSize(workers_setting, workers, MIN_WORKERS, MAX_WORKERS)
    if not MIN_THREADS <= threads <= MAX_THREADS:
        raise BadServerSize(threads_setting, threads, MIN_THREADS, MAX_THREADS)
    return ServerSize(workers, threads)


def pool_options(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """The psycopg pool of one process (Django's ``OPTIONS["pool"]`` on PostgreSQL): one
    connection per thread at most, one kept open when idle.

    A worker of `chiso serve` has CHISO_WEB_THREADS threads (the command sets it for its
    children); any other process (a command, the tests) gets the default size, and opens only
    what it uses.
    """
    threads = server_size(environ=environ).threads
    return {"min_size": 1, "max_size": threads, "timeout": POOL_TIMEOUT}


def connections_available(max_connections: int, reserved: int) -> int:
    """How many connections a server may hold on a PostgreSQL that allows `max_connections`, of
    which `reserved` are kept for superusers: the rest less SPARE_CONNECTIONS."""
    return max_connections - reserved - SPARE_CONNECTIONS
