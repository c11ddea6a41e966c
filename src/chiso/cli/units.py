"""``chiso units``: resolve a unit's name, show its lineage, list the units of a year, load communes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from chiso.cli.common import CommandError, django_ready, render_table
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext


def cmd_units(args: argparse.Namespace) -> str:
    """One of resolve NAME | lineage NAME | list | load-communes."""
    django_ready()
    from datetime import date

    from chiso.engine.numbers import format_date
    from chiso.engine.units import UnitError
    from chiso.units.registry import load_communes, registry

    if args.action == "load-communes":
        count = load_communes()
        return ngettext(
            "Đã nạp {count} xã, phường, đặc khu.", "Đã nạp {count} xã, phường, đặc khu.", count
        ).format(count=count)
    level = args.level
    units = registry((level, "province") if level != "province" else ("province",))
    on = date(args.year, 12, 31) if args.year else None
    if args.action == "list":
        listed = units.valid_units(level, on=on or date.today())
        rows = [[u.code, u.name, u.kind, u.region or "–", _validity(u, format_date)] for u in listed]
        return (
            render_table([_("Mã"), _("Tên"), _("Loại"), _("Vùng"), _("Hiệu lực")], rows, [False] * 5)
            + "\n"
            + ngettext("{count} đơn vị.", "{count} đơn vị.", len(rows)).format(count=len(rows))
        )
    try:
        unit = units.resolve(args.name, level=level, on=on)
    except UnitError as exc:
        raise CommandError(str(exc)) from exc
    lines = [
        _("{name} — mã {code}, {kind}, hiệu lực {validity}").format(
            name=unit.name, code=unit.code, kind=unit.kind, validity=_validity(unit, format_date)
        )
    ]
    if unit.region:
        region = unit.region + (f" ({unit.subregion})" if unit.subregion else "")
        lines.append(_("Vùng: {region}").format(region=region))
    successors = units.successors(unit)
    predecessors = units.predecessors(unit)
    for edge in successors:
        new = units.get(edge.new)
        relation = (
            _("→ từ {date} đổi tên thành {name} (mã {code})")
            if edge.relation == "renamed"
            else _("→ từ {date} sáp nhập vào {name} (mã {code})")
        )
        lines.append(relation.format(date=format_date(edge.effective), name=new.name, code=new.code))
    if args.action == "lineage":
        for edge in predecessors:
            old = units.get(edge.old)
            lines.append(
                _("← hình thành từ {name} (mã {code}) từ {date}").format(
                    name=old.name, code=old.code, date=format_date(edge.effective)
                )
                + (f" — {edge.note}" if edge.note else "")
            )
        current = units.current_successor(unit, date.today())
        if current and current.ref != unit.ref:
            lines.append(_("Hiện nay: {name} (mã {code})").format(name=current.name, code=current.code))
    return "\n".join(lines)


def _validity(unit: Any, format_date: Callable) -> str:
    start = format_date(unit.valid_from) if unit.valid_from else "…"
    end = format_date(unit.valid_to) if unit.valid_to else _("nay")
    return f"{start}–{end}"
