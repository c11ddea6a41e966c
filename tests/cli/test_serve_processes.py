"""How `chiso serve` starts, watches and stops its child processes (no server started here)."""

from __future__ import annotations

import os
import signal
import sys
from itertools import pairwise

import django.db
import pytest

from chiso.cli.common import CommandError
from chiso.cli.serve import Child, _check_connections, child_environment, run_together, web_server

SLEEPER = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])


def test_when_one_child_stops_the_others_are_stopped_and_its_status_returned():
    failing = Child("failing", [sys.executable, "-c", "import time, sys; time.sleep(0.5); sys.exit(3)"])
    assert run_together([SLEEPER, failing], os.environ, grace=5) == 3


def test_sigterm_stops_every_child_and_returns_0():
    def ask_to_stop() -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    assert run_together([SLEEPER, SLEEPER], os.environ, grace=5, started=ask_to_stop) == 0
    assert signal.getsignal(signal.SIGTERM) == before  # the command's own handling is back


def test_the_web_server_is_gunicorn_with_bounded_threaded_workers():
    argv = web_server("127.0.0.1", 8001, workers=3, threads=5).argv
    assert argv[1:4] == ["-m", "gunicorn", "chiso.wsgi:application"]
    options = dict(pairwise(argv))
    assert options["--bind"] == "127.0.0.1:8001"
    assert options["--worker-class"] == "gthread"
    assert (options["--workers"], options["--threads"]) == ("3", "5")
    assert "--access-logfile" not in argv
    assert "--access-logfile" in web_server("::1", 8001, 1, 1, access_log=True).argv
    assert "[::1]:8001" in web_server("::1", 8001, 1, 1).argv


def test_children_get_the_size_and_never_debug():
    env = child_environment({"CHISO_DEBUG": "1", "PATH": "/bin"}, workers=2, threads=4)
    assert "CHISO_DEBUG" not in env and env["PATH"] == "/bin"
    assert (env["CHISO_WEB_WORKERS"], env["CHISO_WEB_THREADS"]) == ("2", "4")
    assert env["DJANGO_SETTINGS_MODULE"] == "chiso.settings"


class FakePostgreSQL:
    """Answers the three questions `chiso serve` asks a PostgreSQL server about its connections."""

    vendor = "postgresql"

    def __init__(self, max_connections: int) -> None:
        self.answers = [str(max_connections), "3", None]

    def cursor(self) -> FakePostgreSQL:
        return self

    def __enter__(self) -> FakePostgreSQL:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str) -> None:
        self.answer = self.answers.pop(0)

    def fetchone(self) -> tuple[str | None]:
        return (self.answer,)


def test_a_size_beyond_postgresqls_connections_is_refused(monkeypatch):
    monkeypatch.setattr(django.db, "connection", FakePostgreSQL(100))
    _check_connections(8, 4)  # 32 of 92
    monkeypatch.setattr(django.db, "connection", FakePostgreSQL(30))
    with pytest.raises(CommandError) as refused:
        _check_connections(8, 4)  # 32 of 22
    assert "32" in str(refused.value) and "22" in str(refused.value)
