"""The change log as the officer reads it: every create, update and delete (`chiso.core.changelog`),
filtered by object type, object, user, date and request id, one page at a time, and exported.

The change log holds every unit's figures before publication, so it is read by administrators
and the installation's own officers only — an organiser's officer manages part of the installation
and would see the others' (`may_read`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts.models import Role
from chiso.accounts.permissions import can_manage, organisers_of
from chiso.assessments.models import AuditEntry
from chiso.core import changelog
from chiso.core.serialize import as_text_cell

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one export; narrow the filter for more
SHOWN_VALUE = 240  # characters of a value shown on the page (the export has them whole)
XLSX_CELL = 32_000  # Excel holds at most 32,767 characters in a cell

ACTIONS = {
    changelog.CREATE: gettext_lazy("Tạo"),
    changelog.UPDATE: gettext_lazy("Sửa"),
    changelog.DELETE: gettext_lazy("Xoá"),
}


def may_read(user: User | AnonymousUser) -> bool:
    """Administrators and the officers of the whole installation (not an organiser's officers)."""
    return can_manage(user) and organisers_of(user, Role.ADMIN, Role.OFFICER) is None


# -- filtering ------------------------------------------------------------------------------------


def object_types() -> list[tuple[str, str]]:
    """("app_label.model", its name) of every model in the change log, by name."""
    types = ContentType.objects.get_for_models(*changelog.registered_models())
    return sorted(
        ((f"{ct.app_label}.{ct.model}", str(model._meta.verbose_name)) for model, ct in types.items()),
        key=lambda item: item[1].casefold(),
    )


@dataclass
class Filters:
    kind: str = ""  # "app_label.model"
    object: str = ""  # an id (digits), or words of the object's name
    user: str = ""  # a username
    since: date | None = None
    until: date | None = None
    action: int | None = None
    request_id: str = ""

    def query(self) -> dict[str, str]:
        """The filters as the page's query string parameters (for links and the export)."""
        pairs = {
            "loai": self.kind,
            "doi-tuong": self.object,
            "nguoi": self.user,
            "tu-ngay": self.since.strftime("%d/%m/%Y") if self.since else "",
            "den-ngay": self.until.strftime("%d/%m/%Y") if self.until else "",
            "thao-tac": "" if self.action is None else str(self.action),
            "yeu-cau": self.request_id,
        }
        return {key: value for key, value in pairs.items() if value}


def entries(filters: Filters) -> QuerySet[LogEntry]:
    """The entries that match, newest first, with their type and actor (one query per page)."""
    found = LogEntry.objects.select_related("content_type", "actor").order_by("-timestamp", "-id")
    if filters.kind:
        app_label, _sep, model = filters.kind.partition(".")
        found = found.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.object:
        text = filters.object.strip()  # a number is the object's id, anything else words of its name
        found = found.filter(object_pk=text) if text.isdigit() else found.filter(object_repr__icontains=text)
    if filters.user:
        found = found.filter(actor__username=filters.user.strip())
    if filters.since:
        found = found.filter(timestamp__gte=_start_of(filters.since))
    if filters.until:
        found = found.filter(timestamp__lt=_start_of(filters.until + timedelta(days=1)))
    if filters.action is not None:
        found = found.filter(action=filters.action)
    if filters.request_id:
        found = found.filter(cid=filters.request_id.strip())
    return found


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# -- rows -----------------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Row:
    entry: LogEntry
    time: datetime
    action: str
    kind: str
    kind_key: str
    object: str
    who: str
    via: str
    request_id: str
    changes: list[Change] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _field_label(model: Any, name: str) -> str:
    if model is None:
        return name
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def _text(value: Any) -> str:
    """A value as auditlog stored it (text; "None" for no value)."""
    return "" if value is None or value == "None" else str(value)


def _who(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_username()
    data = entry.additional_data or {}
    if data.get("via") == "cli":
        user = data.get("os_user")
        return _("dòng lệnh ({user})").format(user=user) if user else _("dòng lệnh")
    return _("hệ thống")


def _via(entry: LogEntry) -> str:
    data = entry.additional_data or {}
    if data.get("via") == "web":
        return f"{data.get('method', '')} {data.get('path', '')}".strip()
    if data.get("via") == "cli":
        return f"chiso {data.get('command', '')}".strip()
    return ""


def rows(found: Iterable[LogEntry], limit: int | None = SHOWN_VALUE) -> list[Row]:
    """The entries in words: the type's and the fields' names, the values before and after, and the
    reasons the workflow recorded in the same request (one query for all of them)."""
    listed = list(found)
    reasons = reasons_of({entry.cid for entry in listed if entry.cid})
    result = []
    for entry in listed:
        model = entry.content_type.model_class()
        changes = []
        for name, values in (entry.changes or {}).items():
            if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": …, "objects": […]}
                sign = "+" if values.get("operation") == "add" else "−"
                objects = ", ".join(str(o) for o in values.get("objects", []))
                before, after = ("", f"{sign} {objects}") if sign == "+" else (f"{sign} {objects}", "")
            else:
                before, after = (_text(v) for v in [*values, None, None][:2])
            changes.append(Change(_field_label(model, name), _cut(before, limit), _cut(after, limit)))
        result.append(
            Row(
                entry=entry,
                time=timezone.localtime(entry.timestamp),
                action=str(ACTIONS.get(entry.action, entry.get_action_display())),
                kind=str(model._meta.verbose_name) if model is not None else entry.content_type.model,
                kind_key=f"{entry.content_type.app_label}.{entry.content_type.model}",
                object=entry.object_repr,
                who=_who(entry),
                via=_via(entry),
                request_id=entry.cid or "",
                changes=changes,
                reasons=reasons.get(entry.cid or "", []),
            )
        )
    return result


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def reasons_of(request_ids: set[str]) -> dict[str, list[str]]:
    """request id → the reasons given in the workflow's narrative (`AuditEntry`) in that request."""
    found: dict[str, list[str]] = {}
    if not request_ids:
        return found
    for cid, reason in (
        AuditEntry.objects.filter(cid__in=request_ids).exclude(reason="").values_list("cid", "reason")
    ):
        if reason not in found.setdefault(cid, []):
            found[cid].append(reason)
    return found


# -- export ---------------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        _("Thời điểm"),
        _("Thao tác"),
        _("Loại đối tượng"),
        _("Mã đối tượng"),
        _("Đối tượng"),
        _("Người thực hiện"),
        _("Thư điện tử"),
        _("Địa chỉ IP"),
        _("Mã yêu cầu"),
        _("Nguồn"),
        _("Trường"),
        _("Trước"),
        _("Sau"),
        _("Lý do"),
    ]


def export_lines(found: QuerySet[LogEntry]) -> Iterator[list[str]]:
    """One line per changed field of every entry (an entry without changes: one line), at most
    EXPORT_LIMIT entries, read in chunks; then a line saying how many were left out."""
    total = 0
    chunk: list[LogEntry] = []
    for entry in found.iterator(chunk_size=1000):
        total += 1
        if total > EXPORT_LIMIT:
            continue
        chunk.append(entry)
        if len(chunk) == 1000:
            yield from _lines(chunk)
            chunk = []
    yield from _lines(chunk)
    if total > EXPORT_LIMIT:
        yield [_("… còn {count} mục nữa không xuất; hãy thu hẹp bộ lọc.").format(count=total - EXPORT_LIMIT)]


def _lines(chunk: list[LogEntry]) -> Iterator[list[str]]:
    for row in rows(chunk, limit=None):
        entry = row.entry
        head = [
            row.time.strftime("%d/%m/%Y %H:%M:%S"),
            row.action,
            row.kind,
            entry.object_pk,
            row.object,
            row.who,
            entry.actor_email or "",
            entry.remote_addr or "",
            row.request_id,
            row.via,
        ]
        reason = " | ".join(row.reasons)
        for change in row.changes or [Change("", "", "")]:
            yield [*head, change.field, change.before, change.after, reason]


def to_csv(lines: Iterable[list[str]]) -> Iterator[str]:
    """The lines as CSV text, chunk by chunk (UTF-8 with a byte-order mark: Excel reads it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"
    writer.writerow([as_text_cell(cell) for cell in export_header()])
    for number, line in enumerate(lines, start=1):
        writer.writerow([as_text_cell(cell) for cell in line])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_xlsx(lines: Iterable[list[str]]) -> bytes:
    """The lines as an Excel workbook; every cell is written as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Nhật ký thay đổi")[:31])

    def text_row(values: list[str]) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL])
            cell.data_type = "s"  # a string, even one that starts with "=" (openpyxl would write a formula)
            cells.append(cell)
        return cells

    sheet.append(text_row(export_header()))
    for line in lines:
        sheet.append(text_row(line))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
