"""Commands never migrate a database behind the user's back; `chiso setup` does, and the embedded
SQLite database is still created on a newcomer's first command."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import chiso

SRC = str(Path(chiso.__file__).resolve().parent.parent)
HEAVY = ("polars", "openpyxl", "docx", "matplotlib")
# Runs the command, then lists on stderr the data libraries it loaded.
RUN = """
import runpy, sys
sys.argv = ["chiso", *sys.argv[1:]]
try:
    runpy.run_module("chiso.cli.main", run_name="__main__")
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & set(%r))
    print("loaded:", ",".join(heavy), file=sys.stderr)
""".replace("%r", repr(HEAVY))


def chiso_command(*argv: str, home: Path, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC, "CHISO_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-c", RUN, *argv], env=env, capture_output=True, text=True, timeout=600
    )


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_a_configured_database_is_never_migrated_by_a_command(tmp_path):
    database = tmp_path / "elsewhere.sqlite3"
    url = f"sqlite:///{database}"
    done = chiso_command("ranking", "papi", "2021", home=tmp_path / "home", database_url=url)
    assert done.returncode == 1
    assert "chiso setup" in done.stderr and "Cơ sở dữ liệu chưa được cập nhật" in done.stderr
    assert "Traceback" not in done.stderr
    assert not database.exists() or tables(database) == set()  # nothing migrated

    done = chiso_command("setup", home=tmp_path / "home", database_url=url)
    assert done.returncode == 0, done.stderr
    assert "Cơ sở dữ liệu sẵn sàng." in done.stdout and "django_migrations" in tables(database)

    done = chiso_command("profile", "papi", "2021", "Ninh Thuận", home=tmp_path / "home", database_url=url)
    assert done.returncode == 0, done.stderr
    assert "Ninh Thuận" in done.stdout and "14/63" in done.stdout
    assert "loaded: \n" in done.stderr  # no polars, openpyxl, docx or matplotlib for a profile

    # A migration missing from the database (as after an upgrade of chiso): say so, apply nothing.
    with sqlite3.connect(database) as connection:
        recorded = connection.execute(
            "SELECT app, name, applied FROM django_migrations WHERE app = 'results' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        connection.execute("DELETE FROM django_migrations WHERE app = ? AND name = ?", recorded[:2])
    done = chiso_command("ranking", "papi", "2021", home=tmp_path / "home", database_url=url)
    assert done.returncode == 1 and "chiso setup" in done.stderr
    with sqlite3.connect(database) as connection:
        assert not connection.execute(
            "SELECT 1 FROM django_migrations WHERE app = ? AND name = ?", recorded[:2]
        ).fetchall()
        connection.execute("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)", recorded)
    done = chiso_command("migrate", home=tmp_path / "home", database_url=url)  # the alias of setup
    assert done.returncode == 0, done.stderr
    assert chiso_command("ranking", "papi", "2021", home=tmp_path / "home", database_url=url).returncode == 0


def test_an_existing_embedded_database_is_not_migrated_either(tmp_path):
    (tmp_path / "chiso.sqlite3").touch()
    done = chiso_command("units", "resolve", "58", home=tmp_path)
    assert done.returncode == 1 and "chiso setup" in done.stderr
    assert tables(tmp_path / "chiso.sqlite3") == set()


def test_the_embedded_database_is_created_on_first_use(tmp_path):
    done = chiso_command("units", "resolve", "Ninh Thuận", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Lần chạy đầu" in done.stderr and "mã 58" in done.stdout
    assert "django_migrations" in tables(tmp_path / "chiso.sqlite3")


def test_the_refusal_in_english(tmp_path):
    (tmp_path / "chiso.sqlite3").touch()
    done = chiso_command("--lang", "en", "units", "resolve", "58", home=tmp_path)
    assert done.returncode == 1 and "chiso setup" in done.stderr
