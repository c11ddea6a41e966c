import pytest

from chiso.cli.main import main

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_resolve_an_alias(capsys):
    code, out, _ = run(capsys, "units", "resolve", "TP. HCM")
    assert code == 0 and out.startswith("TP. Hồ Chí Minh — mã 79")


def test_resolve_in_a_year_before_the_merger(capsys):
    code, out, _ = run(capsys, "units", "resolve", "80", "--year", "2021")
    assert code == 0 and out.startswith("Long An — mã 80")


def test_lineage_of_ninh_thuan(capsys):
    code, out, _ = run(capsys, "units", "lineage", "Ninh Thuận")
    assert code == 0
    assert "→ từ 01/07/2025 sáp nhập vào Khánh Hòa (mã 56)" in out


def test_lineage_of_a_new_province_lists_its_constituents(capsys):
    code, out, _ = run(capsys, "units", "lineage", "Lâm Đồng", "--year", "2025")
    assert code == 0
    for old in ("Lâm Đồng (mã 68)", "Đắk Nông (mã 67)", "Bình Thuận (mã 60)"):
        assert f"← hình thành từ {old}" in out


def test_unknown_unit_is_an_error_with_suggestions(capsys):
    code, _, err = run(capsys, "units", "resolve", "Ninh Thuan x")
    assert code == 1 and "Ninh Thuận" in err


def test_list_34_provinces(capsys):
    code, out, _ = run(capsys, "units", "list", "--year", "2025")
    assert code == 0 and out.strip().endswith("34 đơn vị.")


def test_load_communes_and_resolve_one_within_its_province(capsys):
    code, out, _ = run(capsys, "units", "load-communes")
    assert code == 0 and "3321" in out
    code, out, _ = run(capsys, "units", "resolve", "Phường Hoàn Kiếm", "--level", "commune")
    assert code == 0 and "mã 00070" in out


def test_population_is_stored_with_its_year_and_source():
    from chiso.units.models import Unit, UnitStatistic

    ha_noi = Unit.objects.get(level="province", code="01")
    census = ha_noi.statistics.get(kind=UnitStatistic.Kind.POPULATION_CENSUS)
    assert (census.year, int(census.value)) == (2019, 8053663)
    assert "luatduonggia" in census.source
    assert UnitStatistic.objects.filter(kind=UnitStatistic.Kind.POPULATION_CENSUS).count() == 55
    assert UnitStatistic.objects.filter(kind=UnitStatistic.Kind.POPULATION_AVERAGE).count() == 63


def test_load_districts_then_resolve_binh_lieu_at_the_date_of_the_year(capsys):
    from chiso.units.models import Unit, UnitLineage

    code, out, _ = run(capsys, "units", "load-districts")
    assert code == 0 and "696" in out and "10035" in out
    assert Unit.objects.filter(level="district").count() == 696
    edges = UnitLineage.objects.count()
    code, out, _ = run(capsys, "units", "resolve", "Bình Liêu", "--year", "2022")
    assert code == 0 and out.startswith("Huyện Bình Liêu — mã 198, huyện, hiệu lực …–30/06/2025")
    assert "Thuộc: Quảng Ninh (mã 22)" in out
    code, out, _ = run(capsys, "units", "resolve", "Bình Liêu", "--year", "2025")
    assert code == 0 and out.startswith("Xã Bình Liêu — mã 06838, xã, hiệu lực 01/07/2025–nay")
    code, out, _ = run(capsys, "units", "lineage", "TT Bình Liêu", "--year", "2022")
    assert code == 0 and "→ từ 01/07/2025 sáp nhập vào Xã Bình Liêu (mã 06838)" in out
    assert "Thuộc: Huyện Bình Liêu (mã 198)" in out
    code, _, _ = run(capsys, "units", "load-districts")
    assert code == 0 and UnitLineage.objects.count() == edges  # loading again adds nothing
    code, _, err = run(capsys, "units", "resolve", "Huyện Bình Liêu", "--year", "2025")
    assert code == 1 and "không còn hiệu lực" in err


def test_list_resolve_and_block_the_agencies_of_a_province(capsys):
    from chiso.units.models import Unit

    Unit.objects.create(
        level="central_agency", code="22.KBNN", name="Kho bạc Nhà nước Quảng Ninh", parent_code="22"
    )
    Unit.objects.create(
        level="central_agency", code="22.BHXH", name="Bảo hiểm xã hội Quảng Ninh", parent_code="22"
    )
    Unit.objects.create(level="office", code="198.PNV", name="Phòng Nội vụ Bình Liêu", parent_code="198")
    code, out, _ = run(capsys, "units", "list", "--level", "central_agency")
    assert code == 0 and "Kho bạc Nhà nước Quảng Ninh" in out and out.strip().endswith("2 đơn vị.")
    code, out, _ = run(capsys, "units", "resolve", "Phòng Nội vụ Bình Liêu", "--level", "office")
    assert code == 0 and out.startswith("Phòng Nội vụ Bình Liêu — mã 198.PNV")
    code, out, _ = run(capsys, "units", "set-block", "22.KBNN", "--block", "co-quan-trung-uong")
    assert code == 0 and out.startswith("Kho bạc Nhà nước Quảng Ninh thuộc Khối cơ quan Trung ương")
    with pytest.raises(SystemExit):
        run(capsys, "units", "list", "--level", "hamlet")
    assert "central_agency" in capsys.readouterr().err
