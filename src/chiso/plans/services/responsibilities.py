"""Responsibilities: criterion → lead and supporting agencies, set one at a time or imported from
Excel, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.logs import logged_import
from chiso.core.uploads import FileRefused, Workbook, capped, repeated_header, repeated_header_message
from chiso.engine.names import match_key
from chiso.frameworks.models import Framework
from chiso.plans.models import (
    Responsibility,
)
from chiso.plans.services.access import (
    PlanError,
    agencies,
    require_manager,
)
from chiso.units.models import Unit

# -- responsibilities from Excel --------------------------------------------------------------------

HEADERS = {
    "criterion": ("ma tieu chi", "tieu chi", "ma", "criterion", "code", "criterion code"),
    "lead": ("co quan chu tri", "chu tri", "lead", "lead agency"),
    "supporters": ("co quan phoi hop", "phoi hop", "supporters", "supporting agencies"),
}


class ResponsibilityImportError(PlanError):
    """The file was refused; `errors`: the first `MAX_ERRORS` problems and a line counting the rest."""

    def __init__(self, errors: list[str]):
        self.total = len(errors)
        self.errors = capped(errors)
        super().__init__("\n".join(self.errors))


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


@logged_import("responsibilities")
@transaction.atomic
def import_responsibilities(user: User, framework: Framework, source: Any) -> ImportResult:
    """Read criterion / lead / supporters rows from the first sheet of an .xlsx (a path or a file);
    every row is checked, and nothing is written unless all rows are valid."""
    require_manager(user)
    name = getattr(source, "name", None) or str(source)
    try:
        with Workbook(source, Path(name).name) as workbook:
            rows = workbook.rows()
    except FileRefused as exc:
        raise ResponsibilityImportError(exc.messages) from exc
    if not rows:
        raise ResponsibilityImportError([_("Tệp không có dữ liệu.")])
    again = repeated_header(rows, 0)
    if again is not None:
        raise ResponsibilityImportError([repeated_header_message(again + 1, 1)])
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
        responsibility, created = Responsibility.objects.update_or_create(
            framework=framework, criterion=code, defaults={"lead": lead}
        )
        responsibility.supporters.set(supporters)
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


def set_responsibility(
    user: User, framework: Framework, criterion: str, lead: Unit | None, supporters: list[Unit]
) -> Responsibility | None:
    """Set (or with no lead, clear) the agencies of one criterion."""
    require_manager(user)
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
