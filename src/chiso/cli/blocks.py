"""``chiso units blocks | add-block CODE --name … | set-block UNIT --block BLOCK [--from dd/mm/yyyy]``:
the blocks a province ranks its units in, and which unit is in which block."""

from __future__ import annotations

import argparse
from datetime import date

from chiso.cli.common import CommandError, render_table
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext


def cmd_blocks(args: argparse.Namespace) -> str:
    """One of blocks | add-block | set-block (Django is ready)."""
    if args.action == "blocks":
        return list_blocks(args.since or date.today())
    if args.action == "add-block":
        return add_block(args)
    return set_unit_block(args)


def list_blocks(on: date) -> str:
    """Every block, with its members on `on`."""
    from chiso.units.models import Block

    rows = []
    for block in Block.objects.select_related("organiser").order_by("order", "code"):
        members = sorted(m.unit.name for m in block.memberships.valid_on(on).select_related("unit"))
        rows.append(
            [
                block.code,
                block.display_name,
                block.organiser.name if block.organiser else "–",
                str(len(members)),
                ", ".join(members) or "–",
            ]
        )
    headers = [_("Mã"), _("Khối"), _("Đơn vị tổ chức"), _("Số đơn vị"), _("Đơn vị")]
    return (
        render_table(headers, rows, [False, False, False, True, False])
        + "\n"
        + ngettext("{count} khối.", "{count} khối.", len(rows)).format(count=len(rows))
    )


def add_block(args: argparse.Namespace) -> str:
    """Create a block (code, names, the organiser's code or name)."""
    from django.core.exceptions import ValidationError

    from chiso.units.models import Block
    from chiso.units.organisers import OrganiserError, find_organiser

    code = args.name
    if not code or not args.block_name:
        raise CommandError(_('Cần mã khối và --name "tên khối".'))
    organiser = None
    if args.organiser:
        try:
            organiser = find_organiser(args.organiser)
        except OrganiserError as exc:
            raise CommandError(str(exc)) from exc
    block = Block(code=code, name=args.block_name, name_en=args.name_en or "", organiser=organiser)
    try:
        block.full_clean()
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
    block.order = Block.objects.count() + 1
    block.save()
    return _("Đã tạo khối {name} ({code}).").format(name=block.name, code=block.code)


def set_unit_block(args: argparse.Namespace) -> str:
    """Put a unit (code or name, valid on the day) in a block from a day; --block "" takes it out."""
    from chiso.engine.names import match_key
    from chiso.engine.units import ORGANISED_LEVELS
    from chiso.units.blocks import BlockError, find_block, set_block
    from chiso.units.models import Unit

    if not args.name or args.block is None:
        raise CommandError(_("Cần đơn vị và --block KHỐI (mã hoặc tên khối)."))
    day = args.since or date.today()
    key = match_key(args.name)
    found = [
        unit
        for unit in Unit.objects.filter(level__in=ORGANISED_LEVELS)
        if (unit.code == args.name or match_key(unit.name) == key)
        and (unit.valid_from is None or unit.valid_from <= day)
        and (unit.valid_to is None or day <= unit.valid_to)
    ]
    if not found:
        raise CommandError(
            _("Không có đơn vị «{name}» có hiệu lực ngày {day}.").format(
                name=args.name, day=f"{day:%d/%m/%Y}"
            )
        )
    if len(found) > 1:
        raise CommandError(
            _("«{name}» chỉ nhiều đơn vị: {units}; dùng mã.").format(
                name=args.name, units=", ".join(f"{u.name} ({u.code})" for u in found)
            )
        )
    unit = found[0]
    try:
        block = find_block(args.block) if args.block else None
        set_block(unit, block, args.since)
    except BlockError as exc:
        raise CommandError(str(exc)) from exc
    if block is None:
        return _("{unit} không còn thuộc khối nào từ ngày {day}.").format(
            unit=unit.name, day=f"{day:%d/%m/%Y}"
        )
    since = f"{args.since:%d/%m/%Y}" if args.since else "–"
    return _("{unit} thuộc {block} từ ngày {day}.").format(unit=unit.name, block=block.name, day=since)
