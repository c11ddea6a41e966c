"""``chiso plans remind``: escalate late tasks, overdue items and silent owners (each once) by e-mail
to the officers and the owning agencies. Meant for a daily scheduled job.

    chiso plans remind [--date dd/mm/yyyy] [--dry-run]
"""

from __future__ import annotations

import argparse
from datetime import date

from chiso.cli.common import django_ready
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext
from chiso.cli.progress import Bar


def cmd_remind(args: argparse.Namespace) -> str:
    """Record and send the new warnings of a day (or only list them with --dry-run)."""
    django_ready()
    from django.db import transaction

    from chiso.engine.numbers import format_date
    from chiso.plans.services import describe, escalate

    today = args.date or date.today()
    if args.dry_run:
        with transaction.atomic():
            report = escalate(today, send=False)
            lines = [describe(e) for e in report.new]
            transaction.set_rollback(True)
        head = ngettext(
            "{count} cảnh báo mới ngày {date} (chạy thử, chưa ghi, chưa gửi)",
            "{count} cảnh báo mới ngày {date} (chạy thử, chưa ghi, chưa gửi)",
            len(lines),
        ).format(count=len(lines), date=format_date(today))
    else:
        report = escalate(today, progress=Bar(_("Xét kế hoạch cải thiện")))
        lines = [describe(e) for e in report.new]
        head = (
            ngettext(
                "{count} cảnh báo mới ngày {date}",
                "{count} cảnh báo mới ngày {date}",
                len(lines),
            ).format(count=len(lines), date=format_date(today))
            + "; "
            + ngettext("đã gửi {count} thư", "đã gửi {count} thư", report.emails).format(count=report.emails)
            + "; "
            + ngettext(
                "{count} nhiệm vụ chuyển sang quá hạn",
                "{count} nhiệm vụ chuyển sang quá hạn",
                report.tasks_marked_late,
            ).format(count=report.tasks_marked_late)
        )
    return "\n".join([head, *(f"- {line}" for line in lines)])
