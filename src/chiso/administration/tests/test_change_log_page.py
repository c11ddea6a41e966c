"""The officer's change log page: filtered by object type, object, user, date and request id,
paginated with a bounded number of queries, exported as CSV and Excel with every cell as text."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.accounts.models import Membership, Role
from chiso.assessments import workflow
from chiso.core import changelog
from chiso.core.request_context import acting
from chiso.units.models import Organiser, Unit

pytestmark = pytest.mark.django_db

URL = "/dieu-hanh/nhat-ky/"


def _units(n: int, prefix: str = "T.P") -> list[Unit]:
    return [
        Unit.objects.create(level="department", code=f"{prefix}{i}", name=f"Sở số {i}", parent_code="22")
        for i in range(n)
    ]


@pytest.fixture
def logged(people):
    """Three requests: the officer made two units, the admin renamed one, the officer deleted the other."""
    with acting(actor=people["sonoivu"]) as made:
        first, second = _units(2, "T.L")
    with acting(actor=people["admin"]) as renamed:
        first.name = "Sở Đổi tên"
        first.save()
        workflow.audit(people["admin"], "rename", reason="Theo quyết định 12/QĐ")
    with acting(actor=people["sonoivu"]):
        second.delete()
    return {"first": first, "made": made.request_id, "renamed": renamed.request_id}


def test_the_page_is_at_its_address_and_in_the_officers_tabs(officer_client, logged):
    assert reverse("administration:change_log") == URL
    response = officer_client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nhật ký thay đổi" in text and "Sở Đổi tên" in text and "Theo quyết định 12/QĐ" in text
    assert f'href="{URL}"' in officer_client.get(reverse("administration:dashboard")).content.decode()
    assert f'href="{URL}"' in officer_client.get(reverse("units:list")).content.decode()


def test_only_administrators_and_the_installations_officers_read_it(client, people, logged):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(people["canbo_stp"])
    assert client.get(URL).status_code == 403
    # An organiser's officer manages part of the installation: the log holds everyone's figures.
    organiser = Organiser.objects.create(code="phong-noi-vu", name="Phòng Nội vụ huyện")
    Membership.objects.create(user=people["lanhdao"], role=Role.OFFICER, organiser=organiser)
    client.force_login(people["lanhdao"])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("administration:change_log_csv")).status_code == 403
    assert f'href="{URL}"' not in client.get(reverse("administration:users")).content.decode()
    client.force_login(people["admin"])
    assert client.get(URL).status_code == 200


def _objects(response) -> list[str]:
    return [row.object for row in response.context["rows"]]


def test_filters(officer_client, logged, people):
    first = logged["first"]
    by_type = officer_client.get(URL, {"loai": "units.unit"})
    assert {row.kind_key for row in by_type.context["rows"]} == {"units.unit"}
    by_object = officer_client.get(URL, {"loai": "units.unit", "doi-tuong": str(first.pk)})
    assert [row.action for row in by_object.context["rows"]] == ["Sửa", "Tạo"]
    assert _objects(officer_client.get(URL, {"doi-tuong": "Đổi tên"})) == ["Sở Đổi tên (T.L0)"]
    by_user = officer_client.get(URL, {"nguoi": "admin"})
    assert {row.who for row in by_user.context["rows"]} == {"admin"}
    by_request = officer_client.get(URL, {"yeu-cau": logged["made"]})
    assert len(by_request.context["rows"]) == 2
    deleted = officer_client.get(URL, {"thao-tac": str(changelog.DELETE)})
    assert [row.object for row in deleted.context["rows"]] == ["Sở số 1 (T.L1)"]
    today = timezone.localdate()
    since_today = officer_client.get(URL, {"tu-ngay": today.strftime("%d/%m/%Y"), "nguoi": "admin"})
    assert _objects(since_today) == ["Sở Đổi tên (T.L0)"]
    assert (
        officer_client.get(URL, {"tu-ngay": (today + timedelta(days=1)).strftime("%d/%m/%Y")})
        .context["page"]
        .paginator.count
        == 0
    )
    assert (
        officer_client.get(URL, {"den-ngay": (today - timedelta(days=1)).isoformat()})
        .context["page"]
        .paginator.count
        == 0
    )
    wrong = officer_client.get(URL, {"tu-ngay": "31/12/2031", "den-ngay": "01/01/2031"})
    assert wrong.status_code == 422 and "Ngày kết thúc trước ngày bắt đầu." in wrong.content.decode()


def test_pages_make_a_bounded_number_of_queries(officer_client, people, django_assert_max_num_queries):
    with acting(actor=people["sonoivu"]):
        units = Unit.objects.bulk_create(
            Unit(level="department", code=f"T.B{i}", name=f"Sở {i}", parent_code="22") for i in range(130)
        )
        changelog.log_created(units)
    officer_client.get(URL)  # content types cached, as they are after the first request
    # session, user, roles, the count, the page of entries with their types and actors, the reasons
    with django_assert_max_num_queries(8):
        first = officer_client.get(URL)
    with django_assert_max_num_queries(8):
        third = officer_client.get(URL, {"trang": "3"})
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages >= 3
    assert first.context["rows"][0].object == "Sở 129 (T.B129)"
    assert third.context["page"].number == 3
    assert "trang=2" in third.content.decode()


@pytest.fixture
def formula(people):
    """A unit whose name a spreadsheet would run as a formula."""
    with acting(actor=people["sonoivu"]):
        return Unit.objects.create(
            level="department", code="T.F", name='=HYPERLINK("http://x","bấm")', parent_code="22"
        )


def test_csv_export_keeps_the_filter_and_writes_formulas_as_text(officer_client, logged, formula):
    response = officer_client.get(reverse("administration:change_log_csv"), {"loai": "units.unit"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["Thời điểm", "Thao tác", "Loại đối tượng"]
    objects = {line[4] for line in lines[1:]}
    assert '\'=HYPERLINK("http://x","bấm") (T.F)' in objects and "Sở Đổi tên (T.L0)" in objects
    assert not any(cell.startswith("=") for line in lines for cell in line)
    renamed = [line for line in lines if line[10] == "tên" and line[12] == "Sở Đổi tên"]
    assert renamed and renamed[0][11] == "Sở số 0" and renamed[0][13] == "Theo quyết định 12/QĐ"


def test_excel_export_writes_every_cell_as_text(officer_client, logged, formula):
    response = officer_client.get(reverse("administration:change_log_xlsx"), {"nguoi": "sonoivu"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Nhật ký thay đổi"]
    rows = list(sheet.iter_rows())
    cells = [cell for row in rows for cell in row if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s"}
    assert '=HYPERLINK("http://x","bấm") (T.F)' in {cell.value for cell in cells}
    assert rows[0][5].value == "Người thực hiện" and {row[5].value for row in rows[1:]} == {"sonoivu"}


def test_an_entry_from_the_command_line_names_it(officer_client):
    with acting(via="cli", command="frameworks import", os_user="chiso"):
        _units(1, "T.C")
    row = officer_client.get(URL, {"doi-tuong": "T.C0"}).context["rows"][0]
    assert (row.who, row.via) == ("dòng lệnh (chiso)", "chiso frameworks import")
    assert LogEntry.objects.filter(cid=row.request_id).count() == 1
