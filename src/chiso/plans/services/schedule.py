"""The reporting schedule: every open item expects a report each period (month, quarter,
half-year, year) from its creation to its deadline; a period whose due day has passed without a
report is *silent*. Progress reports and commitments."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core.files import clean_file_name
from chiso.plans.models import (
    Commitment,
    Frequency,
    ItemStatus,
    Plan,
    PlanItem,
    ProgressReport,
    Task,
    report_file_path,
)
from chiso.plans.services.access import (
    PlanError,
    can_report,
    heads_of,
    involved_agencies,
)
from chiso.units.models import Unit

# -- the reporting schedule -------------------------------------------------------------------------

PER_YEAR: dict[str, int] = {
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
    Frequency.HALF_YEARLY: 2,
    Frequency.YEARLY: 1,
}


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


REPORTED, LATE, MISSING, OPEN, UPCOMING = "reported", "late", "missing", "open", "upcoming"


@dataclass
class ScheduleEntry:
    period: Period
    due: date
    # REPORTED (by the due day), LATE (reported after it), MISSING (due day passed, no report),
    # OPEN (can be reported now), UPCOMING
    state: str
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
            first = min(timezone.localdate(r.submitted_at) for r in reports)
            state = LATE if first > due else REPORTED
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


@dataclass
class AgencyReporting:
    """One agency's progress reports on a plan's schedule: the periods due so far reported on
    time (received), reported after the due day (late), not reported (missing), and open now."""

    agency: Unit
    received: list[tuple[PlanItem, ScheduleEntry]] = field(default_factory=list)
    late: list[tuple[PlanItem, ScheduleEntry]] = field(default_factory=list)
    missing: list[tuple[PlanItem, ScheduleEntry]] = field(default_factory=list)
    open: list[tuple[PlanItem, ScheduleEntry]] = field(default_factory=list)


def reporting_by_agency(items: list[PlanItem], today: date | None = None) -> list[AgencyReporting]:
    """Per lead agency of the items given (their reports prefetched): which periods' reports were
    received, late or missing, and which are open — the agencies with missing or late reports
    first. No query beyond the items'."""
    from chiso.engine.names import match_key

    today = today or date.today()
    rows: dict[int, AgencyReporting] = {}
    for item in items:
        if item.status == ItemStatus.DROPPED:
            continue
        row = rows.setdefault(item.lead_id, AgencyReporting(item.lead))
        for entry in schedule(item, today):
            bucket = {REPORTED: row.received, LATE: row.late, MISSING: row.missing, OPEN: row.open}.get(
                entry.state
            )
            if bucket is not None:
                bucket.append((item, entry))
    return sorted(rows.values(), key=lambda r: (-len(r.missing), -len(r.late), match_key(r.agency.name)))


ALLOWED_EVIDENCE = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8",
    ".jpeg": b"\xff\xd8",
}
MAX_EVIDENCE = 20 * 1024 * 1024


def checked_upload(upload: UploadedFile, allowed: dict[str, bytes] | None = None) -> tuple[str, bytes, str]:
    """An uploaded file's clean name, bytes and SHA-256, after the checks every plan upload passes
    (evidence of progress, signed scans of commitments): a known extension whose first bytes match
    it, at most 20 MB. PlanError names the file otherwise."""
    allowed = ALLOWED_EVIDENCE if allowed is None else allowed
    name = clean_file_name(upload.name) or "tep"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size and upload.size > MAX_EVIDENCE:
        raise PlanError(_("Tệp %(name)s lớn hơn 20 MB.") % {"name": name})
    content = upload.read()
    if suffix not in allowed or not content.startswith(allowed[suffix]):
        kinds = ", ".join(dict.fromkeys(k.lstrip(".").upper().replace("JPEG", "JPG") for k in allowed))
        raise PlanError(
            _("Tệp %(name)s: chỉ nhận %(kinds)s đúng định dạng.") % {"name": name, "kinds": kinds}
        )
    if len(content) > MAX_EVIDENCE:
        raise PlanError(_("Tệp %(name)s lớn hơn 20 MB.") % {"name": name})
    return name, content, hashlib.sha256(content).hexdigest()


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
        name, content, digest = checked_upload(evidence)
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
