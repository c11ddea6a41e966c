"""``chiso units``: resolve a unit's name, show its lineage, list the units of a year, load communes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from chiso.cli.common import CommandError, django_ready, render_table
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext


def cmd_units(args: argparse.Namespace) -> str:
    """One of resolve NAME | lineage NAME | search TEXT | list | load-communes | load-districts | blocks |
    add-block | set-block."""
    django_ready()
    if args.action in ("blocks", "add-block", "set-block"):
        from chiso.cli.blocks import cmd_blocks

        return cmd_blocks(args)
    if args.action == "search":
        return _search(args.name)
    from datetime import date

    from chiso.engine.numbers import format_date
    from chiso.engine.units import TERRITORIAL_LEVELS, UnitError
    from chiso.units.registry import load_communes, load_districts, registry

    if args.action == "load-communes":
        count = load_communes()
        return ngettext(
            "Đã nạp {count} xã, phường, đặc khu.", "Đã nạp {count} xã, phường, đặc khu.", count
        ).format(count=count)
    if args.action == "load-districts":
        districts, communes = load_districts()
        return _(
            "Đã nạp {districts} huyện, quận, thị xã, thành phố thuộc tỉnh và {communes} xã, phường, "
            "thị trấn có hiệu lực đến 30/06/2025, cùng lịch sử sắp xếp vào các xã, phường, đặc khu từ "
            "01/07/2025."
        ).format(districts=districts, communes=communes)
    level = args.level or ("province" if args.action == "list" else None)
    on = date(args.year, 12, 31) if args.year else None
    if level is None:
        units = registry(TERRITORIAL_LEVELS)
        try:
            unit = units.resolve_any(args.name, on=on)
        except UnitError as exc:
            raise CommandError(str(exc)) from exc
        return _describe(args, units, unit, format_date)
    units = registry(("province",) if level == "province" else (level, "province"))
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
    return _describe(args, units, unit, format_date)


def _search(query: str) -> str:
    """Every unit whose name (any spelling, alias, old name) or code matches, as the web search shows."""
    from chiso.engine.numbers import format_date
    from chiso.results.search import search_units

    if not query.strip():
        raise CommandError(_("Cho biết tên hoặc mã cần tìm: chiso units search TÊN"))
    found = search_units(query)
    if not found:
        raise CommandError(_("Không tìm thấy đơn vị nào khớp với {query!r}.").format(query=query))
    rows = []
    for f in found:
        became = "; ".join(f"{link.name} ({format_date(link.effective)})" for link in f.became)
        published = ", ".join(f"{p.label} {p.years[0][0]}" for p in f.results)
        rows.append(
            [
                f.unit.code,
                f.unit.name,
                f.unit.get_level_display(),
                f.parent or "–",
                _validity(f.unit, format_date),
                became or "–",
                published or "–",
            ]
        )
    headers = [
        _("Mã"),
        _("Tên"),
        _("Cấp"),
        _("Thuộc"),
        _("Hiệu lực"),
        _("Sáp nhập vào"),
        _("Kết quả mới nhất"),
    ]
    return render_table(headers, rows, [False] * 7)


def _describe(args: argparse.Namespace, units: Any, unit: Any, format_date: Callable) -> str:
    """A unit's code, kind, validity, region and lineage, as `resolve` and `lineage` print them."""
    from datetime import date

    lines = [
        _("{name} — mã {code}, {kind}, hiệu lực {validity}").format(
            name=unit.name, code=unit.code, kind=unit.kind, validity=_validity(unit, format_date)
        )
    ]
    parent = _parent(units, unit)
    if parent is not None:
        lines.append(_("Thuộc: {name} (mã {code})").format(name=parent.name, code=parent.code))
    if unit.region:
        region = unit.region + (f" ({unit.subregion})" if unit.subregion else "")
        lines.append(_("Vùng: {region}").format(region=region))
    successors = units.successors(unit)
    predecessors = units.predecessors(unit)
    for edge in successors:
        new = units.get(edge.new)
        relation = {
            "renamed": _("→ từ {date} đổi tên thành {name} (mã {code})"),
            "split_into": _("→ từ {date} một phần nhập vào {name} (mã {code})"),
        }.get(edge.relation, _("→ từ {date} sáp nhập vào {name} (mã {code})"))
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


def _parent(units: Any, unit: Any) -> Any:
    """The unit one level up (a district's province, an old commune's district), None if unknown."""
    from chiso.engine.units import COMMUNE, DISTRICT, PROVINCE, UnitError

    if not unit.parent_code:
        return None
    level = DISTRICT if unit.level == COMMUNE and len(unit.parent_code) == 3 else PROVINCE
    try:
        return units.by_code(unit.parent_code, level, unit.valid_to or unit.valid_from)
    except UnitError:
        return None
