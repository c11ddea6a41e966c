"""From results to action: what to improve, who answers for it, whether they report, and who is late.

- `Subject`: a unit's result in a national index-year or in an internal cycle, with its analysis.
- `propose_items`: the criteria below a threshold, with the agencies responsible for them.
- `import_responsibilities`: criterion → lead and supporting agencies from Excel, all or nothing.
- Reporting schedule: every open item expects a report each period (month, quarter, half-year,
  year) from its creation to its deadline; a period whose due day has passed without a report is
  *silent*.
- `escalate`: late tasks, overdue items and silent owners, each escalated once by e-mail to the
  officers and to the owning agency, and kept on screen.
- `dashboard`: on track / at risk / overdue by agency, for leaders.
- `report_rows`: the plan as rows for the conference report.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chiso.accounts.models import Membership, Role
from chiso.assessments.permissions import can_manage, has_role, own_units
from chiso.engine.analysis import YearAnalysis
from chiso.engine.names import match_key
from chiso.engine.numbers import format_date, format_number, percent_of
from chiso.engine.units import UnitRef
from chiso.engine.whatif import plannable_nodes
from chiso.frameworks.models import Framework
from chiso.plans.models import (
    Commitment,
    Escalation,
    Frequency,
    ItemStatus,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    Task,
    report_file_path,
)
from chiso.results.subjects import Subject, cycle_subject, national_subject
from chiso.units.models import Unit

AGENCY_LEVEL = "department"


class PlanError(ValueError):
    """A user-facing refusal: a missing owner or deadline, a forbidden action, a bad file."""


# -- who may do what --------------------------------------------------------------------------------

READERS = (Role.ADMIN, Role.OFFICER, Role.LEADER)


def reads_all(user: User | AnonymousUser) -> bool:
    """Officers, administrators and leaders see every plan."""
    return has_role(user, *READERS)


def manages(user: User | AnonymousUser) -> bool:
    """Officers and administrators create and change plans and responsibilities."""
    return can_manage(user)


def agencies_of(user: User | AnonymousUser) -> set[int]:
    """The agencies a user works for (unit staff or unit head)."""
    return own_units(user)


def heads_of(user: User | AnonymousUser) -> set[int]:
    from chiso.assessments.permissions import roles_of

    return {u for u in roles_of(user).get(Role.UNIT_HEAD, set()) if u is not None}


def visible_plans(user: User | AnonymousUser) -> QuerySet[Plan]:
    """Every plan for readers; for an agency, the plans it leads, supports or owns a task in; none
    for the public."""
    plans = Plan.objects.select_related("unit", "index", "cycle", "framework")
    if not user.is_authenticated:
        return plans.none()
    if reads_all(user):
        return plans
    mine = agencies_of(user)
    if not mine:
        return plans.none()
    return plans.filter(
        Q(items__lead_id__in=mine) | Q(items__supporters__in=mine) | Q(items__tasks__owner_id__in=mine)
    ).distinct()


def can_report(user: User | AnonymousUser, item: PlanItem, task: Task | None = None) -> bool:
    """Only the owning agency reports: the item's lead, or the task's owner."""
    owner = task.owner_id if task is not None else item.lead_id
    return item.plan.status == Plan.Status.ACTIVE and owner in agencies_of(user)


def involved_agencies(plan: Plan) -> list[Unit]:
    """The agencies with a part in a plan: the items' leads and the tasks' owners."""
    ids = set(plan.items.exclude(status=ItemStatus.DROPPED).values_list("lead_id", flat=True))
    ids |= set(Task.objects.filter(item__plan=plan).values_list("owner_id", flat=True))
    return sorted(Unit.objects.filter(pk__in=ids), key=lambda u: match_key(u.name))


def agencies() -> QuerySet[Unit]:
    """The agencies that can lead or support (sở, ban, ngành)."""
    return Unit.objects.filter(level=AGENCY_LEVEL).order_by("name")


# -- what is analysed: a national result or an internal cycle ------------------------------------


def plans_of(subject: Subject) -> QuerySet[Plan]:
    """The plans made after one analysed result (an index-year's or a cycle's, for its unit)."""
    if subject.cycle is not None:
        return Plan.objects.filter(cycle=subject.cycle, unit=subject.unit)
    return Plan.objects.filter(index=subject.index, year=subject.year, unit=subject.unit)


# -- proposals --------------------------------------------------------------------------------------


@dataclass
class Proposal:
    """A criterion proposed for the plan, with its points and the agencies responsible for it."""

    code: str
    name: str
    points: Decimal | None
    max_points: Decimal | None
    percent: Decimal | None
    lead: Unit | None = None
    supporters: list[Unit] = field(default_factory=list)
    target: Decimal | None = None
    gain: Decimal | None = None  # points the total is expected to gain


def responsibility_for(framework: Framework, code: str) -> Responsibility | None:
    """The responsibility set on a criterion, else on its nearest ancestor that has one."""
    found = {
        r.criterion: r
        for r in Responsibility.objects.filter(framework=framework)
        .select_related("lead")
        .prefetch_related("supporters")
    }
    parents = framework.to_engine().parent_map()
    current: str | None = code
    while current is not None:
        if current in found:
            return found[current]
        current = parents.get(current)
    return None


def _with_responsibility(framework: Framework, proposal: Proposal) -> Proposal:
    found = responsibility_for(framework, proposal.code)
    if found is not None:
        proposal.lead = found.lead
        proposal.supporters = sorted(found.supporters.all(), key=lambda u: match_key(u.name))
    return proposal


def propose_items(
    analysis: YearAnalysis, unit: UnitRef, threshold: Decimal | int | str, framework: Framework
) -> list[Proposal]:
    """The criteria where the unit scored below `threshold` percent of the maximum, weakest first,
    each with its lead and supporting agencies from the responsibility table."""
    limit = Decimal(str(threshold))
    proposals = []
    for node in plannable_nodes(analysis.framework):
        points = analysis.current.value(unit, node.code)
        if points is None or not node.max_points:
            continue
        percent = percent_of(points, node.max_points)
        if percent < limit:
            proposal = Proposal(node.code, node.name_vi, points, node.max_points, percent)
            proposals.append(_with_responsibility(framework, proposal))
    return sorted(proposals, key=lambda p: (p.percent, p.code))


def proposals_from_gains(
    analysis: YearAnalysis, unit: UnitRef, gains: dict[str, Decimal], framework: Framework
) -> list[Proposal]:
    """Plan items for a rank target: each component to raise by so many of its own points."""
    from chiso.engine.whatif import contribution

    proposals = []
    for code, gain in gains.items():
        node = analysis.framework.node(code)
        points = analysis.current.value(unit, code)
        percent = percent_of(points, node.max_points) if points is not None and node.max_points else None
        target = points + gain if points is not None else None
        factor = contribution(analysis.framework, code)
        proposal = Proposal(
            code,
            node.name_vi,
            points,
            node.max_points,
            percent,
            target=target,
            gain=gain * factor if factor is not None else None,
        )
        proposals.append(_with_responsibility(framework, proposal))
    return proposals


# -- plans, items, tasks ----------------------------------------------------------------------------


def plan_for(subject: Subject, user: User) -> Plan:
    """The subject's active plan, created on first use."""
    plan = plans_of(subject).filter(status=Plan.Status.ACTIVE).order_by("pk").first()
    if plan is not None:
        return plan
    title = _("Kế hoạch cải thiện %(label)s — %(unit)s") % {"label": subject.label, "unit": subject.unit.name}
    return Plan.objects.create(
        index=subject.index,
        cycle=subject.cycle,
        framework=subject.framework,
        year=subject.year,
        unit=subject.unit,
        title=title,
        created_by=user,
        commitment_text=_(
            "Cơ quan chúng tôi cam kết chủ trì thực hiện đầy đủ các nội dung, nhiệm vụ được giao trong kế "
            "hoạch, đúng thời hạn, và báo cáo tiến độ đúng kỳ kèm tài liệu kiểm chứng."
        ),
    )


def _require_manager(user: User) -> None:
    if not manages(user):
        raise PlanError(_("Chỉ Sở Nội vụ hoặc quản trị viên được thay đổi kế hoạch."))


@transaction.atomic
def add_item(
    user: User,
    plan: Plan,
    *,
    criterion: str,
    lead: Unit | None,
    deadline: date | None,
    supporters: list[Unit] | None = None,
    actions: str = "",
    target_points: Decimal | None = None,
    expected_gain: Decimal | None = None,
    current_points: Decimal | None = None,
    status: str = ItemStatus.IN_PROGRESS,
) -> PlanItem:
    """A plan item; the lead agency and the deadline are required."""
    _require_manager(user)
    framework = plan.framework.to_engine()
    try:
        node = framework.node(criterion)
    except KeyError:
        raise PlanError(_("Không có tiêu chí %(code)s trong khung.") % {"code": criterion}) from None
    if lead is None:
        raise PlanError(_("%(code)s: phải chọn cơ quan chủ trì.") % {"code": criterion})
    if deadline is None:
        raise PlanError(_("%(code)s: phải có thời hạn hoàn thành.") % {"code": criterion})
    item = PlanItem.objects.create(
        plan=plan,
        criterion=criterion,
        criterion_name=node.name_vi,
        current_points=current_points,
        max_points=node.max_points,
        target_points=target_points,
        expected_gain=expected_gain,
        actions=actions,
        lead=lead,
        deadline=deadline,
        status=status,
    )
    if supporters:
        item.supporters.set([s for s in supporters if s.pk != lead.pk])
    return item


def subject_of(plan: Plan) -> Subject:
    if plan.cycle_id:
        return cycle_subject(plan.cycle, plan.unit.code)  # type: ignore[arg-type]
    return national_subject(plan.index.code, plan.year, plan.unit.code)  # type: ignore[union-attr]


def add_task(
    user: User,
    item: PlanItem,
    *,
    title: str,
    owner: Unit | None,
    due: date | None,
    owner_user: User | None = None,
) -> Task:
    """A task under an item; the owning agency and the due date are required."""
    _require_manager(user)
    if not title.strip():
        raise PlanError(_("Nhiệm vụ phải có nội dung."))
    if owner is None:
        raise PlanError(_("Nhiệm vụ phải có cơ quan thực hiện."))
    if due is None:
        raise PlanError(_("Nhiệm vụ phải có hạn hoàn thành."))
    return Task.objects.create(item=item, title=title.strip(), owner=owner, due=due, owner_user=owner_user)


def set_task_status(user: User, task: Task, status: str, today: date | None = None) -> Task:
    """The owner (or the officer) moves a task along; done records the day."""
    if not (manages(user) or task.owner_id in agencies_of(user)):
        raise PlanError(_("Chỉ cơ quan thực hiện hoặc Sở Nội vụ được cập nhật nhiệm vụ."))
    if status not in Task.Status.values:
        raise PlanError(_("Tình trạng không hợp lệ."))
    task.status = status
    task.done_on = (today or date.today()) if status == Task.Status.DONE else None
    task.save(update_fields=["status", "done_on"])
    return task


# -- the reporting schedule -------------------------------------------------------------------------

PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.HALF_YEARLY: 2, Frequency.YEARLY: 1}


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: (kind, year, number), e.g. the 2nd quarter of 2025."""

    year: int
    number: int
    kind: str

    @property
    def months(self) -> int:
        return 12 // PER_YEAR[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        last_month = self.number * self.months
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.year}-{self.number}"

    @property
    def label(self) -> str:
        values = {"n": self.number, "year": self.year}
        if self.kind == Frequency.MONTHLY:
            return _("Tháng %(n)02d/%(year)s") % values
        if self.kind == Frequency.QUARTERLY:
            return _("Quý %(n)s/%(year)s") % values
        if self.kind == Frequency.HALF_YEARLY:
            return (
                _("6 tháng đầu năm %(year)s") if self.number == 1 else _("6 tháng cuối năm %(year)s")
            ) % values
        return _("Cả năm %(year)s") % values

    def next(self) -> Period:
        if self.number == PER_YEAR[self.kind]:
            return Period(self.year + 1, 1, self.kind)
        return Period(self.year, self.number + 1, self.kind)

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        months = 12 // PER_YEAR[kind]
        return cls(day.year, (day.month - 1) // months + 1, kind)

    @classmethod
    def from_key(cls, key: str) -> Period:
        kind, year, number = key.split("-")
        if kind not in PER_YEAR or not 1 <= int(number) <= PER_YEAR[kind]:
            raise ValueError(key)
        return cls(int(year), int(number), kind)


def periods_between(kind: str, start: date, end: date) -> list[Period]:
    """Every period from the one containing `start` to the one containing `end`."""
    periods = []
    period = Period.containing(kind, start)
    last = Period.containing(kind, max(start, end))
    while period <= last:
        periods.append(period)
        period = period.next()
    return periods


REPORTED, MISSING, OPEN, UPCOMING = "reported", "missing", "open", "upcoming"


@dataclass
class ScheduleEntry:
    period: Period
    due: date
    state: str  # REPORTED, MISSING (due and passed), OPEN (can be reported now), UPCOMING
    reports: list[ProgressReport] = field(default_factory=list)


def schedule(item: PlanItem, today: date | None = None) -> list[ScheduleEntry]:
    """The periods an item reports on, from its creation to its deadline, and what came in."""
    today = today or date.today()
    plan = item.plan
    by_period: dict[str, list[ProgressReport]] = defaultdict(list)
    for report in item.reports.all():
        by_period[f"{report.period_kind}-{report.period_year}-{report.period_number}"].append(report)
    entries = []
    for period in periods_between(plan.report_every, item.created, item.deadline):
        due = period.end + timedelta(days=plan.grace_days)
        reports = by_period.get(period.key, [])
        if reports:
            state = REPORTED
        elif due < today and item.is_open:
            state = MISSING
        elif period.start <= today:
            state = OPEN
        else:
            state = UPCOMING
        entries.append(ScheduleEntry(period, due, state, reports))
    return entries


def reportable_periods(item: PlanItem, today: date | None = None) -> list[Period]:
    """The periods a report can be filed for now: those begun, latest first."""
    today = today or date.today()
    return [e.period for e in reversed(schedule(item, today)) if e.period.start <= today]


def silent_periods(item: PlanItem, today: date | None = None) -> list[ScheduleEntry]:
    return [e for e in schedule(item, today) if e.state == MISSING]


ALLOWED_EVIDENCE = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8",
    ".jpeg": b"\xff\xd8",
}
MAX_EVIDENCE = 20 * 1024 * 1024


@transaction.atomic
def submit_report(
    user: User,
    item: PlanItem,
    *,
    period: Period,
    text: str,
    percent_done: int,
    evidence: UploadedFile | None = None,
    task: Task | None = None,
) -> ProgressReport:
    """The owning agency reports on one period, with optional evidence stored by content hash."""
    if not can_report(user, item, task):
        raise PlanError(_("Chỉ cơ quan được giao mới gửi báo cáo tiến độ."))
    if period.kind != item.plan.report_every:
        raise PlanError(_("Kỳ báo cáo không đúng lịch của kế hoạch."))
    if not text.strip():
        raise PlanError(_("Báo cáo phải nêu kết quả thực hiện."))
    if not 0 <= percent_done <= 100:
        raise PlanError(_("Tỷ lệ hoàn thành phải từ 0 đến 100."))
    report = ProgressReport(
        item=item,
        task=task,
        agency_id=task.owner_id if task else item.lead_id,
        period_kind=period.kind,
        period_year=period.year,
        period_number=period.number,
        text=text.strip(),
        percent_done=percent_done,
        submitted_by=user,
    )
    if evidence is not None:
        name = evidence.name or "tep"
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        content = evidence.read()
        if suffix not in ALLOWED_EVIDENCE or not content.startswith(ALLOWED_EVIDENCE[suffix]):
            raise PlanError(
                _("Tệp %(name)s: chỉ nhận PDF, DOCX, XLSX, PNG, JPG đúng định dạng.") % {"name": name}
            )
        if len(content) > MAX_EVIDENCE:
            raise PlanError(_("Tệp %(name)s lớn hơn 20 MB.") % {"name": name})
        digest = hashlib.sha256(content).hexdigest()
        report.evidence_sha256 = digest
        report.evidence_name = name
        stored = report_file_path(report, name)
        if report.evidence.storage.exists(stored):  # the same bytes are already kept
            report.evidence.name = stored
        else:
            report.evidence.save(digest, ContentFile(content), save=False)
    report.save()
    if task is not None and task.status == Task.Status.NOT_STARTED:
        task.status = Task.Status.IN_PROGRESS
        task.save(update_fields=["status"])
    if item.status == ItemStatus.PROPOSED:
        item.status = ItemStatus.IN_PROGRESS
        item.save(update_fields=["status"])
    return report


@transaction.atomic
def sign_commitment(user: User, plan: Plan, agency: Unit) -> Commitment:
    """The head of an agency with a part in the plan signs its commitment, once."""
    if agency.pk not in heads_of(user):
        raise PlanError(_("Chỉ thủ trưởng cơ quan được ký cam kết."))
    if agency not in involved_agencies(plan):
        raise PlanError(_("Cơ quan không có nội dung nào trong kế hoạch."))
    if Commitment.objects.filter(plan=plan, agency=agency).exists():
        raise PlanError(_("Cơ quan đã ký cam kết."))
    return Commitment.objects.create(plan=plan, agency=agency, head=user, text=plan.commitment_text)


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
def escalate(today: date | None = None, *, send: bool = True) -> EscalationReport:
    """Find late tasks, overdue items and silent owners; record each once and e-mail the new ones to
    the officers (one summary) and to each owning agency's staff and head (one message each)."""
    today = today or date.today()
    report = EscalationReport()
    for item in open_items():
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
    if send and report.new:
        report.emails = _send(report.new, today)
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


# -- responsibilities from Excel --------------------------------------------------------------------

HEADERS = {
    "criterion": ("ma tieu chi", "tieu chi", "ma", "criterion", "code", "criterion code"),
    "lead": ("co quan chu tri", "chu tri", "lead", "lead agency"),
    "supporters": ("co quan phoi hop", "phoi hop", "supporters", "supporting agencies"),
}


class ResponsibilityImportError(PlanError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def _header_key(text: object) -> str:
    from chiso.engine.names import plain_key

    return plain_key(str(text or "")).strip()


def _agency_lookup() -> dict[str, Unit]:
    table: dict[str, Unit] = {}
    for unit in agencies():
        for name in (unit.code, unit.name, *unit.aliases):
            table[match_key(str(name))] = unit
    return table


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@transaction.atomic
def import_responsibilities(user: User, framework: Framework, source: Any) -> ImportResult:
    """Read criterion / lead / supporters rows from the first sheet of an .xlsx (a path or a file);
    every row is checked, and nothing is written unless all rows are valid."""
    from openpyxl import load_workbook

    _require_manager(user)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise ResponsibilityImportError(
            [_("Không đọc được tệp Excel (.xlsx): %(error)s") % {"error": exc}]
        ) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise ResponsibilityImportError([_("Tệp không có dữ liệu.")])
    header = [_header_key(cell) for cell in rows[0]]
    columns: dict[str, int] = {}
    for name, accepted in HEADERS.items():
        for position, text in enumerate(header):
            if text in accepted:
                columns[name] = position
                break
    errors = [
        _("Dòng 1: thiếu cột “%(column)s”.") % {"column": label}
        for name, label in (("criterion", "Mã tiêu chí"), ("lead", "Cơ quan chủ trì"))
        if name not in columns
    ]
    if errors:
        raise ResponsibilityImportError(errors)
    engine = framework.to_engine()
    known = {node.code for node in engine.nodes()}
    lookup = _agency_lookup()
    parsed: dict[str, tuple[Unit, list[Unit]]] = {}
    for number, row in enumerate(rows[1:], start=2):

        def cell(name: str, row: tuple = row) -> str:
            position = columns.get(name)
            if position is None or position >= len(row) or row[position] is None:
                return ""
            return str(row[position]).strip()

        code, lead_text, supporters_text = cell("criterion"), cell("lead"), cell("supporters")
        if not (code or lead_text or supporters_text):
            continue
        where = {"row": number}
        if not code:
            errors.append(
                _("Dòng %(row)s, cột %(col)s: thiếu mã tiêu chí.")
                % {**where, "col": _column_letter(columns["criterion"])}
            )
            continue
        if code not in known:
            errors.append(
                _("Dòng %(row)s, cột %(col)s: không có tiêu chí “%(code)s” trong khung %(framework)s.")
                % {
                    **where,
                    "col": _column_letter(columns["criterion"]),
                    "code": code,
                    "framework": framework.code,
                }
            )
            continue
        if code in parsed:
            errors.append(_("Dòng %(row)s: tiêu chí %(code)s lặp lại.") % {**where, "code": code})
            continue
        lead = lookup.get(match_key(lead_text)) if lead_text else None
        if lead is None:
            message = (
                _("Dòng %(row)s, cột %(col)s: thiếu cơ quan chủ trì.")
                if not lead_text
                else _("Dòng %(row)s, cột %(col)s: không có cơ quan “%(name)s”.")
            )
            errors.append(message % {**where, "col": _column_letter(columns["lead"]), "name": lead_text})
            continue
        supporters = []
        for name in filter(None, (part.strip() for part in supporters_text.replace(",", ";").split(";"))):
            unit = lookup.get(match_key(name))
            if unit is None:
                errors.append(
                    _("Dòng %(row)s, cột %(col)s: không có cơ quan “%(name)s”.")
                    % {**where, "col": _column_letter(columns["supporters"]), "name": name}
                )
            elif unit != lead:
                supporters.append(unit)
        parsed[code] = (lead, supporters)
    if errors:
        raise ResponsibilityImportError(errors)
    if not parsed:
        raise ResponsibilityImportError([_("Tệp không có dòng dữ liệu nào.")])
    result = ImportResult()
    for code, (lead, supporters) in parsed.items():
        row, created = Responsibility.objects.update_or_create(
            framework=framework, criterion=code, defaults={"lead": lead}
        )
        row.supporters.set(supporters)
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


def set_responsibility(
    user: User, framework: Framework, criterion: str, lead: Unit | None, supporters: list[Unit]
) -> Responsibility | None:
    """Set (or with no lead, clear) the agencies of one criterion."""
    _require_manager(user)
    if criterion not in {node.code for node in framework.to_engine().nodes()}:
        raise PlanError(_("Không có tiêu chí %(code)s trong khung.") % {"code": criterion})
    if lead is None:
        Responsibility.objects.filter(framework=framework, criterion=criterion).delete()
        return None
    row, _created = Responsibility.objects.update_or_create(
        framework=framework, criterion=criterion, defaults={"lead": lead}
    )
    row.supporters.set([s for s in supporters if s.pk != lead.pk])
    return row


# -- for the conference report ----------------------------------------------------------------------


def report_rows(index_code: str, year: int, unit_code: str) -> list[dict]:
    """The improvement plan of a unit after an index-year's results, one row per item, ready to
    print: code, name, lead, supporters (names joined by ", "), action, deadline ("dd/mm/yyyy"),
    status (its Vietnamese label). Also deadline_date (a date) and target (a formatted number or "").
    Items not carried out are left out; no plan → []."""
    from chiso.frameworks.services import IndexNotFound, find_index

    try:
        index = find_index(index_code)
    except IndexNotFound:
        return []
    items = (
        PlanItem.objects.filter(plan__index=index, plan__year=year, plan__unit__code=unit_code)
        .exclude(status=ItemStatus.DROPPED)
        .select_related("lead", "plan")
        .prefetch_related("supporters")
        .order_by("criterion", "pk")
    )
    return [
        {
            "code": item.criterion,
            "name": item.criterion_name,
            "lead": item.lead.name,
            "supporters": ", ".join(sorted((u.name for u in item.supporters.all()), key=match_key)),
            "action": item.actions,
            "deadline": format_date(item.deadline),
            "deadline_date": item.deadline,
            "status": str(ItemStatus(item.status).label),
            "target": format_number(item.target_points, 2) if item.target_points is not None else "",
        }
        for item in items
    ]
