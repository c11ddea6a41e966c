"""What a column holds, read from the model field: the one check every importer makes."""

from __future__ import annotations

from decimal import Decimal

from chiso.core.limits import decimal_bound, field_problem, integer_range, max_length, text_problem
from chiso.core.points import VALUE_DIGITS, VALUE_PLACES
from chiso.results.models import NodeValue, UnitResult
from chiso.units.models import Unit


def test_limits_come_from_the_fields():
    assert max_length(Unit, "name") == 200
    assert decimal_bound(NodeValue, "value") == Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)
    assert integer_range(UnitResult, "published_rank") == (0, 32767)


def test_field_problems():
    assert field_problem(Unit, "name", "S" * 200) is None
    assert "201" in (field_problem(Unit, "name", "S" * 201) or "")
    assert field_problem(NodeValue, "value", Decimal("999999.999999999")) is None
    assert "1000000" in (field_problem(NodeValue, "value", Decimal(1_000_000)) or "")
    assert field_problem(NodeValue, "value", Decimal(-1_000_000)) is not None
    assert field_problem(UnitResult, "published_rank", 32767) is None
    assert field_problem(UnitResult, "published_rank", 40_000) is not None
    assert field_problem(UnitResult, "published_rank", -1) is not None
    assert "U+0000" in (field_problem(Unit, "name", "Sở\x00") or "")
    assert field_problem(Unit, "name", None) is None


def test_text_problem_in_json():
    assert text_problem({"a": ["x", {"b": "y\x00"}]}) is not None
    assert text_problem({"a": ["x", 1, None]}) is None
