"""The officer's units page: the list, and the import from Excel (all rows or none)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


# -- units ------------------------------------------------------------------------------------------


def _xlsx(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["mã", "tên", "loại", "cấp", "mã đơn vị cấp trên", "hiệu lực từ", "hiệu lực đến"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("don-vi.xlsx", buffer.getvalue())


def test_units_page_and_import(officer_client, departments):
    url = reverse("units:list")
    assert "Sở Tư pháp" in officer_client.get(url).content.decode()
    good = _xlsx(["T.NEW", "Sở Mới", "sở", "department", "22", "01/03/2025", ""])
    response = officer_client.post(url, {"file": good}, follow=True)
    assert "1 đơn vị mới" in response.content.decode()
    assert Unit.objects.filter(code="T.NEW", level="department").exists()

    bad = _xlsx(
        ["T.NEW2", "Sở Mới 2", "sở", "department", "22", "", ""],
        ["T.NEW3", "Sở Mới 3", "sở", "tỉnh", "22", "", ""],
    )
    response = officer_client.post(url, {"file": bad}, follow=True)  # to the import's job
    assert response.context["job"].state == "failed"
    html = response.content.decode()
    assert "Dòng 3, cột «cấp»" in html and "chưa ghi đơn vị nào" in html
    assert not Unit.objects.filter(code="T.NEW2").exists()
