"""The commitment (bản cam kết) of each agency with a part in a plan: what it commits to (the items
it leads or supports, the tasks it owns), the printable document (Word from an editable template,
PDF through LibreOffice), and its signature — in the app by the agency's head, or on paper with the
signed scan uploaded.

Seed 004 ("các cơ quan, đơn vị đã ký cam kết") and seed 003 (the result counts in the evaluation of
the head of each agency)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.engine.names import match_key
from chiso.engine.narrative import unit_phrase
from chiso.engine.numbers import format_date, format_number
from chiso.plans.models import Commitment, ItemStatus, Plan, PlanItem, Task, scan_file_path
from chiso.plans.services.access import (
    PlanError,
    agencies_of,
    involved_agencies,
    manages,
    reads_all,
)
from chiso.plans.services.schedule import checked_upload
from chiso.units.models import Unit

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "plans" / "ban-cam-ket.docx"

# A signed scan: a PDF or a photograph of the signed pages (the evidence checks, fewer kinds).
ALLOWED_SCAN = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8",
    ".jpeg": b"\xff\xd8",
}

ROLE_LEAD, ROLE_SUPPORT = "lead", "support"


# -- who sees which commitment ---------------------------------------------------------------------


def sees_all_commitments(user: User | AnonymousUser) -> bool:
    """The officer, the administrator and the leader see every agency's commitment and scorecard."""
    return reads_all(user)


def may_see_commitment(user: User | AnonymousUser, agency: Unit) -> bool:
    """Readers see every commitment; an agency's staff and head only their own."""
    return sees_all_commitments(user) or agency.pk in agencies_of(user)


def may_attach_scan(user: User | AnonymousUser, plan: Plan, agency: Unit) -> bool:
    """The officer, or the agency itself (staff or head), uploads its signed scan while the plan runs."""
    if plan.status != Plan.Status.ACTIVE:
        return False
    return manages(user) or agency.pk in agencies_of(user)


# -- what an agency commits to ---------------------------------------------------------------------


@dataclass
class CommitmentLine:
    """One item of the plan as the agency's commitment shows it."""

    item: PlanItem
    role: str  # ROLE_LEAD or ROLE_SUPPORT
    tasks: list[Task] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return _("Chủ trì") if self.role == ROLE_LEAD else _("Phối hợp")


@dataclass
class CommitmentContent:
    plan: Plan
    agency: Unit
    lines: list[CommitmentLine]
    commitment: Commitment | None


def organiser_name(plan: Plan) -> str:
    """Whom the agency commits to: "UBND tỉnh Quảng Ninh" for a province's plan after a national
    index; the cycle's organiser (its area's people's committee) after an internal cycle."""
    unit = plan.unit
    if plan.cycle_id is not None:
        organiser = plan.cycle.organiser  # type: ignore[union-attr]
        if organiser.unit is None:
            return organiser.name
        unit = organiser.unit
    return "UBND " + unit_phrase(unit.to_engine())


def subject_label(plan: Plan) -> str:
    """ "Chỉ số PAPI năm 2024" or the internal cycle's name."""
    if plan.cycle_id is not None:
        return plan.cycle.name  # type: ignore[union-attr]
    return _("Chỉ số %(index)s năm %(year)s") % {"index": plan.index.short_name, "year": plan.year}  # type: ignore[union-attr]


def commitment_content(plan: Plan, agency: Unit) -> CommitmentContent:
    """The items the agency leads or supports (not those dropped), with the tasks it owns under
    them, by deadline; PlanError when it has no part in the plan."""
    items = (
        plan.items.exclude(status=ItemStatus.DROPPED)
        .select_related("lead")
        .prefetch_related("supporters", "tasks")
        .order_by("deadline", "criterion", "pk")
    )
    lines = []
    for item in items:
        tasks = [t for t in item.tasks.all() if t.owner_id == agency.pk]
        if item.lead_id == agency.pk:
            lines.append(CommitmentLine(item, ROLE_LEAD, tasks))
        elif agency.pk in {s.pk for s in item.supporters.all()} or tasks:
            lines.append(CommitmentLine(item, ROLE_SUPPORT, tasks))
    if not lines:
        raise PlanError(_("%(agency)s không có nội dung nào trong kế hoạch.") % {"agency": agency.name})
    commitment = plan.commitments.filter(agency=agency).select_related("head").first()
    return CommitmentContent(plan, agency, lines, commitment)


# -- the document -----------------------------------------------------------------------------------


def _points(value: Decimal | None) -> str:
    return format_number(value, 2) if value is not None else "–"


def document_context(content: CommitmentContent, today: date | None = None) -> dict[str, Any]:
    """Every name the Word template can use (Vietnamese: the document is an administrative one)."""
    today = today or timezone.localdate()
    plan, agency = content.plan, content.agency
    organiser = organiser_name(plan)
    signed = content.commitment.signed_date if content.commitment is not None else None
    rows = []
    tasks: list[dict[str, Any]] = []
    for number, line in enumerate(content.lines, start=1):
        item = line.item
        rows.append(
            {
                "n": number,
                "criterion": f"{item.criterion} {item.criterion_name}".strip(),
                "role": line.role_label,
                "current": _points(item.current_points)
                + (
                    f"/{format_number(item.max_points, 0)}" if item.max_points and item.current_points else ""
                ),
                "target": _points(item.target_points),
                "actions": item.actions or "–",
                "deadline": format_date(item.deadline),
            }
        )
        tasks += [
            {"title": t.title, "criterion": item.criterion, "due": format_date(t.due)} for t in line.tasks
        ]
    for number, task in enumerate(tasks, start=1):
        task["n"] = number
    place = plan.unit.name if plan.cycle_id is None else (organiser.removeprefix("UBND ").strip())
    return {
        "agency_name": agency.name,
        "agency_upper": agency.name.upper(),
        "organiser_name": organiser,
        "organiser_upper": organiser.upper(),
        "plan_title": plan.title,
        "subject": subject_label(plan),
        "year": plan.year,
        "next_year": plan.year + 1,
        "commitment_text": (content.commitment.text if content.commitment else plan.commitment_text)
        or _("Cơ quan chúng tôi cam kết thực hiện đầy đủ, đúng thời hạn các nội dung được giao dưới đây."),
        "rows": rows,
        "tasks": tasks,
        "lead_count": sum(1 for line in content.lines if line.role == ROLE_LEAD),
        "support_count": sum(1 for line in content.lines if line.role == ROLE_SUPPORT),
        "place": place,
        "day": f"{signed.day:02d}" if signed else "     ",
        "month": f"{signed.month:02d}" if signed else "     ",
        "sign_year": signed.year if signed else today.year,
        "signed_note": (
            _("Đã ký ngày %(date)s.") % {"date": format_date(signed)} if signed is not None else ""
        ),
        "generated": format_date(today),
    }


class CommitmentDocumentError(RuntimeError):
    """The template is missing or broken."""


def write_docx(content: CommitmentContent, output: Path, template: Path | None = None) -> Path:
    """Fill the commitment template (the default one unless given) with docxtpl."""
    from docxtpl import DocxTemplate

    source = template or DEFAULT_TEMPLATE
    if not source.exists():
        raise CommitmentDocumentError(_("Không có tệp mẫu %(path)s.") % {"path": source})
    try:
        document = DocxTemplate(str(source))
        document.render(document_context(content), autoescape=True)
    except Exception as exc:  # a file that is not Word, or a Jinja error in a user's template
        raise CommitmentDocumentError(
            _("Lỗi trong mẫu %(name)s: %(error)s") % {"name": source.name, "error": exc}
        ) from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(output))
    return output


def write_pdf(content: CommitmentContent, output: Path, template: Path | None = None) -> Path:
    """The Word commitment converted by LibreOffice (the reports app's path); PdfError without it."""
    from chiso.core.pdf import docx_to_pdf

    with tempfile.TemporaryDirectory() as scratch:
        docx = write_docx(content, Path(scratch) / (output.stem + ".docx"), template)
        return docx_to_pdf(docx, output)


def file_stem(plan: Plan, agency: Unit) -> str:
    """ "ban-cam-ket-2024-CB.STTTT": the year and the agency's official code."""
    return f"ban-cam-ket-{plan.year}-{agency.code}"


# -- the signature: in the app, or on paper with its scan -------------------------------------------


@transaction.atomic
def attach_scan(
    user: User,
    plan: Plan,
    agency: Unit,
    upload: UploadedFile,
    signed_on: date | None = None,
    today: date | None = None,
) -> Commitment:
    """The signed scan of the agency's commitment (PDF or image, the evidence checks): marks it
    signed on paper on `signed_on` unless it was signed in the app, then only attaches the scan.
    Nothing is written when a check fails."""
    today = today or timezone.localdate()
    if not may_attach_scan(user, plan, agency):
        raise PlanError(_("Chỉ cơ quan được giao hoặc Sở Nội vụ được tải bản cam kết đã ký."))
    if agency not in involved_agencies(plan):
        raise PlanError(_("Cơ quan không có nội dung nào trong kế hoạch."))
    signed_on = signed_on or today
    if signed_on > today:
        raise PlanError(_("Ngày ký %(date)s chưa đến.") % {"date": format_date(signed_on)})
    name, data, digest = checked_upload(upload, ALLOWED_SCAN)
    commitment = Commitment.objects.select_for_update().filter(plan=plan, agency=agency).first()
    if commitment is None:
        commitment = Commitment(
            plan=plan,
            agency=agency,
            text=plan.commitment_text,
            method=Commitment.Method.PAPER,
            signed_on=signed_on,
        )
    commitment.scan_sha256 = digest
    commitment.scan_name = name
    commitment.scan_by = user
    commitment.scan_at = timezone.now()
    stored = scan_file_path(commitment, name)
    if commitment.scan.storage.exists(stored):  # the same bytes are already kept
        commitment.scan.name = stored
    else:
        commitment.scan.save(digest, ContentFile(data), save=False)
    commitment.save()
    return commitment


@dataclass
class CommitmentStatus:
    """One agency's line in the list of commitments."""

    agency: Unit
    commitment: Commitment | None
    can_sign: bool = False
    can_upload: bool = False

    @property
    def state(self) -> str:
        """ "app", "paper" (signed one way or the other) or "unsigned"."""
        return self.commitment.method if self.commitment is not None else "unsigned"

    @property
    def has_scan(self) -> bool:
        return self.commitment is not None and bool(self.commitment.scan)


def commitment_statuses(user: User | AnonymousUser, plan: Plan) -> list[CommitmentStatus]:
    """Every agency with a part in the plan (only the user's own, for an agency), signed in the app,
    on paper, or not yet; whether the user may sign it or upload its scan. Two queries and the
    user's roles."""
    from chiso.plans.services.access import heads_of

    signed = {c.agency_id: c for c in plan.commitments.select_related("head", "scan_by")}
    heads = heads_of(user)
    everyone = sees_all_commitments(user)
    mine = agencies_of(user)
    rows = []
    for agency in involved_agencies(plan):
        if not everyone and agency.pk not in mine:
            continue
        commitment = signed.get(agency.pk)
        rows.append(
            CommitmentStatus(
                agency,
                commitment,
                can_sign=commitment is None and agency.pk in heads and plan.status == Plan.Status.ACTIVE,
                can_upload=may_attach_scan(user, plan, agency),
            )
        )
    return sorted(rows, key=lambda r: match_key(r.agency.name))
