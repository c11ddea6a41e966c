"""The standard blocks come with a new (or emptied) database; an officer's list is then left alone."""

from __future__ import annotations

import pytest

from chiso.units.blocks import STANDARD_BLOCKS, ensure_standard_blocks
from chiso.units.models import Block


@pytest.mark.django_db
def test_an_empty_database_gets_the_standard_blocks():
    Block.objects.all().delete()
    assert ensure_standard_blocks() == len(STANDARD_BLOCKS)
    assert list(Block.objects.order_by("order").values_list("code", flat=True)) == [
        b[0] for b in STANDARD_BLOCKS
    ]


@pytest.mark.django_db
def test_the_officers_blocks_are_left_as_they_are():
    Block.objects.exclude(code="dia-phuong").delete()
    assert ensure_standard_blocks() == 0
    assert list(Block.objects.values_list("code", flat=True)) == ["dia-phuong"]
