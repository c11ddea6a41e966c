"""`chiso demo` seeds the demo and serves it (the server itself is not started here)."""

from __future__ import annotations

import argparse
import os

import django.core.management
import pytest

import chiso.bootstrap
import chiso.demo.build
from chiso.cli import setup


def test_demo_seeds_then_serves_on_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple]] = []
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/else")
    monkeypatch.setattr(setup, "_django_in_our_language", lambda: calls.append(("django", ())))
    monkeypatch.setattr(chiso.bootstrap, "ensure_ready", lambda out: calls.append(("ready", ())))
    monkeypatch.setattr(chiso.demo.build, "seed_demo", lambda out: calls.append(("seed", ())))
    monkeypatch.setattr(
        django.core.management, "call_command", lambda *args, **kwargs: calls.append(("serve", args))
    )
    setup.cmd_demo(argparse.Namespace(port=8123))
    assert [name for name, _args in calls] == ["django", "ready", "seed", "serve"]
    assert calls[-1][1] == ("runserver", "127.0.0.1:8123")
    assert "DATABASE_URL" not in os.environ
