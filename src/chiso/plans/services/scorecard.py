"""The scorecard of delivery of each agency in a plan, for the annual evaluation of its head (seed
003: "kết quả thực hiện khắc phục các tiêu chí … là một trong các tiêu chí xem xét, đánh giá trách
nhiệm của người đứng đầu"): tasks done on time, late or overdue; progress reports on time, late or
missing; criteria improved in the next year's result; the commitment signed.

"On time" has one definition (`on_time`): done, or reported, on or before the due day — a task's
due date, a reporting period's due day (the period's end plus the plan's grace days, as the
reporting schedule sets it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.analysis import node_comparable
from chiso.engine.names import match_key
from chiso.plans.models import Commitment, ItemStatus, Plan, PlanItem, Task
from chiso.plans.services.access import involved_agencies
from chiso.plans.services.schedule import LATE, MISSING, REPORTED, schedule
from chiso.units.models import Unit


def on_time(done: date, due: date) -> bool:
    """Done (a task) or reported (a period) on or before its due day — the due day itself is on time."""
    return done <= due


IMPROVED, NOT_IMPROVED, NO_RESULT = "improved", "not_improved", "no_result"


@dataclass
class CriterionChange:
    """A criterion's points in the plan's year and in the next year's result (None: not published
    or not comparable)."""

    code: str
    before: Decimal | None
    after: Decimal | None

    @property
    def state(self) -> str:
        if self.before is None or self.after is None:
            return NO_RESULT
        return IMPROVED if self.after > self.before else NOT_IMPROVED


@dataclass
class ScoreRow:
    agency: Unit
    items_led: int = 0
    items_supported: int = 0
    tasks_on_time: int = 0
    tasks_late: int = 0  # done after the due day
    tasks_overdue: int = 0  # not done, the due day passed
    tasks_pending: int = 0  # not done, not yet due
    reports_on_time: int = 0
    reports_late: int = 0
    reports_missing: int = 0
    criteria: list[CriterionChange] = field(default_factory=list)
    commitment: Commitment | None = None

    @property
    def tasks_due(self) -> int:
        return self.tasks_on_time + self.tasks_late + self.tasks_overdue

    @property
    def reports_due(self) -> int:
        return self.reports_on_time + self.reports_late + self.reports_missing

    @property
    def criteria_improved(self) -> int:
        return sum(1 for c in self.criteria if c.state == IMPROVED)

    @property
    def criteria_not_improved(self) -> int:
        return sum(1 for c in self.criteria if c.state == NOT_IMPROVED)

    @property
    def criteria_no_result(self) -> int:
        return sum(1 for c in self.criteria if c.state == NO_RESULT)

    @property
    def rate(self) -> Decimal | None:
        """The share, in percent, of the tasks and reports that fell due which were on time."""
        due = self.tasks_due + self.reports_due
        if not due:
            return None
        return Decimal(100 * (self.tasks_on_time + self.reports_on_time)) / Decimal(due)

    @property
    def commitment_state(self) -> str:
        return self.commitment.method if self.commitment is not None else "unsigned"


def _changes(plan: Plan, items: list[PlanItem]) -> dict[int, CriterionChange]:
    """Each item's criterion, its points in the plan's year and in the next year's published result
    of the same unit (the results app's analysis: a national index-year, or the organiser's next
    published cycle on the same framework's index)."""
    from chiso.results.subjects import cycle_subject, national_subject

    later = None
    try:
        if plan.cycle_id is None:
            later = national_subject(plan.index.code, plan.year + 1, plan.unit.code)  # type: ignore[union-attr]
        else:
            from chiso.assessments.models import Cycle

            cycle = plan.cycle
            following = (
                Cycle.objects.filter(
                    organiser_id=cycle.organiser_id,  # type: ignore[union-attr]
                    year=plan.year + 1,
                    published_at__isnull=False,
                    framework__index_id=plan.framework.index_id,
                )
                .order_by("-published_at")
                .first()
            )
            if following is not None:
                later = cycle_subject(following, plan.unit.code)
    except LookupError:
        later = None
    result = {}
    for item in items:
        before, after = item.current_points, None
        if later is not None:
            analysis = later.analysis
            if plan.cycle_id is None and analysis.previous is not None:
                if node_comparable(analysis.framework, analysis.previous.framework, item.criterion):
                    before = analysis.previous.value(later.ref, item.criterion)
                    after = analysis.current.value(later.ref, item.criterion)
            elif item.criterion in {n.code for n in analysis.framework.nodes()}:
                after = analysis.current.value(later.ref, item.criterion)
        result[item.pk] = CriterionChange(item.criterion, before, after)
    return result


def scorecard(plan: Plan, today: date | None = None) -> list[ScoreRow]:
    """One row per agency with a part in the plan, best delivery first (the on-time share; those
    with nothing yet due last), then by name. A fixed number of queries whatever the agencies."""
    today = today or timezone.localdate()
    items = list(
        plan.items.exclude(status=ItemStatus.DROPPED)
        .select_related("plan")
        .prefetch_related("supporters", "tasks", "reports")
        .order_by("criterion", "pk")
    )
    rows = {agency.pk: ScoreRow(agency) for agency in involved_agencies(plan)}
    for commitment in plan.commitments.all():
        if commitment.agency_id in rows:
            rows[commitment.agency_id].commitment = commitment
    changes = _changes(plan, items)
    for item in items:
        lead = rows[item.lead_id]
        lead.items_led += 1
        lead.criteria.append(changes[item.pk])
        for supporter in item.supporters.all():
            if supporter.pk in rows and supporter.pk != item.lead_id:
                rows[supporter.pk].items_supported += 1
        for task in item.tasks.all():
            row = rows[task.owner_id]
            if task.status == Task.Status.DONE:
                if on_time(task.done_on or task.due, task.due):
                    row.tasks_on_time += 1
                else:
                    row.tasks_late += 1
            elif task.due < today:
                row.tasks_overdue += 1
            else:
                row.tasks_pending += 1
        for entry in schedule(item, today):
            if entry.state in (REPORTED, LATE):  # the schedule's LATE is the same rule: after the due day
                first = min(timezone.localdate(r.submitted_at) for r in entry.reports)
                if on_time(first, entry.due):
                    lead.reports_on_time += 1
                else:
                    lead.reports_late += 1
            elif entry.state == MISSING:
                lead.reports_missing += 1
    return sorted(
        rows.values(),
        key=lambda r: (r.rate is None, -(r.rate or 0), match_key(r.agency.name)),
    )


def commitment_label(row: ScoreRow) -> str:
    if row.commitment is None:
        return _("Chưa ký")
    from chiso.engine.numbers import format_date

    label = (
        _("Đã ký trên giấy") if row.commitment.method == Commitment.Method.PAPER else _("Đã ký trên ứng dụng")
    )
    return f"{label} {format_date(row.commitment.signed_date)}"


def columns() -> list[tuple[str, str]]:
    """The scorecard's columns (key, Vietnamese header) — one list for the page, Excel, CSV, JSON."""
    return [
        ("rank", _("TT")),
        ("agency", _("Cơ quan, đơn vị")),
        ("code", _("Mã")),
        ("items_led", _("Nội dung chủ trì")),
        ("items_supported", _("Nội dung phối hợp")),
        ("tasks_on_time", _("Nhiệm vụ đúng hạn")),
        ("tasks_late", _("Nhiệm vụ hoàn thành chậm")),
        ("tasks_overdue", _("Nhiệm vụ quá hạn chưa xong")),
        ("tasks_pending", _("Nhiệm vụ chưa đến hạn")),
        ("reports_on_time", _("Báo cáo đúng hạn")),
        ("reports_late", _("Báo cáo chậm")),
        ("reports_missing", _("Kỳ không báo cáo")),
        ("criteria_improved", _("Tiêu chí tăng điểm")),
        ("criteria_not_improved", _("Tiêu chí không tăng")),
        ("criteria_no_result", _("Tiêu chí chưa có kết quả")),
        ("rate", _("Tỷ lệ đúng hạn (%)")),
        ("commitment", _("Cam kết")),
    ]


def as_records(rows: list[ScoreRow]) -> list[dict[str, Any]]:
    """Plain values per row for CSV, JSON and Excel (the rate rounded to one decimal)."""
    from chiso.engine.numbers import round_half_up

    records = []
    for number, row in enumerate(rows, start=1):
        records.append(
            {
                "rank": number,
                "agency": row.agency.name,
                "code": row.agency.code,
                "items_led": row.items_led,
                "items_supported": row.items_supported,
                "tasks_on_time": row.tasks_on_time,
                "tasks_late": row.tasks_late,
                "tasks_overdue": row.tasks_overdue,
                "tasks_pending": row.tasks_pending,
                "reports_on_time": row.reports_on_time,
                "reports_late": row.reports_late,
                "reports_missing": row.reports_missing,
                "criteria_improved": row.criteria_improved,
                "criteria_not_improved": row.criteria_not_improved,
                "criteria_no_result": row.criteria_no_result,
                "rate": round_half_up(row.rate, 1) if row.rate is not None else None,
                "commitment": commitment_label(row),
            }
        )
    return records


def workbook(plan: Plan, rows: list[ScoreRow], today: date | None = None) -> bytes:
    """The scorecard as an Excel workbook: a title, the date, the definition of "on time", one row
    per agency; text as text (`chiso.core.xlsx`)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from chiso.core import xlsx
    from chiso.engine.numbers import format_date

    today = today or timezone.localdate()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Đánh giá thực hiện")[:31]
    xlsx.put(
        sheet, 1, 1, _("Kết quả thực hiện kế hoạch của các cơ quan, đơn vị: %(plan)s") % {"plan": plan.title}
    )
    sheet["A1"].font = Font(bold=True, size=13)
    xlsx.put(
        sheet,
        2,
        1,
        _("Tính đến ngày %(date)s. %(rule)s") % {"date": format_date(today), "rule": on_time_rule()},
    )
    headers = columns()
    for column, (_key, title) in enumerate(headers, start=1):
        cell = xlsx.put(sheet, 4, column, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line, record in enumerate(as_records(rows), start=5):
        for column, (key, _title) in enumerate(headers, start=1):
            value = record[key]
            cell = xlsx.put(sheet, line, column, float(value) if isinstance(value, Decimal) else value)
            if key == "rate":
                cell.number_format = "0.0"
    sheet.freeze_panes = "C5"
    for column, (key, _title) in enumerate(headers, start=1):
        width = {"rank": 5, "agency": 36, "code": 12, "commitment": 26}.get(key, 12)
        sheet.column_dimensions[get_column_letter(column)].width = width
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def on_time_rule() -> str:
    """The definition of on time, as the page and the export state it."""
    return _(
        "Đúng hạn: hoàn thành nhiệm vụ, hoặc gửi báo cáo của kỳ, trước hoặc đúng ngày hết hạn (hạn báo "
        "cáo của kỳ là ngày cuối kỳ cộng số ngày được báo cáo chậm của kế hoạch)."
    )
