"""``chiso plans remind``: escalate late tasks, overdue items and silent owners (each once) by e-mail
to the officers and the owning agencies. Meant for a daily scheduled job.

    chiso plans remind [--date dd/mm/yyyy] [--dry-run]

Wire into the main parser with ``register(sub)`` (``sub`` = the main ``add_subparsers`` object).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from chiso.engine.i18n import gettext as _


def _day(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(_("{text}: cần dạng dd/mm/yyyy").format(text=repr(text)))


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``plans`` command group (remind) to a main parser's subparsers."""
    parser = subparsers.add_parser("plans", help="kế hoạch cải thiện: nhắc và cảnh báo cơ quan chậm, im lặng")
    sub = parser.add_subparsers(dest="plans_command", required=True)
    p = sub.add_parser(
        "remind",
        help="ghi và gửi thư cảnh báo nhiệm vụ quá hạn, cơ quan không báo cáo tiến độ (mỗi việc một lần)",
    )
    p.add_argument("--date", type=_day, help="ngày xét (mặc định hôm nay), dd/mm/yyyy")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không ghi, không gửi thư")
    p.set_defaults(func=cmd_remind)
    return parser


def cmd_remind(args: argparse.Namespace) -> str:
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready()
    from django.db import transaction

    from chiso.engine.numbers import format_date
    from chiso.plans.services import describe, escalate

    today = args.date or date.today()
    if args.dry_run:
        with transaction.atomic():
            report = escalate(today, send=False)
            lines = [describe(e) for e in report.new]
            transaction.set_rollback(True)
        head = f"{len(lines)} cảnh báo mới ngày {format_date(today)} (chạy thử, chưa ghi, chưa gửi)"
    else:
        report = escalate(today)
        lines = [describe(e) for e in report.new]
        head = (
            f"{len(lines)} cảnh báo mới ngày {format_date(today)}; đã gửi {report.emails} thư; "
            f"{report.tasks_marked_late} nhiệm vụ chuyển sang quá hạn"
        )
    return "\n".join([head, *(f"- {line}" for line in lines)])
