"""Health of items, the leaders' dashboard, and escalation of late tasks, overdue items and silent
owners (each once, by e-mail to the officers and the owning agency)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chiso.accounts.models import Membership, Role
from chiso.core.progress import Progress, no_progress
from chiso.engine.names import match_key
from chiso.engine.numbers import format_date
from chiso.plans.models import (
    Escalation,
    ItemStatus,
    Plan,
    PlanItem,
    Task,
)
from chiso.plans.services.schedule import (
    Period,
    ScheduleEntry,
    silent_periods,
)
from chiso.units.models import Unit

# -- health, dashboard and escalation ---------------------------------------------------------------

ON_TRACK, AT_RISK, OVERDUE, DONE = "on_track", "at_risk", "overdue", "done"
AT_RISK_LAG = 25  # percentage points behind the time elapsed


@dataclass
class Health:
    state: str  # ON_TRACK, AT_RISK, OVERDUE, DONE
    reasons: list[str]
    percent: int | None  # the latest reported % done
    late_tasks: list[Task]
    silent: list[ScheduleEntry]


def health(item: PlanItem, today: date | None = None) -> Health:
    today = today or date.today()
    tasks = list(item.tasks.all())
    late = [t for t in tasks if t.is_late(today)]
    silent = silent_periods(item, today)
    reports = sorted(item.reports.all(), key=lambda r: r.submitted_at)
    percent = reports[-1].percent_done if reports else None
    if item.status == ItemStatus.DONE:
        return Health(DONE, [], percent, [], [])
    reasons = []
    if item.deadline < today:
        reasons.append(_("quá thời hạn %(date)s") % {"date": format_date(item.deadline)})
    if late:
        reasons.append(_("%(n)s nhiệm vụ quá hạn") % {"n": len(late)})
    if reasons:
        return Health(OVERDUE, reasons, percent, late, silent)
    if silent:
        reasons.append(
            _("không báo cáo %(periods)s") % {"periods": ", ".join(e.period.label for e in silent)}
        )
    span = (item.deadline - item.created).days
    elapsed = 100 * (today - item.created).days / span if span > 0 else 100
    if percent is not None and percent + AT_RISK_LAG < elapsed:
        reasons.append(
            _("mới hoàn thành %(done)s%% khi đã qua %(time)s%% thời gian")
            % {"done": percent, "time": int(elapsed)}
        )
    return Health(AT_RISK if reasons else ON_TRACK, reasons, percent, late, silent)


@dataclass
class AgencyRow:
    agency: Unit
    on_track: int = 0
    at_risk: int = 0
    overdue: int = 0
    done: int = 0
    late_tasks: list[Task] = field(default_factory=list)
    silent: list[tuple[PlanItem, ScheduleEntry]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.on_track + self.at_risk + self.overdue + self.done


@dataclass
class Dashboard:
    rows: list[AgencyRow]
    items: list[tuple[PlanItem, Health]]
    totals: dict[str, int]

    @property
    def silent_owners(self) -> list[AgencyRow]:
        return [row for row in self.rows if row.silent]

    @property
    def late_tasks(self) -> list[Task]:
        return sorted((t for row in self.rows for t in row.late_tasks), key=lambda t: t.due)


def open_items(plans: QuerySet[Plan] | None = None) -> QuerySet[PlanItem]:
    plans = plans if plans is not None else Plan.objects.all()
    return (
        PlanItem.objects.filter(plan__in=plans.filter(status=Plan.Status.ACTIVE))
        .exclude(status=ItemStatus.DROPPED)
        .select_related("plan", "lead", "plan__unit")
        .prefetch_related("tasks__owner", "reports")
    )


def dashboard(plans: QuerySet[Plan] | None = None, today: date | None = None) -> Dashboard:
    """Items by lead agency: on track, at risk, overdue, done; late tasks by owner; silent owners."""
    today = today or date.today()
    rows: dict[int, AgencyRow] = {}

    def row_of(unit: Unit) -> AgencyRow:
        return rows.setdefault(unit.pk, AgencyRow(unit))

    items = []
    totals = {ON_TRACK: 0, AT_RISK: 0, OVERDUE: 0, DONE: 0}
    for item in open_items(plans):
        state = health(item, today)
        items.append((item, state))
        totals[state.state] += 1
        row = row_of(item.lead)
        setattr(row, state.state, getattr(row, state.state) + 1)
        row.silent.extend((item, entry) for entry in state.silent)
        for task in state.late_tasks:
            row_of(task.owner).late_tasks.append(task)
    ordered = sorted(rows.values(), key=lambda r: (-(r.overdue + r.at_risk), match_key(r.agency.name)))
    return Dashboard(ordered, items, totals)


@dataclass
class EscalationReport:
    new: list[Escalation] = field(default_factory=list)
    emails: int = 0
    tasks_marked_late: int = 0


def _emails(role_filter: Q) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(role_filter)
            .exclude(user__email="")
            .filter(user__is_active=True)
            .values_list("user__email", flat=True)
        )
    )


def _describe(escalation: Escalation) -> str:
    item = escalation.item
    where = f"{item.plan.title} — {item.criterion} {item.criterion_name}"
    if escalation.kind == Escalation.Kind.SILENT:
        period = Period.from_key(escalation.key)
        return _("%(agency)s chưa báo cáo tiến độ %(period)s: %(where)s") % {
            "agency": escalation.agency.name,
            "period": period.label,
            "where": where,
        }
    if escalation.kind == Escalation.Kind.OVERDUE_TASK:
        return _("%(agency)s: nhiệm vụ “%(task)s” quá hạn %(date)s (%(where)s)") % {
            "agency": escalation.agency.name,
            "task": escalation.task.title,  # type: ignore[union-attr]
            "date": format_date(escalation.task.due),  # type: ignore[union-attr]
            "where": where,
        }
    return _("%(agency)s: nội dung quá thời hạn %(date)s (%(where)s)") % {
        "agency": escalation.agency.name,
        "date": format_date(item.deadline),
        "where": where,
    }


def describe(escalation: Escalation) -> str:
    return _describe(escalation)


@transaction.atomic
def escalate(
    today: date | None = None, *, send: bool = True, progress: Progress = no_progress
) -> EscalationReport:
    """Find late tasks, overdue items and silent owners; record each once and e-mail the new ones to
    the officers (one summary) and to each owning agency's staff and head (one message each).
    `progress` hears each plan item checked, then the sending."""
    today = today or date.today()
    report = EscalationReport()
    items = list(open_items())
    for number, item in enumerate(items):
        progress(number, len(items) + 1, _("Đang xét các nội dung kế hoạch"))
        for entry in silent_periods(item, today):
            found, created = Escalation.objects.get_or_create(
                item=item,
                task=None,
                kind=Escalation.Kind.SILENT,
                key=entry.period.key,
                defaults={"agency": item.lead},
            )
            if created:
                report.new.append(found)
        if item.deadline < today and item.status != ItemStatus.DONE:
            found, created = Escalation.objects.get_or_create(
                item=item,
                task=None,
                kind=Escalation.Kind.OVERDUE_ITEM,
                key=item.deadline.isoformat(),
                defaults={"agency": item.lead},
            )
            if created:
                report.new.append(found)
        for task in item.tasks.all():
            if not task.is_late(today):
                continue
            if task.status != Task.Status.LATE:
                task.status = Task.Status.LATE
                task.save(update_fields=["status"])
                report.tasks_marked_late += 1
            found, created = Escalation.objects.get_or_create(
                item=item,
                task=task,
                kind=Escalation.Kind.OVERDUE_TASK,
                key=task.due.isoformat(),
                defaults={"agency": task.owner},
            )
            if created:
                report.new.append(found)
    progress(len(items), len(items) + 1, _("Đang gửi thư"))
    if send and report.new:
        report.emails = _send(report.new, today)
    progress(len(items) + 1, len(items) + 1, _("{n} cảnh báo mới").format(n=len(report.new)))
    return report


def _send(new: list[Escalation], today: date) -> int:
    sent = 0
    lines = [_describe(e) for e in new]
    officers = _emails(Q(role__in=[Role.OFFICER, Role.ADMIN]))
    if officers:
        subject = _("[chiso] %(n)s cảnh báo kế hoạch cải thiện ngày %(date)s") % {
            "n": len(new),
            "date": format_date(today),
        }
        body = _("Các cơ quan chậm hoặc không báo cáo:") + "\n\n" + "\n".join(f"- {line}" for line in lines)
        send_mail(subject, body, None, officers)
        sent += 1
    by_agency: dict[int, list[Escalation]] = defaultdict(list)
    for escalation in new:
        by_agency[escalation.agency_id].append(escalation)
    for agency_id, found in by_agency.items():
        addresses = _emails(Q(role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD], unit_id=agency_id))
        if not addresses:
            continue
        subject = _("[chiso] %(agency)s: nhắc báo cáo, nhiệm vụ quá hạn") % {"agency": found[0].agency.name}
        body = (
            _("Đề nghị cơ quan cập nhật tiến độ trên chiso; nội dung dưới đây đã được báo cáo Sở Nội vụ:")
            + "\n\n"
            + "\n".join(f"- {_describe(e)}" for e in found)
        )
        send_mail(subject, body, None, addresses)
        sent += 1
    return sent
