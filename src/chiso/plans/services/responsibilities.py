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
    responsibility_root,
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


class _Lookup:
    """The agencies of a territory by official code, name or other name; a name two units share
    must be written as a code."""

    def __init__(self, root: Unit | None):
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in agencies(root):
            self.by_code[unit.code.strip().casefold()] = unit
            for name in {match_key(str(n)) for n in (unit.name, *unit.aliases)}:
                self.by_name.setdefault(name, []).append(unit)

    def find(self, text: str) -> Unit | list[Unit] | None:
        """The unit, the units sharing the name (ambiguous), or None."""
        found = self.by_code.get(text.strip().casefold())
        if found is not None:
            return found
        named = self.by_name.get(match_key(text), [])
        if len(named) == 1:
            return named[0]
        return named or None


def _unit_problem(lookup: _Lookup, text: str, where: dict) -> tuple[Unit | None, str | None]:
    found = lookup.find(text)
    if isinstance(found, Unit):
        return found, None
    if isinstance(found, list):
        codes = ", ".join(sorted(u.code for u in found))
        return None, _(
            "Dòng %(row)s, cột %(col)s: “%(name)s” là tên của nhiều đơn vị (mã %(codes)s): ghi mã đơn vị."
        ) % {**where, "name": text, "codes": codes}
    return None, _("Dòng %(row)s, cột %(col)s: không có cơ quan “%(name)s”.") % {**where, "name": text}


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@logged_import("responsibilities")
@transaction.atomic
def import_responsibilities(
    user: User, framework: Framework, source: Any, root: Unit | None = None
) -> ImportResult:
    """Read criterion / lead / supporters rows from the first sheet of an .xlsx (a path or a file);
    every row is checked, and nothing is written unless all rows are valid. A lead or supporter is
    any unit of the territory (`root`: by default the framework's organiser's or the officer's) —
    a department, a district, a commune, an office — by official code or by name."""
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
    lookup = _Lookup(root if root is not None else responsibility_root(user, framework))
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
        if not lead_text:
            errors.append(
                _("Dòng %(row)s, cột %(col)s: thiếu cơ quan chủ trì.")
                % {**where, "col": _column_letter(columns["lead"])}
            )
            continue
        lead, problem = _unit_problem(lookup, lead_text, {**where, "col": _column_letter(columns["lead"])})
        if lead is None:
            errors.append(str(problem))
            continue
        supporters = []
        for name in filter(None, (part.strip() for part in supporters_text.replace(",", ";").split(";"))):
            unit, problem = _unit_problem(
                lookup, name, {**where, "col": _column_letter(columns["supporters"])}
            )
            if unit is None:
                errors.append(str(problem))
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
    user: User,
    framework: Framework,
    criterion: str,
    lead: Unit | None,
    supporters: list[Unit],
    root: Unit | None = None,
) -> Responsibility | None:
    """Set (or with no lead, clear) the agencies of one criterion: any units of the territory
    (`root`: by default the framework's organiser's or the officer's), valid today."""
    require_manager(user)
    if criterion not in {node.code for node in framework.to_engine().nodes()}:
        raise PlanError(_("Không có tiêu chí %(code)s trong khung.") % {"code": criterion})
    if lead is None:
        Responsibility.objects.filter(framework=framework, criterion=criterion).delete()
        return None
    wanted = [lead, *supporters]
    root = root if root is not None else responsibility_root(user, framework)
    known = set(agencies(root).filter(pk__in=[u.pk for u in wanted]).values_list("pk", flat=True))
    for unit in wanted:
        if unit.pk not in known:
            raise PlanError(
                _("{unit} không phải đơn vị thuộc địa bàn, hoặc đã hết hiệu lực.").format(unit=unit.name)
            )
    row, _created = Responsibility.objects.update_or_create(
        framework=framework, criterion=criterion, defaults={"lead": lead}
    )
    row.supporters.set([s for s in supporters if s.pk != lead.pk])
    return row
