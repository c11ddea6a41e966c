"""Copying a framework into a new year and carrying last year's values to the new codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.assessments.setup import load_sample_frameworks
from chiso.frameworks.copy import (
    CopyError,
    copy_framework,
    map_previous,
    mapping_between,
    suggested_code,
)
from chiso.frameworks.models import CriterionMapping


def test_map_previous_renames_drops_and_merges():
    values = {"1.1": Decimal("2"), "1.2": Decimal("3.5"), "2.1": Decimal("1"), "9.9": Decimal("4")}
    mapping = {"1.1": "1.1", "1.2": "1.3", "2.1": "1.3", "9.9": ""}
    assert map_previous(values, mapping) == {"1.1": Decimal("2"), "1.3": Decimal("4.5")}


def test_map_previous_keeps_missing_values_missing():
    mapping = {"a": "x", "b": "x", "c": "y"}
    assert map_previous({"a": Decimal(1), "b": None, "c": None}, mapping) == {"x": None, "y": None}
    assert map_previous({"a": Decimal(1)}, {}) == {}


def test_suggested_code():
    assert suggested_code("qn-cchc-so-2025", 2026) == "qn-cchc-so-2026"
    assert suggested_code("khung", 2026) == "khung-2026"


@pytest.mark.django_db
def test_copy_makes_a_new_version_with_an_identity_mapping():
    source = next(f for f in load_sample_frameworks() if f.scope == "department")
    target, mapping = copy_framework(source, "qn-cchc-so-2026", 2026, name_vi="Khung 2026")
    assert target.first_year == 2026 and target.last_year is None and target.name_vi == "Khung 2026"
    assert target.index == source.index and not target.builtin
    codes = [n.code for n in source.to_engine().nodes()]
    assert [n.code for n in target.to_engine().nodes()] == codes
    assert mapping.mapping == {c: c for c in codes}
    assert mapping_between(source, target) == mapping.mapping

    mapping.mapping = {**mapping.mapping, "1.1": "", "1.2": "1.1"}
    mapping.save()
    assert mapping_between(source, target)["1.2"] == "1.1"
    assert CriterionMapping.objects.filter(source=source, target=target).count() == 1

    with pytest.raises(CopyError, match="đã có"):
        copy_framework(source, "qn-cchc-so-2026", 2027)
    with pytest.raises(CopyError, match="Năm cuối"):
        copy_framework(source, "qn-cchc-so-2027", 2027, last_year=2026)
