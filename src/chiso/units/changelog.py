"""What of this app goes into the change log (`chiso.core.changelog`): units, their lineage and
statistics, organisers, blocks and block memberships. The built-in unit lists, loaded in bulk, are
logged as one entry per list (`chiso.units.registry`)."""

from __future__ import annotations

from chiso.core import changelog
from chiso.units.models import Block, BlockMembership, Organiser, Unit, UnitLineage, UnitStatistic


def register() -> None:
    for model in (Unit, UnitLineage, UnitStatistic, Organiser, Block, BlockMembership):
        changelog.register(model)
