"""`chiso demo` seeds the demo and serves it with `chiso serve`'s server (not started here)."""

from __future__ import annotations

import argparse
import os

import pytest

import chiso.bootstrap
import chiso.cli.serve
import chiso.demo.build
from chiso.cli import setup


def test_demo_seeds_then_serves_on_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple, dict]] = []
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/else")
    monkeypatch.delenv("CHISO_DEMO", raising=False)
    monkeypatch.setattr(setup, "_django_in_our_language", lambda: calls.append(("django", (), {})))
    monkeypatch.setattr(chiso.bootstrap, "ensure_ready", lambda out: calls.append(("ready", (), {})))
    monkeypatch.setattr(chiso.demo.build, "seed_demo", lambda out: calls.append(("seed", (), {})))

    def serve(*args: object, **kwargs: object) -> str:
        calls.append(("serve", args, kwargs))
        return ""

    monkeypatch.setattr(chiso.cli.serve, "serve", serve)
    setup.cmd_demo(argparse.Namespace(port=8123))
    assert [name for name, _args, _kwargs in calls] == ["django", "ready", "seed", "serve"]
    environ, host, port = calls[-1][1][:3]
    assert (host, port) == ("127.0.0.1", 8123)
    assert "http://127.0.0.1:8123/" in calls[-1][2]["announce"]
    # The server's children run in demo mode on SQLite: no secret key needed, the demo accounts.
    assert environ["CHISO_DEMO"] == "1" and "DATABASE_URL" not in environ
    assert "DATABASE_URL" not in os.environ
