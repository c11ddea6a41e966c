from datetime import date

import pytest

from chiso.data import province_registry
from chiso.engine.units import (
    COMMUNE,
    AmbiguousUnitError,
    Lineage,
    Unit,
    UnitRegistry,
    UnknownUnitError,
)

BEFORE = date(2024, 12, 31)
AFTER = date(2025, 12, 31)


@pytest.fixture(scope="module")
def provinces():
    return province_registry()


def test_63_provinces_before_and_34_after_the_reorganisation(provinces):
    assert len(provinces.valid_units(on=BEFORE)) == 63
    assert len(provinces.valid_units(on=AFTER)) == 34
    assert len(provinces.valid_units(on=date(2025, 6, 30))) == 63


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("TP. HCM", "79"),
        ("tp hcm", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("Khánh Hoà", "56"),
        ("khanh hoa", "56"),
        ("Tỉnh Ninh Thuận", "58"),
        ("Bà Rịa–Vũng Tàu", "77"),
        ("BR-VT", "77"),
        ("58", "58"),
        ("1", "01"),
    ],
)
def test_names_codes_and_aliases_resolve(provinces, query, code):
    assert provinces.resolve(query, on=BEFORE).code == code


def test_unknown_name_lists_the_closest(provinces):
    with pytest.raises(UnknownUnitError) as caught:
        provinces.resolve("Quang Nimh", on=BEFORE)
    assert caught.value.suggestions[0] == "Quảng Ninh"
    assert "Quảng Ninh" in str(caught.value)


def test_a_code_means_the_unit_valid_on_the_day(provinces):
    assert provinces.by_code("80", on=BEFORE).name == "Long An"
    assert provinces.by_code("80", on=AFTER).name == "Tây Ninh"


def test_lineage_of_a_merged_province(provinces):
    ninh_thuan = provinces.resolve("Ninh Thuận")
    assert ninh_thuan.valid_to == date(2025, 6, 30)
    [edge] = provinces.successors(ninh_thuan)
    assert edge.effective == date(2025, 7, 1)
    assert provinces.get(edge.new).name == "Khánh Hòa"
    assert provinces.current_successor(ninh_thuan, AFTER).name == "Khánh Hòa"
    new_khanh_hoa = provinces.get(edge.new)
    assert sorted(provinces.get(e.old).name for e in provinces.predecessors(new_khanh_hoa)) == [
        "Khánh Hòa",
        "Ninh Thuận",
    ]


def test_thua_thien_hue_became_hue(provinces):
    old = provinces.resolve("Thừa Thiên Huế")
    assert provinces.current_successor(old, AFTER).name == "Huế"
    assert provinces.resolve("Huế", on=AFTER).code == "46"


def test_every_old_province_has_a_successor_today(provinces):
    for unit in provinces.valid_units(on=BEFORE):
        successor = provinces.current_successor(unit, AFTER)
        assert successor is not None, unit.name
        assert successor.valid_on(AFTER)


def test_same_name_in_two_parents_is_ambiguous_without_the_parent():
    registry = UnitRegistry(
        [
            Unit("00001", "Xã Tân Lập", level=COMMUNE, parent_code="01", valid_from=date(2025, 7, 1)),
            Unit("00002", "Xã Tân Lập", level=COMMUNE, parent_code="02", valid_from=date(2025, 7, 1)),
        ]
    )
    with pytest.raises(AmbiguousUnitError) as caught:
        registry.resolve("Tân Lập", level=COMMUNE, on=AFTER)
    assert len(caught.value.suggestions) == 2
    assert registry.resolve("Tân Lập", level=COMMUNE, on=AFTER, parent_code="2").code == "00002"


def test_lineage_must_name_known_units():
    a = Unit("1", "A")
    ghost = Unit("2", "B")
    with pytest.raises(ValueError):
        UnitRegistry([a], [Lineage(a.ref, ghost.ref, date(2025, 7, 1))])
