"""Blocks of units: memberships with validity, moving a unit, the Excel column, the units page and
the command line."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from chiso.cli.main import main
from chiso.units.blocks import BlockError, blocks_on, engine_units_with_blocks, find_block, set_block
from chiso.units.importer import UnitImportError, import_units
from chiso.units.models import Block, BlockMembership, Unit

pytestmark = pytest.mark.django_db


def block(code: str) -> Block:
    return Block.objects.get(code=code)


@pytest.fixture
def justice(db) -> Unit:
    return Unit.objects.create(
        level="department", code="B.STP", name="Sở Tư pháp", kind="sở", parent_code="22"
    )


def test_the_four_standard_blocks_exist_and_are_found_by_code_or_name():
    assert list(Block.objects.values_list("code", flat=True)) == [
        "so-ban-nganh",
        "co-quan-trung-uong",
        "dia-phuong",
        "don-vi-su-nghiep",
    ]
    assert find_block("so-ban-nganh").name == "Khối sở, ban, ngành"
    assert find_block("khối sở, ban, ngành").code == "so-ban-nganh"
    assert find_block("Sở, ban, ngành").code == "so-ban-nganh"  # "khối" may be left out
    assert find_block("Localities block").code == "dia-phuong"
    with pytest.raises(BlockError, match="Không có khối «khối ma»"):
        find_block("khối ma")


def test_a_unit_changes_block_on_a_day_and_keeps_its_history(justice):
    set_block(justice, block("co-quan-trung-uong"), date(2020, 1, 1))
    set_block(justice, block("so-ban-nganh"), date(2025, 7, 1))
    history = list(BlockMembership.objects.filter(unit=justice).order_by("valid_from"))
    assert [(m.block.code, m.valid_from, m.valid_to) for m in history] == [
        ("co-quan-trung-uong", date(2020, 1, 1), date(2025, 6, 30)),
        ("so-ban-nganh", date(2025, 7, 1), None),
    ]
    assert blocks_on([justice], date(2024, 12, 31))[justice.pk].code == "co-quan-trung-uong"
    assert blocks_on([justice], date(2025, 12, 31))[justice.pk].code == "so-ban-nganh"
    assert blocks_on([justice], date(2019, 12, 31)) == {}
    # history is not rewritten from the command line: a change before the last one is refused
    with pytest.raises(BlockError, match="từ ngày 01/07/2025"):
        set_block(justice, block("dia-phuong"), date(2024, 1, 1))
    set_block(justice, None, date(2026, 1, 1))  # leaves every block
    assert blocks_on([justice], date(2026, 6, 1)) == {}


def test_overlapping_memberships_are_refused(justice):
    BlockMembership.objects.create(unit=justice, block=block("so-ban-nganh"), valid_from=date(2025, 1, 1))
    overlapping = BlockMembership(unit=justice, block=block("dia-phuong"), valid_from=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="Đơn vị đã thuộc Khối sở, ban, ngành"):
        overlapping.full_clean()
    backwards = BlockMembership(
        unit=justice, block=block("dia-phuong"), valid_from=date(2024, 6, 1), valid_to=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError, match="Ngày kết thúc trước ngày bắt đầu"):
        backwards.full_clean()


def test_engine_units_carry_their_block_except_provinces(justice):
    set_block(justice, block("so-ban-nganh"))
    [engine_unit] = engine_units_with_blocks([justice.to_engine()], date(2025, 12, 31))
    assert (engine_unit.block, engine_unit.block_en) == (
        "Khối sở, ban, ngành",
        "Departments and agencies block",
    )
    province = Unit(level="province", code="22", name="Quảng Ninh").to_engine()
    assert engine_units_with_blocks([province], date(2025, 12, 31)) == [province]


def workbook(*rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["Mã", "Tên", "Cấp", "Mã đơn vị cấp trên", "Hiệu lực từ", "Khối", "Khối từ ngày"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_units_file_puts_units_in_blocks():
    import_units(
        workbook(
            ["B.SNV", "Sở Nội vụ", "department", "22", "", "Khối sở, ban, ngành", ""],
            ["B.KB", "Kho bạc Nhà nước khu vực", "department", "22", "", "co-quan-trung-uong", "01/01/2025"],
            ["B.SYT", "Sở Y tế", "department", "22", "", "", ""],
        )
    )
    on = date(2025, 12, 31)
    found = {u.code: b.code for u in Unit.objects.all() for b in [blocks_on([u], on).get(u.pk)] if b}
    assert found == {"B.SNV": "so-ban-nganh", "B.KB": "co-quan-trung-uong"}
    assert BlockMembership.objects.get(unit__code="B.KB").valid_from == date(2025, 1, 1)
    # importing the same file again changes nothing
    import_units(workbook(["B.SNV", "Sở Nội vụ", "department", "22", "", "so-ban-nganh", ""]))
    assert BlockMembership.objects.filter(unit__code="B.SNV").count() == 1


def test_an_unknown_block_refuses_the_whole_file():
    with pytest.raises(UnitImportError) as refused:
        import_units(
            workbook(
                ["B.SNV", "Sở Nội vụ", "department", "22", "", "so-ban-nganh", ""],
                ["B.X", "Sở X", "department", "22", "", "Khối ma", ""],
            )
        )
    assert refused.value.problems == ["Dòng 3, cột «khối»: không có khối «Khối ma»"]
    assert not Unit.objects.filter(code="B.SNV").exists()


def test_units_page_shows_and_filters_blocks(officer_client, departments, django_assert_max_num_queries):
    set_block(departments["stp"], block("so-ban-nganh"))
    set_block(departments["syt"], block("don-vi-su-nghiep"))
    url = reverse("units:list")
    # session, user, roles, organisers (+ the first one created, and its change-log entry), blocks, units,
    # memberships, the districts count, the pager's count
    with django_assert_max_num_queries(16):
        page = officer_client.get(url)
    html = page.content.decode()
    assert "Khối sở, ban, ngành" in html and "Khối đơn vị sự nghiệp" in html
    filtered = officer_client.get(url + "?cap=department&khoi=so-ban-nganh")
    assert [row["unit"].name for row in filtered.context["rows"]] == ["Sở Tư pháp"]
    assert 'khoi=so-ban-nganh" class="on"' in filtered.content.decode()
    data = workbook(["T.SNV", "Sở Nội vụ", "department", "22", "", "dia-phuong", ""])
    upload = SimpleUploadedFile("don-vi.xlsx", data.getvalue())
    assert officer_client.post(url, {"file": upload}).status_code == 302
    assert blocks_on([departments["snv"]], date.today())[departments["snv"].pk].code == "dia-phuong"


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_line_lists_adds_and_sets_blocks(capsys, justice):
    code, out, _ = run(
        capsys, "units", "add-block", "khoi-huyen", "--name", "Khối huyện", "--name-en", "Districts"
    )
    assert code == 0 and "Đã tạo khối Khối huyện (khoi-huyen)" in out
    code, out, _ = run(
        capsys, "units", "set-block", "Sở Tư pháp", "--block", "khoi-huyen", "--from", "01/01/2025"
    )
    assert code == 0 and out.strip() == "Sở Tư pháp thuộc Khối huyện từ ngày 01/01/2025."
    code, out, _ = run(capsys, "units", "blocks")
    assert code == 0 and "5 khối." in out
    line = next(line for line in out.splitlines() if line.startswith("khoi-huyen"))
    assert "Sở Tư pháp" in line and " 1 " in line
    code, _, err = run(capsys, "units", "set-block", "Sở Ma", "--block", "khoi-huyen")
    assert code != 0 and "Không có đơn vị «Sở Ma»" in err
    code, _, err = run(capsys, "units", "set-block", "B.STP", "--block", "khối ma")
    assert code != 0 and "Không có khối «khối ma»" in err


def test_the_top_officer_loads_the_districts_from_the_units_page(client):
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.units.models import Organiser

    province = Organiser.objects.create(code="so-noi-vu-22", name="Sở Nội vụ tỉnh Quảng Ninh")
    district = Organiser.objects.create(code="phong-noi-vu-198", name="Phòng Nội vụ", parent=province)
    for username, organiser in (("sonoivu", province), ("phongnoivu", district)):
        user = User.objects.create_user(username, "", "pw")
        Membership.objects.create(user=user, role=Role.OFFICER, organiser=organiser)
    client.force_login(User.objects.get(username="phongnoivu"))
    assert client.post("/dieu-hanh/don-vi/nap-huyen/").status_code == 403
    assert not Unit.objects.filter(level="district").exists()
    client.force_login(User.objects.get(username="sonoivu"))
    assert "Nạp huyện và xã trước 01/07/2025" in client.get("/dieu-hanh/don-vi/").text
    assert client.post("/dieu-hanh/don-vi/nap-huyen/").status_code == 302
    assert Unit.objects.filter(level="district").count() == 696
    assert Unit.objects.get(level="district", code="198").name.endswith("Bình Liêu")
