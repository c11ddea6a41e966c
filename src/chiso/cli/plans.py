"""``chiso plans``: the improvement plans from the command line, with the same services as the pages.

    chiso plans remind [--date dd/mm/yyyy] [--dry-run]      # escalate late tasks and silent owners
    chiso plans assign FRAMEWORK CRITERION --lead CODE [--supporter CODE …] --user U
    chiso plans import-responsibilities FRAMEWORK FILE.xlsx --user U
    chiso plans add-item PLAN CRITERION --lead CODE --deadline dd/mm/yyyy [--supporter CODE …] --user U
    chiso plans mine --user U                               # a unit's criteria, items and tasks
    chiso plans report ITEM --user U --percent N --text "…" [--period quarter-2026-3] [--evidence F]
    chiso plans status PLAN                                 # per agency: received, late, missing
    chiso plans commitment PLAN AGENCY -o FILE.docx [--pdf FILE.pdf] [--template FILE.docx]
    chiso plans scorecard PLAN [--format text|csv|json] [--date dd/mm/yyyy]

Leads, supporters and task owners are any unit of the territory — a department, a district, a
commune, an office — by official code, valid today. `remind` is meant for a daily scheduled job.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from chiso.cli.common import CommandError, django_ready
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


# -- owners: any unit of the territory, by official code -----------------------------------------


def _user(username: str | None) -> Any:
    from django.contrib.auth import get_user_model

    from chiso.core.request_context import set_actor

    user = get_user_model().objects.filter(username=username or "").first()
    if user is None:
        raise CommandError(_("Không có tài khoản «{username}».").format(username=username or ""))
    set_actor(user)  # the change log names who did it
    return user


def _framework(code: str) -> Any:
    from chiso.frameworks.models import Framework

    framework = Framework.objects.filter(code=code).first()
    if framework is None:
        raise CommandError(_("Không có khung tiêu chí «{code}».").format(code=code))
    return framework


def _units(root: Any, codes: list[str]) -> list[Any]:
    """The units of the territory with these official codes, valid today, in the order given."""
    from chiso.plans.services import agencies

    wanted = [c.strip() for c in codes if c.strip()]
    found = {u.code: u for u in agencies(root).filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise CommandError(
            _("Không có cơ quan, đơn vị mã «{codes}» thuộc địa bàn (còn hiệu lực).").format(
                codes=", ".join(missing)
            )
        )
    return [found[c] for c in wanted]


def cmd_assign(args: argparse.Namespace) -> str:
    """The lead and supporting units of one criterion of a framework (any unit of the territory)."""
    django_ready()
    from chiso.plans.services import PlanError, responsibility_root, set_responsibility

    user = _user(args.user)
    framework = _framework(args.framework)
    root = responsibility_root(user, framework)
    lead = _units(root, [args.lead])[0]
    supporters = _units(root, args.supporter or [])
    try:
        set_responsibility(user, framework, args.criterion, lead, supporters, root)
    except PlanError as exc:
        raise CommandError(str(exc)) from exc
    names = ", ".join(u.name for u in supporters) or "–"
    return _("{framework} {criterion}: chủ trì {lead}; phối hợp {supporters}.").format(
        framework=framework.code, criterion=args.criterion, lead=lead.name, supporters=names
    )


def cmd_import_responsibilities(args: argparse.Namespace) -> str:
    """Criterion → lead and supporters from an Excel file: all rows or none."""
    django_ready()
    from chiso.plans.services import ResponsibilityImportError, import_responsibilities

    user = _user(args.user)
    framework = _framework(args.framework)
    if not args.file.is_file():
        raise CommandError(_("Không có tệp {path}.").format(path=args.file))
    try:
        result = import_responsibilities(user, framework, args.file)
    except ResponsibilityImportError as exc:
        raise CommandError(
            "\n".join([_("Không nhập được: tệp có lỗi, chưa ghi dòng nào."), *exc.errors])
        ) from exc
    return _("Đã nhập: {created} tiêu chí mới, {updated} tiêu chí cập nhật.").format(
        created=result.created, updated=result.updated
    )


def cmd_add_item(args: argparse.Namespace) -> str:
    """A plan item led by any unit of the plan's territory, with a deadline."""
    django_ready()
    from chiso.plans.models import Plan
    from chiso.plans.services import PlanError, add_item, plan_root

    user = _user(args.user)
    plan = Plan.objects.select_related("unit", "cycle__organiser__unit").filter(pk=args.plan).first()
    if plan is None:
        raise CommandError(_("Không có kế hoạch số {id}.").format(id=args.plan))
    root = plan_root(plan)
    lead = _units(root, [args.lead])[0]
    try:
        item = add_item(
            user,
            plan,
            criterion=args.criterion,
            lead=lead,
            supporters=_units(root, args.supporter or []),
            deadline=args.deadline,
            actions=args.actions or "",
        )
    except PlanError as exc:
        raise CommandError(str(exc)) from exc
    return _("Đã thêm nội dung số {id}: {criterion}, chủ trì {lead}, thời hạn {deadline}.").format(
        id=item.pk, criterion=item.criterion, lead=lead.name, deadline=args.deadline.strftime("%d/%m/%Y")
    )


def cmd_mine(args: argparse.Namespace) -> str:
    """The criteria, open plan items and open tasks of the user's own units."""
    django_ready()
    from chiso.engine.numbers import format_date
    from chiso.plans.home import my_work

    user = _user(args.user)
    work = my_work(user, args.date or date.today())
    if work is None:
        return _("Đơn vị của {username} chưa được giao tiêu chí, nội dung hay nhiệm vụ nào.").format(
            username=user.get_username()
        )
    role = {True: _("chủ trì"), False: _("phối hợp")}
    lines = []
    if work["items"]:
        lines.append(_("Nội dung kế hoạch được giao:"))
        for row in work["items"]:
            item, entry = row["item"], row["entry"]
            waiting = (
                _("kỳ {period}: {state}, hạn {due}").format(
                    period=entry.period.label, state=_state_label(entry.state), due=format_date(entry.due)
                )
                if row["leads"] and entry is not None
                else ""
            )
            lines.append(
                f"  #{item.pk} {item.criterion} {item.criterion_name} — {role[row['leads']]}, "
                + _("thời hạn {date}").format(date=format_date(item.deadline))
                + (f"; {waiting}" if waiting else "")
            )
    if work["tasks"]:
        lines.append(_("Nhiệm vụ:"))
        for row in work["tasks"]:
            task = row["task"]
            late = f" ({_('quá hạn')})" if row["late"] else ""
            lines.append(f"  {task.title} — {task.owner.name}, {_('hạn')} {format_date(task.due)}{late}")
    if work["criteria"]:
        lines.append(_("Tiêu chí được phân công:"))
        for row in work["criteria"]:
            lines.append(
                f"  {row['row'].framework.code} {row['row'].criterion} {row['name']} — {role[row['leads']]}"
            )
    return "\n".join(lines)


def _state_label(state: str) -> str:
    return {
        "reported": _("đã báo cáo"),
        "late": _("báo cáo muộn"),
        "missing": _("không báo cáo"),
        "open": _("đang mở"),
        "upcoming": _("chưa đến kỳ"),
    }[state]


def cmd_report(args: argparse.Namespace) -> str:
    """A progress report of the user's unit on one plan item (its period: the latest begun by
    default), with an evidence file."""
    django_ready()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.plans.models import PlanItem
    from chiso.plans.services import Period, PlanError, reportable_periods, submit_report

    user = _user(args.user)
    item = PlanItem.objects.select_related("plan", "lead").filter(pk=args.item).first()
    if item is None:
        raise CommandError(_("Không có nội dung kế hoạch số {id}.").format(id=args.item))
    periods = reportable_periods(item, args.date or date.today())
    if args.period:
        try:
            period = Period.from_key(args.period)
        except ValueError:
            period = None
        if period is None or period not in periods:
            choices = ", ".join(p.key for p in periods) or "–"
            raise CommandError(
                _("Kỳ «{period}» không có trong lịch báo cáo của nội dung này. Các kỳ: {choices}.").format(
                    period=args.period, choices=choices
                )
            )
    elif periods:
        period = periods[0]
    else:
        raise CommandError(_("Nội dung này chưa đến kỳ báo cáo nào."))
    evidence = None
    if args.evidence is not None:
        if not args.evidence.is_file():
            raise CommandError(_("Không có tệp {path}.").format(path=args.evidence))
        evidence = SimpleUploadedFile(args.evidence.name, args.evidence.read_bytes())
    task = item.tasks.filter(pk=args.task).first() if args.task else None
    if args.task and task is None:
        raise CommandError(_("Nội dung này không có nhiệm vụ số {id}.").format(id=args.task))
    try:
        submit_report(
            user, item, period=period, text=args.text, percent_done=args.percent, evidence=evidence, task=task
        )
    except PlanError as exc:
        raise CommandError(str(exc)) from exc
    return _("Đã gửi báo cáo tiến độ {period} của {agency}: {criterion}, {percent}%.").format(
        period=period.label,
        agency=(task.owner if task else item.lead).name,
        criterion=item.criterion,
        percent=args.percent,
    )


def cmd_status(args: argparse.Namespace) -> str:
    """Per agency of a plan: the periods due reported on time, late, missing; and those open."""
    django_ready()
    from chiso.core.text import render_table
    from chiso.plans.models import Plan
    from chiso.plans.services import reporting_by_agency

    plan = Plan.objects.filter(pk=args.plan).first()
    if plan is None:
        raise CommandError(_("Không có kế hoạch số {id}.").format(id=args.plan))
    items = list(plan.items.select_related("lead", "plan").prefetch_related("reports"))
    rows = reporting_by_agency(items, args.date or date.today())
    headers = [_("Cơ quan, đơn vị"), _("Đã nhận"), _("Muộn"), _("Chưa báo cáo"), _("Đang mở")]
    table = [
        [r.agency.name, str(len(r.received)), str(len(r.late)), str(len(r.missing)), str(len(r.open))]
        for r in rows
    ]
    return "\n".join(
        [plan.title, render_table(headers, table, [False, True, True, True, True])]
        + [
            f"- {r.agency.name}: {item.criterion} {entry.period.label} ({_('hạn')} {entry.due:%d/%m/%Y})"
            for r in rows
            for item, entry in r.missing
        ]
    )


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
    from chiso.core.pdf import PdfError
    from chiso.engine.names import match_key
    from chiso.plans.services import PlanError, involved_agencies
    from chiso.plans.services import commitments as cm

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
