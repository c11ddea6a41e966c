"""Time and database queries per page on the demo, before and after caching published analyses.

What is measured
    Each page is requested through Django's test client (no server, no network) as a visitor or as
    the demo's officer, in three ways, side by side in one run:
      baseline   every analysis rebuilt from the database (the cache bypassed, as before issue 11);
      shared     this process's analyses forgotten before each request: read back from the shared
                 cache (another worker of the server, or this one after a restart);
      cached     the analysis already in this process (the common case).
    Wall time is the best of N requests; queries are those of one request.

The database is DATABASE_URL (PostgreSQL recommended) or a new embedded SQLite one in a temporary
CHISO_HOME; the demo is seeded into it when it is not there yet.

Run:  python benchmarks/pages.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from _common import table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

PUBLIC = [
    "/",
    "/ket-qua/papi/2024/",
    "/ket-qua/pci/2016/",
    "/ket-qua/papi/2024/22/",
    "/ke-hoach/phan-tich/papi/2024/22/",
]
OFFICER = ["/dieu-hanh/bang-ket-qua/", "/ke-hoach/phan-tich/papi/2024/22/de-xuat/"]


def prepare() -> None:
    if "DATABASE_URL" not in os.environ and "CHISO_HOME" not in os.environ:
        os.environ["CHISO_HOME"] = tempfile.mkdtemp(prefix="chiso-pages-")
    os.environ["CHISO_DEMO"] = "1"
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready(out=io.StringIO())
    from chiso.assessments.models import Cycle
    from chiso.demo.build import seed_demo

    if not Cycle.objects.exists():
        print("seeding the demo …", file=sys.stderr)
        seed_demo(out=io.StringIO())


def measure(client, path: str, repeat: int, before=None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = float("inf")
    queries = 0
    for _ in range(repeat):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, (path, response.status_code)
        best = min(best, elapsed)
        queries = len(captured)
    return best, queries


def run(repeat: int) -> list[list[object]]:
    from django.contrib.auth.models import User
    from django.test import Client

    from chiso.engine.analysis import YearAnalysis
    from chiso.results import cache

    visitor = Client()
    officer = Client()
    officer.force_login(User.objects.get(username="sonoivu"))
    pages = [(visitor, path, "visitor") for path in PUBLIC] + [(officer, path, "officer") for path in OFFICER]

    def uncached(parts, build):
        return YearAnalysis(*build())

    rows = []
    for client, path, who in pages:
        with mock.patch("chiso.results.services.cached_analysis", uncached):
            base_t, base_q = measure(client, path, repeat)
        client.get(path)  # warm: kept in this process and in the shared cache
        shared_t, shared_q = measure(client, path, repeat, before=cache._in_process.clear)
        client.get(path)
        warm_t, warm_q = measure(client, path, repeat)
        rows.append(
            [
                f"{path} ({who})",
                f"{base_t * 1000:.0f} ms",
                base_q,
                f"{shared_t * 1000:.0f} ms",
                shared_q,
                f"{warm_t * 1000:.0f} ms",
                warm_q,
                f"{base_t / warm_t:.1f}×",
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    prepare()
    from django.conf import settings
    from django.db import connection

    rows = run(args.repeat)
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"database: {connection.vendor}; cache: {backend}; best of {args.repeat}")
    header = ["page", "baseline", "queries", "shared", "queries", "cached", "queries", "speed-up"]
    print(table(header, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
