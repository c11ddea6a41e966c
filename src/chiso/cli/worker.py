"""``chiso worker``: run the background tasks the web pages queue (imports, estimation, reports,
reminders) — django-tasks-db's worker, on chiso's database.

    chiso worker [--batch] [--max-tasks N] [--interval SECONDS]
"""

from __future__ import annotations

import argparse

from chiso.cli.common import django_ready


def cmd_worker(args: argparse.Namespace) -> str:
    """Run the worker until stopped (Ctrl+C, SIGTERM: the running task ends first), or with
    --batch until the queue is empty."""
    django_ready()
    from django.core.management import call_command

    options: dict = {
        "interval": args.interval,
        "batch": args.batch,
        "reload": False,
        "startup_delay": not args.batch,
        "verbosity": 0 if args.quiet else 1,
    }
    if args.max_tasks:
        options["max_tasks"] = args.max_tasks
    call_command("db_worker", **options)
    return ""
