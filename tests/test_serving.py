"""How big the server is and what that costs the database: worker and thread counts from flags,
environment or CPUs, within bounds; on PostgreSQL a psycopg pool per process of at most one
connection per thread, and no persistent connection beside it."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import chiso.settings
from chiso import serving
from chiso.serving import BadServerSize, ServerSize, server_size

SETTINGS = chiso.settings.__file__


def settings_with(monkeypatch: pytest.MonkeyPatch, home: Path, **env: str) -> dict:
    """The settings module's names as a process with `env` would read them."""
    for name in ("DATABASE_URL", "CHISO_WEB_WORKERS", "CHISO_WEB_THREADS", "CHISO_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHISO_HOME", str(home))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(SETTINGS)


def test_on_postgresql_each_process_pools_one_connection_per_thread(monkeypatch, tmp_path):
    names = settings_with(
        monkeypatch, tmp_path, DATABASE_URL="postgres://chiso@127.0.0.1:5432/chiso", CHISO_WEB_THREADS="6"
    )
    database = names["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": serving.POOL_TIMEOUT}


def test_a_command_on_postgresql_gets_the_default_pool(monkeypatch, tmp_path):
    database = settings_with(monkeypatch, tmp_path, DATABASE_URL="postgres://chiso@db/chiso")["DATABASES"]
    assert database["default"]["OPTIONS"]["pool"]["max_size"] == serving.DEFAULT_THREADS


def test_sqlite_has_no_pool(monkeypatch, tmp_path):
    database = settings_with(monkeypatch, tmp_path)["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in database["OPTIONS"]


def test_static_files_are_hashed_compressed_and_served_by_whitenoise(monkeypatch, tmp_path):
    names = settings_with(monkeypatch, tmp_path)
    assert names["STORAGES"]["staticfiles"]["BACKEND"] == "chiso.core.staticfiles.StaticFilesStorage"
    middleware = names["MIDDLEWARE"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )
    assert names["STATIC_ROOT"] == tmp_path / "static"


def test_the_size_comes_from_flags_then_environment_then_cpus(monkeypatch):
    monkeypatch.setattr(serving, "cpu_count", lambda: 2)
    assert server_size(environ={}) == ServerSize(2, serving.DEFAULT_THREADS)
    environment = {"CHISO_WEB_WORKERS": "3", "CHISO_WEB_THREADS": "5"}
    assert server_size(environ=environment) == ServerSize(3, 5)
    assert server_size(4, 2, environ=environment) == ServerSize(4, 2)
    assert ServerSize(3, 5).requests == 15


@pytest.mark.parametrize(("cpus", "workers"), [(1, 2), (2, 2), (6, 6), (64, 8)])
def test_default_workers_follow_the_cpus_within_bounds(monkeypatch, cpus, workers):
    monkeypatch.setattr(serving, "cpu_count", lambda: cpus)
    assert serving.default_workers() == workers


@pytest.mark.parametrize(
    ("workers", "threads", "environment", "setting"),
    [
        (0, None, {}, "--workers"),
        (33, None, {}, "--workers"),
        (None, 0, {}, "--threads"),
        (None, 100, {}, "--threads"),
        (None, None, {"CHISO_WEB_WORKERS": "0"}, "CHISO_WEB_WORKERS"),
        (None, None, {"CHISO_WEB_THREADS": "many"}, "CHISO_WEB_THREADS"),
        (None, None, {"CHISO_WEB_THREADS": "-2"}, "CHISO_WEB_THREADS"),
    ],
)
def test_sizes_out_of_bounds_are_refused_naming_the_setting(workers, threads, environment, setting):
    with pytest.raises(BadServerSize) as refused:
        server_size(workers, threads, environ=environment)
    assert refused.value.setting == setting


def test_connections_left_for_the_server():
    # PostgreSQL's defaults: 100 connections, 3 for superusers; 5 spare for commands and a worker.
    assert serving.connections_available(100, 3) == 92


def test_the_smtp_server_comes_from_the_environment(monkeypatch, tmp_path):
    names = settings_with(
        monkeypatch,
        tmp_path,
        CHISO_EMAIL_HOST="smtp.example.vn",
        CHISO_EMAIL_PORT="587",
        CHISO_EMAIL_USER="chiso",
        CHISO_EMAIL_PASSWORD="secret",
        CHISO_EMAIL_TLS="1",
    )
    assert (names["EMAIL_HOST"], names["EMAIL_PORT"], names["EMAIL_USE_TLS"]) == (
        "smtp.example.vn",
        587,
        True,
    )
    assert (names["EMAIL_HOST_USER"], names["EMAIL_HOST_PASSWORD"]) == ("chiso", "secret")
