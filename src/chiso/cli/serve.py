"""``chiso serve``: the web app under gunicorn, as in production; ``chiso demo`` uses it too.

`chiso serve` checks the database (it never migrates: `chiso setup` does), refuses to start
without a secret key of its own, checks that the server's connections fit PostgreSQL's
`max_connections`, collects the static files when they changed, then starts its child processes
and watches them: the web server (gunicorn, `workers` processes × `threads` threads, whitenoise
serving the static files, a psycopg pool per process) and the background worker (`chiso worker`,
which runs the imports, estimations, reports and reminders the pages queue; `--no-worker` when
workers run as services of their own). Ctrl+C or SIGTERM stops them
all gracefully: each finishes the requests in progress (up to `GRACE` seconds) and exits; when one
child stops by itself, the others are stopped too and the command fails with its status.

A process that must run beside the web server is one more `Child` in the list `serve` passes to
`run_together`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

from chiso.cli.common import CommandError
from chiso.cli.i18n import gettext as _

# Seconds a child has to finish its requests after being asked to stop, before it is killed.
GRACE = 20
# Seconds gunicorn lets a request run before it restarts the worker that hangs on it.
REQUEST_TIMEOUT = 120


@dataclass(frozen=True)
class Child:
    """A process `chiso serve` starts, watches and stops with the others."""

    name: str
    argv: list[str]


def web_server(host: str, port: int, workers: int, threads: int, access_log: bool = False) -> Child:
    """gunicorn with threaded workers, serving chiso's WSGI application.

    The application is loaded once in gunicorn's master and forked (`--preload`): a missing
    secret key stops it at once with its message rather than in every worker, and the workers
    share the loaded code's memory. No connection is opened before the fork: each worker opens
    its own pool. No control socket: two servers on one machine would fight over its one path.
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "chiso.wsgi:application",
        "--bind",
        bind,
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--preload",
        "--timeout",
        str(REQUEST_TIMEOUT),
        "--graceful-timeout",
        str(GRACE),
        "--no-control-socket",
        "--error-logfile",
        "-",
    ]
    if access_log:
        argv += ["--access-logfile", "-"]
    return Child("web", argv)


def background_worker() -> Child:
    """`chiso worker`: takes the queued background tasks one at a time, on this installation's database."""
    return Child("worker", [sys.executable, "-m", "chiso.cli.main", "worker", "--quiet"])


def child_environment(environ: Mapping[str, str], workers: int, threads: int) -> dict[str, str]:
    """The children's environment: the user's as it was before Django was set up here (the command
    line quiets chiso's log; the server logs at its own level), with the server's size, which the
    settings read to size each worker's database pool (`chiso.serving.pool_options`), and never
    DEBUG."""
    env = dict(environ)
    env.pop("CHISO_DEBUG", None)
    env["DJANGO_SETTINGS_MODULE"] = "chiso.settings"
    env["CHISO_WEB_WORKERS"] = str(workers)
    env["CHISO_WEB_THREADS"] = str(threads)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _die_with_parent() -> None:
    """In a child, before it runs: be sent SIGTERM if `chiso serve` dies without stopping it (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_together(
    children: Sequence[Child],
    env: Mapping[str, str],
    grace: float = GRACE,
    started: Callable[[], None] | None = None,
) -> int:
    """Start every child, wait until one stops or this process is asked to stop (SIGINT, SIGTERM),
    then stop the others gracefully (SIGTERM, then SIGKILL after `grace` seconds). The status is 0
    when asked to stop, else the status of the child that stopped first (1 if it was 0).

    Each child runs in its own process group, so a Ctrl+C in the terminal reaches this process
    only, which then asks the children to finish their requests (gunicorn's own Ctrl+C drops them).
    """
    stop_asked: list[int] = []
    processes: list[subprocess.Popen[bytes]] = []

    def ask_to_stop(signum: int, _frame: FrameType | None) -> None:
        if stop_asked:  # a second Ctrl+C: stop now
            for process in processes:
                if process.poll() is None:
                    process.kill()
        stop_asked.append(signum)

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            processes.append(
                subprocess.Popen(
                    child.argv,
                    env=dict(env),
                    process_group=0,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
            )
        if started is not None:
            started()
        first_status: int | None = None
        while not stop_asked and first_status is None:
            for process in processes:
                status = process.poll()
                if status is not None:
                    first_status = status
                    break
            else:
                time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stop_asked:
        return 0
    return first_status or 1


def server_size_of(workers: int | None, threads: int | None) -> tuple[int, int]:
    from chiso.serving import BadServerSize, server_size

    try:
        size = server_size(workers, threads)
    except BadServerSize as exc:
        raise CommandError(
            _("{setting} = {value}: cần một số nguyên từ {low} đến {high}.").format(
                setting=exc.setting, value=exc.value, low=exc.low, high=exc.high
            )
        ) from exc
    return size.workers, size.threads


def _refuse_unsafe_start() -> None:
    """The WSGI entry point's refusal, said before anything starts (`chiso.bootstrap.refuse_unsafe_start`)."""
    from django.core.exceptions import ImproperlyConfigured

    from chiso.bootstrap import refuse_unsafe_start

    try:
        refuse_unsafe_start()
    except ImproperlyConfigured as exc:
        raise CommandError(
            _(
                "chiso serve cần khóa bí mật của riêng máy chủ: hãy đặt biến môi trường CHISO_SECRET_KEY "
                '(một chuỗi ngẫu nhiên dài ít nhất 50 ký tự, giữ kín, ví dụ `python -c "import secrets; '
                'print(secrets.token_urlsafe(50))"`). Chạy thử trên máy mình: `chiso demo`.'
            )
        ) from exc


def _check_connections(workers: int, threads: int) -> None:
    """On PostgreSQL: refuse a size whose connections would not fit the server's max_connections."""
    from django.db import connection

    from chiso.serving import SPARE_CONNECTIONS, connections_available

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
        cursor.execute("SELECT current_setting('reserved_connections', true)")  # PostgreSQL 16+
        reserved += int(cursor.fetchone()[0] or 0)
    available = connections_available(max_connections, reserved)
    if workers * threads > available:
        raise CommandError(
            _(
                "{workers} tiến trình × {threads} luồng cần {needed} kết nối, nhưng PostgreSQL chỉ cho "
                "{available} ({maximum} max_connections, trừ {reserved} dành cho quản trị và {spare} để "
                "dành cho các lệnh khác). Hãy giảm --workers hoặc --threads, hoặc tăng max_connections."
            ).format(
                workers=workers,
                threads=threads,
                needed=workers * threads,
                available=available,
                maximum=max_connections,
                reserved=reserved,
                spare=SPARE_CONNECTIONS,
            )
        )


def _close_connections() -> None:
    """Close this process's connections and pools before forking the children: they open their own."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


def serve(
    environ: Mapping[str, str],
    host: str,
    port: int,
    workers: int,
    threads: int,
    access_log: bool = False,
    announce: str = "",
    worker: bool = True,
) -> str:
    """Serve the app once Django is set up and the database is ready; returns when stopped.
    `announce` is printed once the children are started (by default the address and the size)."""
    from chiso.bootstrap import collect_static

    _refuse_unsafe_start()
    _check_connections(workers, threads)
    collect_static(out=sys.stderr)
    _close_connections()
    shown_host = f"[{host}]" if ":" in host else host
    children = [web_server(host, port, workers, threads, access_log)]
    if worker:
        children.append(background_worker())

    announce = announce or _(
        "chiso đang chạy tại http://{host}:{port}/ ({workers} tiến trình × {threads} luồng; Ctrl+C để dừng)"
    ).format(host=shown_host, port=port, workers=workers, threads=threads)

    def started() -> None:
        print(announce, flush=True)

    status = run_together(children, child_environment(environ, workers, threads), started=started)
    if status:
        raise CommandError(
            _("Máy chủ web hoặc tiến trình việc nền đã dừng (mã {status}).").format(status=status)
        )
    return _("Đã dừng chiso.")


def cmd_serve(args: argparse.Namespace) -> str:
    """Run the web app under gunicorn (see the module's docstring); DEBUG stays off."""
    from chiso.cli.common import django_ready

    environ = dict(os.environ)  # before Django is set up here
    workers, threads = server_size_of(args.workers, args.threads)
    if os.environ.pop("CHISO_DEBUG", None) not in (None, "", "0"):
        print(_("chiso serve luôn chạy với DEBUG tắt: bỏ qua CHISO_DEBUG."), file=sys.stderr)
    django_ready()
    return serve(environ, args.host, args.port, workers, threads, args.access_log, worker=not args.no_worker)
