"""Importing units (departments, districts, communes, offices, service units, central agencies) from
an Excel sheet.

Columns, in any order, recognised by their heading with or without diacritics:
mã | tên | loại | cấp | mã đơn vị cấp trên | hiệu lực từ | hiệu lực đến (dd/mm/yyyy, or Excel dates) |
khối (a block's code or name, optional) | khối từ ngày (the day the unit entered that block; default:
its first valid day). The level is a code (department, district, commune, office, service_unit,
central_agency) or its Vietnamese name ("sở, ban, ngành", "huyện", "xã", "phòng chuyên môn", "đơn vị
sự nghiệp", "cơ quan Trung ương", "cơ quan ngành dọc" …): see `LEVELS`.

The whole file is checked first; if any row is wrong nothing is written, and every problem is
reported with its row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.limits import field_problem
from chiso.core.logs import logged_import
from chiso.core.progress import Progress, no_progress
from chiso.core.uploads import FileRefused, Workbook, capped, repeated_header, repeated_header_message
from chiso.engine import units as engine_units
from chiso.engine.names import plain_key
from chiso.units.blocks import BlockError, find_block, set_block
from chiso.units.models import Block, BlockMembership, Unit

# field → the headings that name it (compared with plain_key: case, diacritics and spaces ignored)
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("mã", "mã đơn vị", "code"),
    "name": ("tên", "tên đơn vị", "name"),
    "kind": ("loại", "loại đơn vị", "kind"),
    "level": ("cấp", "level"),
    "parent_code": ("mã đơn vị cấp trên", "mã cấp trên", "parent code", "parent_code"),
    "valid_from": ("hiệu lực từ", "valid from", "valid_from"),
    "valid_to": ("hiệu lực đến", "valid to", "valid_to"),
    "block": ("khối", "block"),
    "block_since": ("khối từ ngày", "block since", "block_since"),
}
REQUIRED = ("code", "name", "level")
# The heading a problem names for each field, in the active language.
HEADINGS = {
    "code": gettext_lazy("mã"),
    "name": gettext_lazy("tên"),
    "kind": gettext_lazy("loại"),
    "level": gettext_lazy("cấp"),
    "parent_code": gettext_lazy("mã đơn vị cấp trên"),
    "valid_from": gettext_lazy("hiệu lực từ"),
    "valid_to": gettext_lazy("hiệu lực đến"),
    "block": gettext_lazy("khối"),
    "block_since": gettext_lazy("khối từ ngày"),
}
LEVELS: dict[str, str] = {
    plain_key(text): level
    for level, texts in {
        engine_units.DEPARTMENT: ("department", "sở", "sở, ban, ngành", "sở ban ngành", "cơ quan"),
        engine_units.DISTRICT: (
            "district",
            "huyện",
            "cấp huyện",
            "quận",
            "thị xã",
            "thành phố thuộc tỉnh",
            "huyện, quận, thị xã, thành phố thuộc tỉnh",
            "huyện, thị xã, thành phố",
        ),
        engine_units.COMMUNE: ("commune", "xã", "xã, phường, đặc khu", "cấp xã", "phường", "đặc khu"),
        engine_units.OFFICE: (
            "office",
            "phòng",
            "phòng chuyên môn",
            "phòng, ban chuyên môn",
            "phòng ban chuyên môn",
            "cơ quan chuyên môn cấp huyện",
        ),
        engine_units.SERVICE_UNIT: (
            "service unit",
            "service_unit",
            "đơn vị sự nghiệp",
            "đơn vị sự nghiệp công lập",
        ),
        engine_units.CENTRAL_AGENCY: (
            "central agency",
            "central_agency",
            "cơ quan trung ương",
            "cơ quan trung ương trên địa bàn",
            "cơ quan ngành dọc",
            "ngành dọc",
        ),
    }.items()
    for text in texts
}

# The levels a file may give, as the refusal of an unknown level lists them.
LEVEL_NAMES = (
    "department (sở, ban, ngành), district (huyện), commune (xã), office (phòng chuyên môn), "
    "service_unit (đơn vị sự nghiệp công lập), central_agency (cơ quan Trung ương trên địa bàn)"
)


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    level: str
    parent_code: str
    valid_from: date | None
    valid_to: date | None
    block: Block | None = None
    block_since: date | None = None


@dataclass
class ImportResult:
    created: int
    updated: int


class UnitImportError(Exception):
    """The file was refused; `problems` lists the problems (the first `MAX_ERRORS` and a line counting
    the others), each naming its row and column."""

    def __init__(self, problems: list[str]):
        self.total = len(problems)
        self.problems = capped(problems)
        super().__init__("; ".join(self.problems))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _problem(row: int, field: str, problem: str) -> tuple[int, str]:
    """A problem at one cell, with its row for sorting."""
    return row, _("Dòng {row}, cột «{column}»: {problem}").format(
        row=row, column=HEADINGS[field], problem=problem
    )


def read_rows(source: str | Path | IO[bytes]) -> list[UnitRow]:
    """Parse and check every row; raises UnitImportError listing all problems found."""
    file_name = Path(source).name if isinstance(source, (str, Path)) else getattr(source, "name", "") or ""
    try:
        with Workbook(source, Path(file_name).name) as book:
            rows = [list(r) for r in book.rows()]
    except FileRefused as exc:
        raise UnitImportError(exc.messages) from exc
    if not rows:
        raise UnitImportError([_("Tệp không có dòng nào.")])
    again = repeated_header(rows, 0)
    if again is not None:
        raise UnitImportError([repeated_header_message(again + 1, 1)])
    wanted = {plain_key(text): field for field, texts in COLUMNS.items() for text in texts}
    columns: dict[str, int] = {}
    for i, heading in enumerate(rows[0]):
        field = wanted.get(plain_key(_text(heading)))
        if field and field not in columns:
            columns[field] = i
    missing = [str(HEADINGS[f]) for f in REQUIRED if f not in columns]
    if missing:
        raise UnitImportError([_("Dòng 1: thiếu cột {columns}.").format(columns=", ".join(missing))])

    problems: list[tuple[int, str]] = []
    parsed: list[UnitRow] = []
    seen: dict[tuple[str, str, date | None], int] = {}
    for number, values in enumerate(rows[1:], start=2):
        if all(_text(v) == "" for v in values):
            continue

        def get(field: str, values: list = values) -> Any:
            i = columns.get(field)
            return values[i] if i is not None and i < len(values) else None

        before = len(problems)
        code, name = _text(get("code")), _text(get("name"))
        if not code:
            problems.append(_problem(number, "code", _("thiếu mã")))
        if not name:
            problems.append(_problem(number, "name", _("thiếu tên")))
        for field in ("code", "name", "kind", "parent_code"):
            problem = field_problem(Unit, field, _text(get(field)))
            if problem is not None:
                problems.append(_problem(number, field, problem))
        level_text = _text(get("level"))
        level = LEVELS.get(plain_key(level_text))
        if level is None:
            problems.append(
                _problem(
                    number,
                    "level",
                    _("«{value}» không phải cấp đơn vị nhập được; các cấp: {levels}").format(
                        value=level_text, levels=LEVEL_NAMES
                    ),
                )
            )
        block = None
        if _text(get("block")):
            try:
                block = find_block(_text(get("block")))
            except BlockError:
                problems.append(
                    _problem(number, "block", _("không có khối «{value}»").format(value=_text(get("block"))))
                )
        dates: dict[str, date | None] = {}
        for field in ("valid_from", "valid_to", "block_since"):
            raw = get(field)
            if _text(raw) == "":
                dates[field] = None
                continue
            try:
                dates[field] = _date(raw)
            except ValueError:
                dates[field] = None
                problems.append(
                    _problem(
                        number,
                        field,
                        _("«{value}» không phải ngày dd/mm/yyyy").format(value=_text(raw)),
                    )
                )
        start, end = dates["valid_from"], dates["valid_to"]
        if start and end and end < start:
            problems.append(
                _problem(
                    number,
                    "valid_to",
                    _("ngày hết hiệu lực {end} trước ngày có hiệu lực {start}").format(
                        end=f"{end:%d/%m/%Y}", start=f"{start:%d/%m/%Y}"
                    ),
                )
            )
        if len(problems) > before or level is None:
            continue
        key = (level, code, start)
        if key in seen:
            problems.append(
                _problem(
                    number,
                    "code",
                    _("mã {code} trùng với dòng {row} (cùng cấp, cùng ngày hiệu lực)").format(
                        code=code, row=seen[key]
                    ),
                )
            )
            continue
        seen[key] = number
        parsed.append(
            UnitRow(
                number,
                code,
                name,
                _text(get("kind")),
                level,
                _text(get("parent_code")),
                start,
                end,
                block,
                dates["block_since"] or start,
            )
        )

    known = set(Unit.objects.values_list("code", flat=True)) | {row.code for row in parsed}
    for row in parsed:
        if row.parent_code and row.parent_code not in known:
            problems.append(
                _problem(
                    row.row,
                    "parent_code",
                    _("không có đơn vị mã {code}").format(code=row.parent_code),
                )
            )
    if problems:
        raise UnitImportError([text for _row, text in sorted(problems, key=lambda problem: problem[0])])
    if not parsed:
        raise UnitImportError([_("Tệp không có đơn vị nào.")])
    return parsed


@logged_import("units")
@transaction.atomic
def import_units(
    source: str | Path | IO[bytes], default_parent: str = "", progress: Progress = no_progress
) -> ImportResult:
    """Create or update the units of the file (keyed on level, code and first valid day). A row
    without a parent gets `default_parent` (the importing organiser's province or district).
    `progress` hears each row written."""
    created = updated = 0
    progress(0, None, _("Đang đọc tệp"))
    rows = read_rows(source)
    for number, row in enumerate(rows):
        progress(number, len(rows), _("Đang ghi các đơn vị"))
        unit, was_created = Unit.objects.update_or_create(
            level=row.level,
            code=row.code,
            valid_from=row.valid_from,
            defaults={
                "name": row.name,
                "kind": row.kind,
                "parent_code": row.parent_code or default_parent,
                "valid_to": row.valid_to,
            },
        )
        if was_created:
            created += 1
        else:
            updated += 1
        if row.block is not None:
            _enter_block(row, unit)
    progress(len(rows), len(rows), _("Đã ghi {n} đơn vị").format(n=len(rows)))
    return ImportResult(created, updated)


def _enter_block(row: UnitRow, unit: Unit) -> None:
    """Put the row's unit in the row's block (nothing to do when it already is on that day)."""
    block = row.block
    assert block is not None
    day = row.block_since or row.valid_from or date.today()
    current = BlockMembership.objects.filter(unit=unit).valid_on(day).first()
    if current is not None and current.block_id == block.pk:
        return
    try:
        set_block(unit, block, row.block_since)
    except (BlockError, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        raise UnitImportError([_problem(row.row, "block", message)[1]]) from exc
