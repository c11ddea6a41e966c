"""``chiso plans remind``: escalate late tasks, overdue items and silent owners (each once) by e-mail
to the officers and the owning agencies. Meant for a daily scheduled job.

    chiso plans remind [--date dd/mm/yyyy] [--dry-run]
    chiso plans commitment PLAN AGENCY -o FILE.docx [--pdf FILE.pdf] [--template FILE.docx]
    chiso plans scorecard PLAN [--format text|csv|json] [--date dd/mm/yyyy]
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


def _plan(number: int):
    from chiso.cli.common import CommandError
    from chiso.plans.models import Plan

    plan = (
        Plan.objects.select_related("unit", "index", "cycle__organiser__unit", "framework")
        .filter(pk=number)
        .first()
    )
    if plan is None:
        raise CommandError(_("Không có kế hoạch số {number}.").format(number=number))
    return plan


def cmd_commitment(args: argparse.Namespace) -> str:
    """The commitment of one agency, in Word (and PDF), from the default or a given template."""
    django_ready()
    from chiso.cli.common import CommandError
    from chiso.engine.names import match_key
    from chiso.plans.services import PlanError, involved_agencies
    from chiso.plans.services import commitments as cm
    from chiso.reports.pdf import PdfError

    plan = _plan(args.plan)
    wanted = match_key(args.agency)
    found = [a for a in involved_agencies(plan) if a.code == args.agency or match_key(a.name) == wanted]
    if not found:
        raise CommandError(
            _("{agency} không có nội dung nào trong kế hoạch {number}.").format(
                agency=args.agency, number=plan.pk
            )
        )
    try:
        content = cm.commitment_content(plan, found[0])
        written = [cm.write_docx(content, args.output, args.template)]
        if args.pdf:
            written.append(cm.write_pdf(content, args.pdf, args.template))
    except (PlanError, cm.CommitmentDocumentError, PdfError) as exc:
        raise CommandError(str(exc)) from exc
    return "\n".join(str(path) for path in written)


def cmd_scorecard(args: argparse.Namespace) -> str:
    """Each agency's delivery: tasks and reports on time, late, missing; criteria improved; commitment."""
    django_ready()
    import csv
    import io
    import json

    from chiso.plans.services import scorecard as sc

    plan = _plan(args.plan)
    records = sc.as_records(sc.scorecard(plan, args.date))
    headers = sc.columns()
    if args.format == "json":
        return json.dumps(
            [{k: (float(v) if k == "rate" and v is not None else v) for k, v in r.items()} for r in records],
            ensure_ascii=False,
            indent=1,
        )
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([title for _key, title in headers])
        writer.writerows([[r[key] if r[key] is not None else "" for key, _t in headers] for r in records])
        return out.getvalue().rstrip("\n")
    from chiso.engine.numbers import format_number

    lines = [plan.title, sc.on_time_rule()]
    for r in records:
        lines.append(
            _(
                "{rank}. {agency}: nhiệm vụ đúng hạn {t1}, chậm {t2}, quá hạn {t3}; báo cáo đúng hạn {r1}, "
                "chậm {r2}, thiếu {r3}; tiêu chí tăng điểm {c1}/{c}; đúng hạn {rate}%; {commitment}"
            ).format(
                rank=r["rank"],
                agency=r["agency"],
                t1=r["tasks_on_time"],
                t2=r["tasks_late"],
                t3=r["tasks_overdue"],
                r1=r["reports_on_time"],
                r2=r["reports_late"],
                r3=r["reports_missing"],
                c1=r["criteria_improved"],
                c=r["criteria_improved"] + r["criteria_not_improved"] + r["criteria_no_result"],
                rate=format_number(r["rate"], 1),
                commitment=r["commitment"],
            )
        )
    return "\n".join(lines)
