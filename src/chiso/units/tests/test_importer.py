"""Importing units from Excel: good files are written, a file with any bad row writes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from chiso.units.importer import UnitImportError, import_units, read_rows
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

HEADER = ["Mã", "Tên", "Loại", "Cấp", "Mã đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến"]


def workbook(*rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_good_file_creates_then_updates():
    data = workbook(
        ["22.TEST1", "Sở Thử nghiệm", "sở", "department", "22", "01/03/2025", ""],
        ["22.TEST2", "Ban Thử nghiệm", "ban", "Sở, ban, ngành", "22", datetime(2025, 3, 1), None],
        ["99001", "Xã Thử", "xã", "commune", "22", "", ""],
    )
    result = import_units(data)
    assert (result.created, result.updated) == (3, 0)
    unit = Unit.objects.get(code="22.TEST1")
    assert unit.level == "department" and unit.valid_from == date(2025, 3, 1) and unit.parent_code == "22"
    assert Unit.objects.get(code="99001").level == "commune"

    again = workbook(["22.TEST1", "Sở Thử nghiệm (đổi tên)", "sở", "department", "22", "01/03/2025", ""])
    result = import_units(again)
    assert (result.created, result.updated) == (0, 1)
    assert Unit.objects.get(code="22.TEST1").name == "Sở Thử nghiệm (đổi tên)"


def test_headings_without_diacritics_in_any_order():
    data = workbook(
        ["Ten", "department", "22.TEST3"],
        header=["ten", "cap", "ma"],
    )
    rows = read_rows(data)
    assert rows[0].code == "22.TEST3" and rows[0].name == "Ten"


def test_a_bad_file_writes_nothing_and_names_rows_and_columns():
    before = Unit.objects.count()
    data = workbook(
        ["22.OK", "Sở Tốt", "sở", "department", "22", "", ""],
        ["", "Không mã", "sở", "department", "22", "", ""],
        ["22.BAD", "Sở Sai", "sở", "province-ish", "22", "", ""],
        ["22.DATE", "Sở Ngày", "sở", "department", "22", "31/02/2025", ""],
        ["22.ORDER", "Sở Thứ tự", "sở", "department", "22", "01/03/2025", "01/01/2025"],
        ["22.PARENT", "Sở Mồ côi", "sở", "department", "ZZ99", "", ""],
        ["22.OK", "Sở Tốt lặp", "sở", "department", "22", "", ""],
    )
    with pytest.raises(UnitImportError) as caught:
        import_units(data)
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "Dòng 3, cột «mã»: thiếu mã" in text
    assert "Dòng 4, cột «cấp»" in text and "province-ish" in text
    assert "Dòng 5, cột «hiệu lực từ»" in text and "31/02/2025" in text
    assert "Dòng 6, cột «hiệu lực đến»" in text
    assert "Dòng 7, cột «mã đơn vị cấp trên»" in text and "ZZ99" in text
    assert "Dòng 8, cột «mã»" in text and "dòng 2" in text
    assert [p.split(",")[0] for p in problems] == sorted(
        (p.split(",")[0] for p in problems), key=lambda s: int(s.split()[1])
    )
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="22.OK").exists()


def test_missing_columns_and_not_excel():
    with pytest.raises(UnitImportError, match="thiếu cột cấp"):
        read_rows(workbook(["X", "Y"], header=["mã", "tên"]))
    with pytest.raises(UnitImportError, match="không phải tệp Excel"):
        read_rows(io.BytesIO(b"not a workbook"))


def test_a_district_level_in_vietnamese_is_understood():
    data = workbook(
        ["198", "Huyện Bình Liêu", "huyện", "Huyện", "22", "", "30/06/2025"],
        ["206", "Thị xã Quảng Yên", "thị xã", "huyện, thị xã, thành phố", "22", "", "30/06/2025"],
    )
    assert import_units(data).created == 2
    assert set(Unit.objects.filter(code__in=("198", "206")).values_list("level", flat=True)) == {"district"}


def test_offices_service_units_and_central_agencies_are_levels_of_their_own():
    data = workbook(
        ["198.PNV", "Phòng Nội vụ huyện Bình Liêu", "phòng", "Phòng chuyên môn", "198", "", ""],
        ["198.PTC", "Phòng Tài chính – Kế hoạch", "phòng", "office", "198", "", ""],
        ["22.BVT", "Bệnh viện Đa khoa tỉnh", "bệnh viện", "Đơn vị sự nghiệp công lập", "22", "", ""],
        ["22.TTPV", "Trung tâm Phục vụ hành chính công", "trung tâm", "don vi su nghiep", "22", "", ""],
        ["22.KBNN", "Kho bạc Nhà nước tỉnh", "kho bạc", "Cơ quan ngành dọc", "22", "", ""],
        ["22.THUE", "Thuế tỉnh", "thuế", "cơ quan Trung ương", "22", "", ""],
        ["22.BHXH", "Bảo hiểm xã hội tỉnh", "bảo hiểm", "central agency", "22", "", ""],
        ["22.SNV", "Sở Nội vụ", "sở", "cơ quan", "22", "", ""],
    )
    Unit.objects.create(level="district", code="198", name="Huyện Bình Liêu", parent_code="22")
    assert import_units(data).created == 8
    levels = dict(Unit.objects.filter(code__contains=".").values_list("code", "level"))
    assert levels == {
        "198.PNV": "office",
        "198.PTC": "office",
        "22.BVT": "service_unit",
        "22.TTPV": "service_unit",
        "22.KBNN": "central_agency",
        "22.THUE": "central_agency",
        "22.BHXH": "central_agency",
        "22.SNV": "department",  # "cơ quan" alone is still a department
    }
    assert Unit.objects.get(code="22.KBNN").get_level_display() == "Cơ quan Trung ương trên địa bàn"


def test_an_unknown_level_is_refused_with_the_levels_a_file_may_give():
    with pytest.raises(UnitImportError) as caught:
        import_units(workbook(["22.X", "Thôn Một", "thôn", "thôn", "22", "", ""]))
    (problem,) = caught.value.problems
    assert problem.startswith("Dòng 2, cột «cấp»: «thôn» không phải cấp đơn vị nhập được")
    for level in ("department", "district", "commune", "office", "service_unit", "central_agency"):
        assert level in problem


def test_the_model_offers_every_level_of_the_engine():
    from chiso.engine.units import LEVELS
    from chiso.units.models import Level

    assert tuple(Level.values) == LEVELS


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["22.LONG", "S" * 201, "sở", "department", "22", "", ""],
            "Dòng 2, cột «tên»: dài 201 ký tự, tối đa 200",
        ),
        (
            ["22.K", "Sở K", "k" * 65, "department", "22", "", ""],
            "Dòng 2, cột «loại»: dài 65 ký tự, tối đa 64",
        ),
        (["22.P", "Sở P", "sở", "department", "2" * 17, "", ""], "Dòng 2, cột «mã đơn vị cấp trên»: dài 17"),
        (["2" * 17, "Sở M", "sở", "department", "22", "", ""], "Dòng 2, cột «mã»: dài 17 ký tự, tối đa 16"),
    ],
)
def test_values_longer_than_their_column_are_refused(row, expected):
    """On PostgreSQL a name over 200 characters was a DataError: a bare 500 and nothing said."""
    before = Unit.objects.count()
    with pytest.raises(UnitImportError) as caught:
        import_units(workbook(row))
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    assert Unit.objects.count() == before


def test_the_header_repeated_and_many_bad_rows():
    from chiso.core.uploads import MAX_ERRORS

    good = ["22.A", "Sở A", "sở", "department", "22", "", ""]
    with pytest.raises(UnitImportError, match="Dòng 3: lặp lại dòng tiêu đề"):
        import_units(workbook(good, HEADER, good))
    with pytest.raises(UnitImportError) as caught:
        import_units(workbook(*([f"22.{i}", "Sở", "", "lạ", "22", "", ""] for i in range(500))))
    assert len(caught.value.problems) == MAX_ERRORS + 1 and "500 lỗi" in caught.value.problems[-1]


def test_the_page_refuses_a_long_name_without_a_500(client):
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role

    officer = User.objects.create_user("sonoivu", "s@example.vn", "pw")
    Membership.objects.create(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    data = workbook(["22.LONG", "S" * 201, "sở", "department", "22", "", ""])
    data.name = "don-vi.xlsx"
    response = client.post("/dieu-hanh/don-vi/", {"file": data}, follow=True)  # to the import's job
    assert response.status_code == 200 and "dài 201 ký tự" in "".join(response.context["job"].problems)
