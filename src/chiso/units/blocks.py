"""Blocks of units (khối): which block a unit is in on a day, moving a unit to another block, and
giving engine units their block so the engine ranks within it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core import changelog
from chiso.engine import units as engine_units
from chiso.engine.names import match_key
from chiso.units.models import Block, BlockMembership, Unit

# The blocks Quảng Ninh publishes its internal rankings by (code, name, English name, order); an
# installation renames them, adds others or gives them an organiser. Migration 0004 seeds the same.
STANDARD_BLOCKS = [
    ("so-ban-nganh", "Khối sở, ban, ngành", "Departments and agencies block", 1),
    (
        "co-quan-trung-uong",
        "Khối cơ quan Trung ương trên địa bàn",
        "Central agencies in the province block",
        2,
    ),
    ("dia-phuong", "Khối địa phương", "Localities block", 3),
    ("don-vi-su-nghiep", "Khối đơn vị sự nghiệp", "Public service units block", 4),
]


def ensure_standard_blocks() -> int:
    """Create the standard blocks in a database that has no block at all (a new or emptied one);
    returns how many were created. Once any block exists, the officer's list is left as it is."""
    if Block.objects.exists():
        return 0
    blocks = Block.objects.bulk_create(
        Block(code=code, name=name, name_en=name_en, order=order)
        for code, name, name_en, order in STANDARD_BLOCKS
    )
    changelog.log_created(blocks)  # bulk_create sends no signal
    return len(STANDARD_BLOCKS)


class BlockError(ValueError):
    """A block or a membership that cannot be: the message says which and why."""


def find_block(text: str) -> Block:
    """A block by its code or its name (Vietnamese or English, case and diacritics ignored)."""
    keys = {match_key(text), match_key(_("Khối") + " " + text), match_key("Khối " + text)}
    for block in Block.objects.all():
        if text == block.code or keys & {match_key(block.name), match_key(block.name_en or block.name)}:
            return block
    raise BlockError(_("Không có khối «{text}».").format(text=text))


def blocks_on(units: Iterable[Unit], on: date) -> dict[int, Block]:
    """Unit id → its block on `on`, for the units that have one (one query)."""
    ids = [unit.pk for unit in units]
    memberships = BlockMembership.objects.filter(unit_id__in=ids).valid_on(on).select_related("block")
    return {m.unit_id: m.block for m in memberships}


def with_block(unit: engine_units.Unit, block: Block | None) -> engine_units.Unit:
    """The engine unit carrying its block (ranked within it by `YearAnalysis.peer_group_rankings`)."""
    if block is None:
        return unit
    return dataclasses.replace(unit, block=block.name, block_en=block.name_en or None)


@transaction.atomic
def set_block(unit: Unit, block: Block | None, since: date | None = None) -> BlockMembership | None:
    """Put `unit` in `block` from `since` (None: always); the membership in force on that day ends the
    day before (or is replaced when it starts that day). `block` None only ends it. A membership that
    starts after `since` is refused: history is edited in the admin, not overwritten here."""
    memberships = list(BlockMembership.objects.filter(unit=unit).select_related("block"))
    for membership in memberships:
        if membership.valid_from is not None and (since is None or membership.valid_from > since):
            raise BlockError(
                _("{unit} đã thuộc {block} từ ngày {day}; sửa lịch sử khối trong trang quản trị.").format(
                    unit=unit.name, block=membership.block.name, day=f"{membership.valid_from:%d/%m/%Y}"
                )
            )
    for membership in memberships:
        if since is not None and membership.valid_to is not None and membership.valid_to < since:
            continue
        if since is None or membership.valid_from == since:
            membership.delete()
        else:
            membership.valid_to = since - timedelta(days=1)
            membership.save(update_fields=["valid_to"])
    if block is None:
        return None
    membership = BlockMembership(unit=unit, block=block, valid_from=since)
    membership.full_clean()
    membership.save()
    return membership


def engine_units_with_blocks(units: list[engine_units.Unit], on: date) -> list[engine_units.Unit]:
    """The engine units, each with its block on `on` (one query; provinces have no blocks)."""
    levels = {unit.level for unit in units} - {engine_units.PROVINCE}
    if not levels:
        return units
    memberships = (
        BlockMembership.objects.valid_on(on).filter(unit__level__in=levels).select_related("unit", "block")
    )
    by_ref = {
        engine_units.UnitRef(m.unit.level, m.unit.code, m.unit.valid_from): m.block for m in memberships
    }
    return [with_block(unit, by_ref.get(unit.ref)) for unit in units]
