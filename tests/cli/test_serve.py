"""`chiso serve` runs the app under gunicorn and the background worker beside it: a page, a static file served by whitenoise with its
gzip variant and far-future headers, chiso's own 404 page, a queued job run, and a clean stop on SIGINT."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import chiso

SRC = Path(chiso.__file__).resolve().parent.parent  # the chiso this test imports, for the server too


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_for_the_server(home: Path) -> dict[str, str]:
    """The server's database: the test database with the built-in data (loaded once per session) —
    on SQLite copied into the server's data folder, on PostgreSQL the test database itself."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        home.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(home / "chiso.sqlite3")
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return {}
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return {"DATABASE_URL": f"postgres://{user}@{host}:{port}/{settings['NAME']}"}


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_until_listening(process: subprocess.Popen[str], port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chiso serve stopped (status {process.returncode}):\n{process.communicate()[0]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"chiso serve did not listen within {seconds} s:\n{process.communicate()[0]}")


QUEUE_A_REPORT_AND_WAIT = """
import time
from chiso.bootstrap import setup_django
setup_django()
from chiso.jobs.models import Job
from chiso.jobs.services import start
job = start("chiso.reports.jobs:make_report", "PAPI 2021", params={"index": "papi", "year": 2021, "unit": "58", "kind": "xlsx"})
deadline = time.monotonic() + 90
while time.monotonic() < deadline and not Job.objects.get(pk=job.pk).finished:
    time.sleep(0.5)
job.refresh_from_db()
print(job.state, job.error)
state = job.state
Job.objects.filter(pk=job.pk).delete()  # the test database is shared on PostgreSQL
print(state)
"""


@pytest.mark.django_db
def test_serve_answers_pages_and_static_files_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CHISO_DEBUG", "CHISO_DEMO", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(_database_for_the_server(home))
    environment.update(
        CHISO_HOME=str(home),
        CHISO_SECRET_KEY="a-server-key-for-this-test-only-" + "x" * 40,
        PYTHONPATH=os.pathsep.join([str(SRC), environment.get("PYTHONPATH", "")]),
    )
    command = [sys.executable, "-m", "chiso.cli.main", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "1", "--threads", "2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_listening(server, port, seconds=60)
        base = f"http://127.0.0.1:{port}"

        status, headers, body = _get(base + "/", **{"Accept-Encoding": "identity"})
        assert status == 200
        page = body.decode()
        assert 'lang="vi"' in page
        stylesheet = re.search(r'href="(/static/chiso/chiso\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the style sheet by its hashed name"

        status, headers, body = _get(base + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
        assert "Accept-Encoding" in headers["Vary"]
        assert body[:2] == b"\x1f\x8b"  # a gzip stream

        status, headers, body = _get(base + "/trang-nay-khong-co/")
        assert status == 404
        assert "Không tìm thấy trang" in body.decode()

        # A background job queued in the server's database is run by the worker serve started.
        queued = subprocess.run(
            [sys.executable, "-c", QUEUE_A_REPORT_AND_WAIT],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert queued.stdout.strip().endswith("done"), queued.stdout + queued.stderr
    finally:
        server.send_signal(signal.SIGINT)  # what Ctrl+C sends to the command, and only to it
        output, _ = server.communicate(timeout=40)
    assert server.returncode == 0, output
    assert "gunicorn" in output and "Đã dừng chiso." in output
    with socket.socket() as probe:  # no one listens on the port any more: the children are gone
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # closed connections linger
        probe.bind(("127.0.0.1", port))
