"""Districts and communes before 01/07/2025, their lineage into the 2025 communes, and names
resolved at the level that holds them on the date asked (shipped data, no database)."""

from collections import Counter
from datetime import date

import pytest

from chiso import data
from chiso.engine.units import COMMUNE, DISTRICT, PROVINCE, UnitRegistry, UnknownUnitError

IN_2022 = date(2022, 12, 31)
IN_2025 = date(2025, 12, 31)


@pytest.fixture(scope="module")
def everything():
    provinces, province_lineage = data.province_units()
    districts, district_lineage = data.district_units()
    communes, commune_lineage = data.communes_before_2025()
    units = provinces + districts + communes + data.commune_units()
    return UnitRegistry(units, province_lineage + district_lineage + commune_lineage)


def test_official_totals_before_and_after_the_reorganisation(everything):
    before = date(2025, 6, 30)
    assert len(everything.valid_units(PROVINCE, on=before)) == 63
    assert len(everything.valid_units(DISTRICT, on=before)) == 696
    assert len(everything.valid_units(COMMUNE, on=before)) == 10035
    assert len(everything.valid_units(PROVINCE, on=IN_2025)) == 34
    assert everything.valid_units(DISTRICT, on=IN_2025) == []
    assert len(everything.valid_units(COMMUNE, on=IN_2025)) == 3321


def test_kinds_of_units_before_and_after():
    districts, _ = data.district_units()
    communes, _ = data.communes_before_2025()
    assert Counter(u.kind for u in districts) == {"huyện": 508, "quận": 49, "thành phố": 87, "thị xã": 52}
    assert Counter(u.kind for u in communes) == {"xã": 7695, "phường": 1724, "thị trấn": 616}
    assert Counter(u.kind for u in data.commune_units()) == {"xã": 2621, "phường": 687, "đặc khu": 13}


def test_every_unit_has_its_parent(everything):
    old_provinces = {u.code for u in everything.valid_units(PROVINCE, on=IN_2022)}
    districts = {u.code for u in everything.valid_units(DISTRICT, on=IN_2022)}
    assert {u.parent_code for u in everything.valid_units(DISTRICT, on=IN_2022)} == old_provinces
    assert {u.parent_code for u in everything.valid_units(COMMUNE, on=IN_2022)} <= districts
    new_provinces = {u.code for u in everything.valid_units(PROVINCE, on=IN_2025)}
    assert {u.parent_code for u in everything.valid_units(COMMUNE, on=IN_2025)} == new_provinces


def test_every_old_commune_goes_to_a_2025_commune_and_every_2025_commune_comes_from_one(everything):
    for commune in everything.valid_units(COMMUNE, on=IN_2022):
        assert everything.successors(commune), commune
    for commune in everything.valid_units(COMMUNE, on=IN_2025):
        assert everything.predecessors(commune), commune


def test_binh_lieu_is_the_district_in_2022_and_the_commune_in_2025(everything):
    district = everything.resolve_any("Bình Liêu", on=IN_2022)
    assert (district.level, district.code, district.parent_code) == (DISTRICT, "198", "22")
    assert district.valid_to == date(2025, 6, 30)
    commune = everything.resolve_any("Bình Liêu", on=IN_2025)
    assert (commune.level, commune.code, commune.name) == (COMMUNE, "06838", "Xã Bình Liêu")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Huyện Bình Liêu", "198"),
        ("H. Bình Liêu", "198"),
        ("H.Bình Liêu", "198"),
        ("huyen Binh Lieu", "198"),
        ("Thị xã Quảng Yên", "206"),
        ("TX Quảng Yên", "206"),
        ("TX. Quảng Yên", "206"),
        ("TP Hạ Long", "193"),
        ("Thành phố Hạ Long", "193"),
        ("Quận 1", "760"),
        ("Q. 1", "760"),
        ("Q.1", "760"),
    ],
)
def test_district_prefixes_and_abbreviations(everything, query, code):
    unit = everything.resolve_any(query, on=IN_2022)
    assert (unit.level, unit.code) == (DISTRICT, code)


def test_a_commune_type_word_finds_the_commune_not_the_district(everything):
    town = everything.resolve_any("Thị trấn Bình Liêu", on=IN_2022)
    assert (town.level, town.code, town.kind) == (COMMUNE, "06838", "thị trấn")


def test_a_district_asked_for_after_2025_no_longer_exists(everything):
    with pytest.raises(UnknownUnitError, match="không còn hiệu lực"):
        everything.resolve_any("Huyện Bình Liêu", on=IN_2025)


def test_a_province_name_still_finds_the_province(everything):
    assert everything.resolve_any("Quảng Ninh", on=IN_2022).level == PROVINCE
    assert everything.resolve_any("TP. HCM", on=IN_2025).code == "79"


def test_codes_are_read_by_their_length_and_date(everything):
    assert everything.resolve_any("198", on=IN_2022).level == DISTRICT
    assert everything.resolve_any("22", on=IN_2022).name == "Quảng Ninh"
    assert everything.resolve_any("06838", on=IN_2022).name == "Thị trấn Bình Liêu"
    assert everything.resolve_any("06838", on=IN_2025).name == "Xã Bình Liêu"


def test_lineage_of_pre_2025_communes_into_their_2025_commune(everything):
    xa_binh_lieu = everything.resolve_any("06838", on=IN_2025)
    for old_name in ("Thị trấn Bình Liêu", "Xã Húc Động"):
        old = everything.resolve(old_name, level=COMMUNE, on=IN_2022, parent_code="198")
        assert everything.current_successor(old, IN_2025) == xa_binh_lieu
    vo_ngai = everything.resolve("Vô Ngại", level=COMMUNE, on=IN_2022, parent_code="198")
    assert {(e.relation, everything.get(e.new).code) for e in everything.successors(vo_ngai)} == {
        ("split_into", "06838"),
        ("split_into", "06862"),
    }
    assert {everything.get(e.old).name for e in everything.predecessors(xa_binh_lieu)} == {
        "Thị trấn Bình Liêu",
        "Xã Vô Ngại",
        "Xã Húc Động",
    }


def test_a_divided_commune_is_split_into_several(everything):
    cong_vi = everything.by_code("00007", COMMUNE, IN_2022)
    edges = everything.successors(cong_vi)
    assert {e.relation for e in edges} == {"split_into"}
    assert {everything.get(e.new).code for e in edges} == {"00008", "00025"}
    assert everything.current_successor(cong_vi, IN_2025) is None


def test_island_districts_without_communes_became_special_zones(everything):
    ly_son = everything.resolve_any("Huyện Lý Sơn", on=IN_2022)
    assert everything.current_successor(ly_son, IN_2025).name == "Đặc khu Lý Sơn"


def test_an_old_commune_lies_within_its_province_through_its_district(everything):
    town = everything.by_code("06838", COMMUNE, IN_2022)
    assert everything.is_within(town, "198") and everything.is_within(town, "22")
    assert not everything.is_within(town, "01")
    assert everything.resolve("Vô Ngại", level=COMMUNE, on=IN_2022, parent_code="22").code == "06853"


def test_2025_communes_carry_the_national_statistics_office_codes():
    codes = {(u.parent_code, u.name): u.code for u in data.commune_units()}
    assert codes[("01", "Phường Hoàn Kiếm")] == "00070"
    assert codes[("01", "Phường Cửa Nam")] == "00073"
    assert len(set(codes.values())) == 3321
