"""What the Home Affairs officer does to a cycle as a whole: see where every unit stands, remind
the late ones, extend the deadline. Changes go through the audit log like every other change."""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from chiso.accounts.models import UNIT_ROLES, Membership
from chiso.accounts.permissions import manages
from chiso.assessments import standings
from chiso.assessments.models import Assessment, Cycle, CycleStanding, CycleVersion, State
from chiso.assessments.scoring import FINAL, cycle_points, previous_cycle
from chiso.assessments.workflow import NotAllowed, WorkflowError, audit
from chiso.core.progress import Progress, no_progress
from chiso.engine.names import sort_key
from chiso.engine.numbers import format_date
from chiso.engine.scoring import aggregate_units
from chiso.frameworks.copy import map_previous, mapping_between
from chiso.units.services import vi_order

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_SUBMITTED = (State.DRAFT, State.AWAITING_HEAD)
IN_APPRAISAL = (State.SUBMITTED, State.UNDER_APPRAISAL)
DISPUTING = (State.APPRAISED, State.EXPLAINED)

# The dashboard's lists, in the order an officer works through them.
NOT_STARTED = "not_started"
NOT_SUBMITTED_KEY = "not_submitted"
OVERDUE = "overdue"
APPRAISAL = "appraisal"
DISPUTE = "disputing"
COUNCIL = "council"
APPROVED = "approved"
LIST_KEYS = (NOT_STARTED, NOT_SUBMITTED_KEY, OVERDUE, APPRAISAL, DISPUTE, COUNCIL, APPROVED)


@dataclass
class Row:
    """One unit of a cycle as the dashboard shows it."""

    assessment: Assessment
    total: Decimal | None = None
    previous_total: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total


@dataclass
class Board:
    cycle: Cycle
    today: date
    counts: list[tuple[str, StrOrPromise, int]]  # state, its label, how many
    lists: dict[str, list[Row]] = field(default_factory=dict)  # each list's first `shown` rows
    sizes: dict[str, int] = field(default_factory=dict)  # how many units each list holds
    previous: Cycle | None = None
    standing: CycleStanding | None = None  # the stored table the totals come from (may be stale)

    @property
    def overdue_days(self) -> int:
        return max(0, (self.today - self.cycle.self_assessment_due).days)

    @property
    def total(self) -> int:
        return sum(n for _value, _label, n in self.counts)


def _previous_totals(cycle: Cycle, unit_ids: list[int]) -> tuple[Cycle | None, dict[int, Decimal | None]]:
    """Last year's published totals of these units (unit id → total), carried to this year's codes.

    Read from last year's stored standings when this year's total is last year's total under
    another code (the usual mapping); otherwise every unit's tree is summed at once from the points
    (one query) and carried criterion by criterion."""
    last = previous_cycle(cycle)
    if last is None:
        return None, {}
    mapping = mapping_between(last.framework, cycle.framework)
    engine = last.framework.to_engine()
    root = cycle.framework.to_engine().root.code
    if [old for old, new in mapping.items() if new == root] == [engine.root.code]:
        standing = standings.standing_of(last, FINAL, wait=False)
        found = standing.units.filter(assessment__unit_id__in=unit_ids)
        return last, dict(found.values_list("assessment__unit_id", "total"))
    points = cycle_points(last, FINAL, engine)
    units = dict(last.assessments.filter(unit_id__in=unit_ids).values_list("pk", "unit_id"))
    trees = aggregate_units(engine, {pk: points.get(pk, {}) for pk in units})
    return last, {units[pk]: map_previous(tree, mapping).get(root) for pk, tree in trees.items()}


def _list_of(state: str, started: bool, overdue: bool) -> list[str]:
    """The dashboard's lists a unit in `state` belongs to."""
    keys = []
    if state == State.DRAFT and not started:
        keys.append(NOT_STARTED)
    if state in NOT_SUBMITTED:
        keys.append(NOT_SUBMITTED_KEY)
        if overdue:
            keys.append(OVERDUE)
    elif state in IN_APPRAISAL:
        keys.append(APPRAISAL)
    elif state in DISPUTING:
        keys.append(DISPUTE)
    elif state == State.COUNCIL:
        keys.append(COUNCIL)
    elif state == State.APPROVED:
        keys.append(APPROVED)
    return keys


def board(cycle: Cycle, today: date | None = None, shown: int | None = None) -> Board:
    """Counts by state and the officer's lists for one cycle: every list's size, and its first
    `shown` units (all by default) in Vietnamese order, read in full.

    What grows with the cycle is one light query (id, unit name, state: no model built), the
    Vietnamese collation key of each name (ICU, in C) and a partial sort; only the shown rows are
    read as objects, with the totals of the approved ones from the stored table (`standings`,
    never computed here but for a cycle that never had one: while it is computed again, the last
    stored table, `standing.stale`)."""
    today = today or date.today()
    overdue = today > cycle.self_assessment_due
    by_state: Counter[str] = Counter()
    sizes = dict.fromkeys(LIST_KEYS, 0)
    members: dict[str, list[tuple[bytes, int]]] = {key: [] for key in LIST_KEYS}
    for pk, name, state, started in cycle.assessments.values_list("pk", "unit__name", "state", "started"):
        by_state[state] += 1
        collation = sort_key(name)
        for list_key in _list_of(state, started, overdue):
            sizes[list_key] += 1
            members[list_key].append((collation, pk))
    counts: list[tuple[str, StrOrPromise, int]] = [
        (value, label, by_state.get(value, 0)) for value, label in State.choices
    ]
    result = Board(cycle=cycle, today=today, counts=counts, lists={key: [] for key in LIST_KEYS}, sizes=sizes)
    chosen = {
        key: [pk for _key, pk in heapq.nsmallest(shown or len(rows), rows)] for key, rows in members.items()
    }
    wanted = {pk for pks in chosen.values() for pk in pks}
    found = {a.pk: a for a in cycle.assessments.filter(pk__in=wanted).select_related("unit", "cycle")}
    approved = chosen[APPROVED]
    totals: dict[int, Decimal | None] = {}
    previous: dict[int, Decimal | None] = {}
    if approved:  # the stored figures: no tree per unit
        result.standing = standings.standing_of(cycle, FINAL, wait=False)
        totals = dict(
            result.standing.units.filter(assessment_id__in=approved).values_list("assessment_id", "total")
        )
        result.previous, previous = _previous_totals(cycle, [found[pk].unit_id for pk in approved])
    for key, pks in chosen.items():
        for pk in pks:
            row = Row(found[pk])
            if key == APPROVED:
                row.total = totals.get(pk)
                row.previous_total = previous.get(found[pk].unit_id)
            result.lists[key].append(row)
    return result


def fingerprint(cycle: Cycle) -> str:
    """What the dashboard of a cycle shows, named cheaply (three light queries): its units' names,
    states, rounds and dates of sending; the version of every cycle (moved on by every change of
    points: this year's totals, last year's); the published cycles and their frameworks (last
    year's cycle, its criteria mapping). Two requests with the same fingerprint, on the same day,
    see the same board."""
    units = list(
        cycle.assessments.order_by("pk").values_list(
            "pk", "unit__name", "state", "started", "round", "submitted_at"
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cycle_id, version FROM {CycleVersion._meta.db_table} ORDER BY cycle_id")
        versions = cursor.fetchall()
    published = list(
        Cycle.objects.filter(published_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "published_at", "framework__updated")
    )
    return hashlib.sha256(repr((units, versions, published)).encode()).hexdigest()


# -- reminders --------------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    units: list[str] = field(default_factory=list)  # units reminded
    emails: int = 0  # messages sent (one per unit)
    recipients: int = 0  # addresses written to
    without_address: list[str] = field(default_factory=list)  # units with nobody to write to


def reminder_text(assessment: Assessment, today: date) -> tuple[str, str]:
    """Subject and body of the reminder to one unit, in Vietnamese."""
    cycle = assessment.cycle
    unit = assessment.unit.name
    due = format_date(cycle.self_assessment_due)
    with translation.override("vi"):
        state = str(assessment.get_state_display())
    late = (today - cycle.self_assessment_due).days
    when = f"Hạn tự đánh giá: {due} (đã quá hạn {late} ngày)." if late > 0 else f"Hạn tự đánh giá: {due}."
    subject = f"[chiso] Nhắc nhở: {unit} chưa gửi bản tự đánh giá — {cycle.name}"
    body = "\n".join(
        [
            f"Kính gửi {unit},",
            "",
            f"Bản tự đánh giá của {unit} trong kỳ «{cycle.name}» chưa được gửi thẩm định "
            f"(trạng thái hiện nay: {state}).",
            when,
            "",
            "Đề nghị cán bộ đầu mối hoàn thành việc chấm điểm, đính kèm tài liệu kiểm chứng "
            "và trình thủ trưởng đơn vị phê duyệt, gửi thẩm định trước hạn.",
            "",
            "Trân trọng,",
            "Sở Nội vụ — hệ thống chiso",
        ]
    )
    return subject, body


def send_reminders(
    user: User, cycle: Cycle, today: date | None = None, progress: Progress = no_progress
) -> ReminderReport:
    """E-mail the staff and heads of every unit that has not submitted, one message per unit;
    `progress` hears each unit."""
    if not manages(user, cycle.organiser_id):
        raise NotAllowed(_("Bạn không có quyền gửi nhắc nhở."))
    today = today or date.today()
    report = ReminderReport()
    pending = sorted(
        cycle.assessments.filter(state__in=NOT_SUBMITTED).select_related("unit", "cycle"),
        key=lambda a: vi_order(a.unit.name),
    )
    for number, assessment in enumerate(pending):
        progress(number, len(pending), assessment.unit.name)
        addresses = sorted(
            set(
                Membership.objects.filter(unit=assessment.unit, role__in=UNIT_ROLES, user__is_active=True)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        if not addresses:
            report.without_address.append(assessment.unit.name)
            continue
        subject, body = reminder_text(assessment, today)
        send_mail(subject, body, None, addresses)
        report.units.append(assessment.unit.name)
        report.emails += 1
        report.recipients += len(addresses)
    progress(len(pending), len(pending), _("Đã gửi {n} thư").format(n=report.emails))
    audit(
        user,
        "send_reminders",
        cycle=cycle,
        field="reminders",
        after={"units": report.units, "without_address": report.without_address},
    )
    return report


@transaction.atomic
def extend_deadline(user: User, cycle: Cycle, new_due: date, reason: str) -> Cycle:
    """Move the self-assessment deadline later, with a reason, in the audit log."""
    if not manages(user, cycle.organiser_id):
        raise NotAllowed(_("Bạn không có quyền gia hạn."))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not reason.strip():
        raise WorkflowError(_("Cần nêu lý do gia hạn."))
    if cycle.is_published:
        raise WorkflowError(_("Kỳ đánh giá đã công bố."))
    if new_due <= cycle.self_assessment_due:
        raise WorkflowError(
            _("Hạn mới phải sau hạn hiện tại {date}.").format(date=format_date(cycle.self_assessment_due))
        )
    before = cycle.self_assessment_due
    cycle.self_assessment_due = new_due
    cycle.save(update_fields=["self_assessment_due"])
    audit(
        user,
        "extend_deadline",
        cycle=cycle,
        field="self_assessment_due",
        before=before.isoformat(),
        after=new_due.isoformat(),
        reason=reason.strip(),
    )
    return cycle
