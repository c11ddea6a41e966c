"""Load benchmark: chiso under `chiso serve` on PostgreSQL, at 1, 10 and 50 concurrent users.

What is measured
    The response times (p50, p95, p99, in ms) and the errors of seven pages on the demo's data:
    the public home, a ranking (PAPI 2024), a province's profile and its loss page (Quảng Ninh,
    PAPI 2024), and, signed in as the demo's Sở Nội vụ officer (`sonoivu`), the officer's
    dashboard, a unit's assessment (Sở Tư pháp, 2025 cycle) and a survey's results (SIPAS 2024).
    Each simulated user (locust, run headless from Python) opens one of the seven pages at
    random, waits a think time (uniform between 0.5 and 1.5 × --think seconds; --think 0 is a
    closed loop that sends the next request as soon as one returns), and goes on. All users start
    at once; the figures count from when they all run, for --duration seconds per level.

    The server is `chiso serve` with its default size (or --workers/--threads) on 127.0.0.1,
    on its own database (default chiso_load on the local PostgreSQL, created and seeded with the
    demo the first time: `chiso setup`, then the demo's province, cycles, survey and plan). The
    load generator runs on the same machine: it takes CPU from the server, as it would on any
    one-machine run. Loopback only: the server and the database must be on this machine.

The exit status is 1 when any request failed (an error, or a status other than 200).

Side by side: --baseline-ref REF first runs this same benchmark on the `src` of a git ref (taken
with `git archive`, served the same way on a database of its own, `<database>_baseline`), then on
the current code, and prints both with their ratios — one run, same machine, same load.

Run:  python benchmarks/load.py [--users 1,10,50] [--duration 30] [--think 1]
                                [--database-url postgres://postgres@127.0.0.1:5432/chiso_load]
                                [--workers N] [--threads N] [--pages home,ranking,…]
                                [--baseline-ref REF] [--json FILE]
      pip install -e '.[bench]' first (locust).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import table

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/chiso_load"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}
OFFICER, PASSWORD = "sonoivu", "chiso-demo"  # the demo's accounts (chiso.demo)
PAGE_NAMES = ("home", "ranking", "profile", "losses", "dashboard", "assessment", "survey_results")

# Run in a child Python on the benchmark's database, in demo mode: create it, seed the demo once,
# and print the addresses of the seven pages as JSON.
PREPARE = """
import io, json, sys
from chiso.bootstrap import ensure_ready, setup_django
setup_django()
from chiso.assessments.models import Cycle
from chiso.demo.build import seed_demo
from chiso.demo.cycles import CYCLE_NAMES
from chiso.demo.surveys import SURVEY_TITLES
from chiso.surveys.models import Survey
ensure_ready(out=sys.stderr)
if not Cycle.objects.filter(name=CYCLE_NAMES[2025]).exists():
    seed_demo(out=io.StringIO())
cycle = Cycle.objects.get(name=CYCLE_NAMES[2025])
assessment = cycle.assessments.get(unit__name="Sở Tư pháp")
survey = Survey.objects.get(title=SURVEY_TITLES[2024])
print(json.dumps({
    "home": "/",
    "ranking": "/ket-qua/papi/2024/",
    "profile": "/ket-qua/papi/2024/22/",
    "losses": "/ke-hoach/phan-tich/papi/2024/22/",
    "dashboard": "/dieu-hanh/",
    "assessment": f"/danh-gia/don-vi/{assessment.pk}/",
    "survey_results": f"/khao-sat/{survey.pk}/ket-qua/",
}))
"""


def chiso_source() -> str:
    """The folder chiso is imported from, for the child processes' PYTHONPATH."""
    import chiso

    return str(Path(chiso.__file__).resolve().parent.parent)


def child_environment(database_url: str, home: Path, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CHISO_DEBUG", "CHISO_DEMO", "CHISO_WEB_WORKERS", "CHISO_WEB_THREADS"}
    }
    environment.update(
        DATABASE_URL=database_url,
        CHISO_HOME=str(home),
        PYTHONPATH=os.pathsep.join(p for p in (chiso_source(), environment.get("PYTHONPATH", "")) if p),
        **extra,
    )
    return environment


def create_database(database_url: str) -> None:
    """Create the benchmark's database if it does not exist (on the same server, as its user)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    name = str(conninfo_to_dict(database_url)["dbname"])
    with psycopg.connect(database_url, dbname="postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created the database {name}", file=sys.stderr)


def prepare(database_url: str, home: Path) -> dict[str, str]:
    """The demo in the benchmark's database (seeded once), and the seven pages' addresses."""
    create_database(database_url)
    done = subprocess.run(
        [sys.executable, "-c", PREPARE],
        env=child_environment(database_url, home, CHISO_DEMO="1"),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    database_url: str, home: Path, port: int, workers: int | None, threads: int | None
) -> subprocess.Popen[bytes]:
    """`chiso serve` on 127.0.0.1:`port`, once it accepts connections."""
    command = [sys.executable, "-m", "chiso.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    environment = child_environment(database_url, home, CHISO_SECRET_KEY=secrets.token_urlsafe(50))
    server = subprocess.Popen(command, env=environment)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"chiso serve stopped with status {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("chiso serve did not start within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()


def sign_in(base: str) -> str:
    """The session cookie of the demo's officer: signed in once, shared by every simulated user
    (so that 50 password hashes at the start do not count as page time)."""
    import requests

    session = requests.Session()
    form = session.get(base + "/tai-khoan/dang-nhap/", timeout=60)
    form.raise_for_status()
    answer = session.post(
        base + "/tai-khoan/dang-nhap/",
        data={
            "username": OFFICER,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": base + "/tai-khoan/dang-nhap/"},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"could not sign in as {OFFICER} (HTTP {answer.status_code})")
    return str(session.cookies["sessionid"])


def warm_up(base: str, pages: dict[str, str], cookie: str, rounds: int = 3) -> None:
    """Open every page a few times before measuring: each worker's first request loads code."""
    import requests

    for _ in range(rounds):
        for path in pages.values():
            requests.get(base + path, cookies={"sessionid": cookie}, timeout=300, allow_redirects=False)


def run_level(
    base: str, pages: dict[str, str], cookie: str, users: int, duration: float, think: float
) -> dict[str, Any]:
    """One level in a child Python (locust patches the standard library with gevent when imported)."""
    job = {
        "base": base,
        "pages": pages,
        "cookie": cookie,
        "users": users,
        "duration": duration,
        "think": think,
    }
    done = subprocess.run(
        [sys.executable, __file__, "--level", json.dumps(job)], stdout=subprocess.PIPE, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def level(job: dict[str, Any]) -> None:
    """Run one level with locust's library API and print its figures as JSON (in the child)."""
    import random

    import gevent
    from locust import FastHttpUser, between, constant, task
    from locust.env import Environment

    pages = list(job["pages"].items())
    think = float(job["think"])

    class Visitor(FastHttpUser):
        host = job["base"]
        wait_time = between(0.5 * think, 1.5 * think) if think > 0 else constant(0)

        @task
        def open_a_page(self) -> None:
            name, path = random.choice(pages)
            with self.client.get(
                path,
                name=name,
                headers={"Cookie": f"sessionid={job['cookie']}"},
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

    environment = Environment(user_classes=[Visitor])
    runner = environment.create_local_runner()
    users = int(job["users"])
    runner.start(users, spawn_rate=users)
    while runner.user_count < users:
        gevent.sleep(0.05)
    environment.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(float(job["duration"]))
    elapsed = time.monotonic() - started
    runner.quit()
    figures = {}
    for name, _path in pages:
        entry = environment.stats.get(name, "GET")
        figures[name] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.50),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
        }
    total = environment.stats.total
    figures["all"] = {
        "requests": total.num_requests,
        "errors": total.num_failures,
        "p50": total.get_response_time_percentile(0.50),
        "p95": total.get_response_time_percentile(0.95),
        "p99": total.get_response_time_percentile(0.99),
        "rps": total.num_requests / elapsed if elapsed else 0.0,
    }
    print(json.dumps(figures))


def milliseconds(value: float | None) -> str:
    return "–" if not value else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", default="1,10,50", help="the levels of concurrent users, comma-separated")
    parser.add_argument("--duration", type=float, default=30, help="seconds measured per level")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between a user's pages (s)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE, help="the benchmark's own database")
    parser.add_argument("--workers", type=int, help="chiso serve --workers (default: its own)")
    parser.add_argument("--threads", type=int, help="chiso serve --threads (default: its own)")
    parser.add_argument("--pages", default=",".join(PAGE_NAMES), help="which pages, comma-separated")
    parser.add_argument("--baseline-ref", default="", help="a git ref measured first, shown side by side")
    parser.add_argument("--json", default="", help="write the figures to this file")
    parser.add_argument("--level", help=argparse.SUPPRESS)  # internal: one level, in a child Python
    args = parser.parse_args(argv)
    if args.level:
        level(json.loads(args.level))
        return 0
    before = baseline(args, argv if argv is not None else sys.argv[1:]) if args.baseline_ref else None

    from psycopg.conninfo import conninfo_to_dict

    host = str(conninfo_to_dict(args.database_url).get("host") or "")
    if host not in LOOPBACK and not host.startswith("/"):
        parser.error("the database must be on this machine (loopback or a local socket)")
    levels = [int(n) for n in args.users.split(",") if n.strip()]
    wanted = [name.strip() for name in args.pages.split(",") if name.strip()]
    unknown = set(wanted) - set(PAGE_NAMES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))} (known: {', '.join(PAGE_NAMES)})")

    with tempfile.TemporaryDirectory(prefix="chiso-load-") as folder:
        home = Path(folder)
        start = time.perf_counter()
        pages = {name: path for name, path in prepare(args.database_url, home).items() if name in wanted}
        port = free_port()
        server = start_server(args.database_url, home, port, args.workers, args.threads)
        base = f"http://127.0.0.1:{port}"
        try:
            cookie = sign_in(base)
            warm_up(base, pages, cookie)
            results = {
                users: run_level(base, pages, cookie, users, args.duration, args.think) for users in levels
            }
        finally:
            stop_server(server)
        elapsed = time.perf_counter() - start

    rows = []
    for users, figures in results.items():
        for name in [*pages, "all"]:
            figure = figures[name]
            rows.append(
                [
                    name,
                    users,
                    figure["requests"],
                    figure["errors"],
                    milliseconds(figure["p50"]),
                    milliseconds(figure["p95"]),
                    milliseconds(figure["p99"]),
                    f"{figure['rps']:.1f}" if "rps" in figure else "",
                ]
            )
    print()
    print(
        f"chiso serve on PostgreSQL, {os.cpu_count()} CPU; think time {args.think:g} s "
        f"({'closed loop' if not args.think else '0.5–1.5×'}), {args.duration:g} s per level; "
        f"response times in ms; whole run {elapsed:.0f} s"
    )
    print(table(["page", "users", "requests", "errors", "p50", "p95", "p99", "req/s"], rows))
    if args.json:
        Path(args.json).write_text(json.dumps({str(k): v for k, v in results.items()}), encoding="utf-8")
    if before is not None:
        side_by_side(args.baseline_ref, before, {str(k): v for k, v in results.items()})
    failed = sum(figures["all"]["errors"] for figures in results.values())
    return 1 if failed else 0


def baseline(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    """This benchmark run on `args.baseline_ref`'s code (its `src`), on a database of its own."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="chiso-load-baseline-") as folder:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", args.baseline_ref, "src"], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        out = Path(folder) / "figures.json"
        command = [sys.executable, __file__, *_without_options(argv), "--json", str(out)]
        command += ["--database-url", args.database_url.rstrip("/") + "_baseline"]
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join([str(Path(folder) / "src"), str(root / "benchmarks")])
        print(f"— baseline: {args.baseline_ref} —", flush=True)
        subprocess.run(command, env=environment, check=False)
        print("— now —", flush=True)
        return dict(json.loads(out.read_text(encoding="utf-8")))


def _without_options(argv: list[str]) -> list[str]:
    """The command line without --baseline-ref, --json and --database-url (and their values)."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in ("--baseline-ref", "--json", "--database-url"):
            skip = "=" not in arg
            continue
        kept.append(arg)
    return kept


def side_by_side(ref: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    rows = []
    for users, figures in after.items():
        for name, now in figures.items():
            old = before.get(users, {}).get(name)
            rows.append(
                [
                    name,
                    users,
                    f"{old['errors']} → {now['errors']}" if old else f"– → {now['errors']}",
                    *(
                        f"{milliseconds(old[q])} → {milliseconds(now[q])}"
                        if old
                        else f"– → {milliseconds(now[q])}"
                        for q in ("p50", "p95", "p99")
                    ),
                    f"{old['p95'] / now['p95']:.1f}×" if old and old.get("p95") and now.get("p95") else "",
                ]
            )
    print()
    print(f"Before ({ref}) → now, one run on the same machine; response times in ms")
    print(table(["page", "users", "errors", "p50", "p95", "p99", "p95 faster"], rows))


if __name__ == "__main__":
    sys.exit(main())
