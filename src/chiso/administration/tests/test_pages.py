"""Cycle creation, survey entry, unit import and frameworks (upload, download, copy, mapping)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from chiso.administration.models import CriterionMapping
from chiso.assessments.models import AuditEntry, Cycle, State
from chiso.frameworks.io import dump_framework_yaml
from chiso.frameworks.models import Framework
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


# -- cycles -----------------------------------------------------------------------------------------


def test_create_a_cycle(officer_client, framework, departments):
    page = officer_client.get(reverse("administration:cycle_create"))
    assert page.status_code == 200 and "Sở Tư pháp" in page.content.decode()
    due = date.today() + timedelta(days=20)
    chosen = [departments["stp"].pk, departments["syt"].pk]
    response = officer_client.post(
        reverse("administration:cycle_create"),
        {
            "level": "department",
            "framework": framework.pk,
            "year": 2026,
            "block": "Sở, ban, ngành",
            "name": "",
            "units": chosen,
            "self_assessment_due": due.isoformat(),
            "appraisal_due": (due + timedelta(days=10)).strftime("%d/%m/%Y"),
            "explanation_due": "",
        },
    )
    cycle = Cycle.objects.get(year=2026)
    assert response.status_code == 302 and response["Location"].endswith(f"/ky/{cycle.pk}/")
    assert cycle.self_assessment_due == due and cycle.appraisal_due == due + timedelta(days=10)
    assert sorted(cycle.assessments.values_list("unit_id", flat=True)) == sorted(chosen)
    assert set(cycle.assessments.values_list("state", flat=True)) == {State.DRAFT}
    assert AuditEntry.objects.filter(cycle=cycle, action="create_cycle").exists()


def test_cycle_form_refuses_bad_input(officer_client, framework, departments, cycle):
    response = officer_client.post(
        reverse("administration:cycle_create"),
        {
            "level": "department",
            "framework": framework.pk,
            "year": 2025,  # a 2025 departments cycle exists (the fixture)
            "block": "Sở, ban, ngành",
            "units": [],
            "self_assessment_due": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã có kỳ đánh giá năm 2025" in html
    assert Cycle.objects.count() == 1
    response = officer_client.post(
        reverse("administration:cycle_create"),
        {
            "level": "department",
            "framework": framework.pk,
            "year": 2020,
            "block": "Khối thử",
            "units": [departments["stp"].pk],
            "self_assessment_due": date.today().isoformat(),
        },
    )
    assert "không áp dụng cho năm 2020" in response.content.decode()


def test_commune_block_lists_the_communes_of_the_province(officer_client, framework, departments):
    Unit.objects.create(level="commune", code="99901", name="Phường Thử Một", parent_code="22")
    Unit.objects.create(level="commune", code="99902", name="Xã Tỉnh Khác", parent_code="01")
    html = officer_client.get(reverse("administration:cycle_create") + "?cap=commune").content.decode()
    assert "Phường Thử Một" in html and "Xã Tỉnh Khác" not in html


# -- survey entry -----------------------------------------------------------------------------------


def test_survey_entry(officer_client, cycle):
    url = reverse("administration:survey", args=[cycle.pk])
    page = officer_client.get(url)
    assert page.status_code == 200 and "8.1" in page.content.decode()
    justice = cycle.assessments.get(unit__name="Sở Tư pháp")
    works = cycle.assessments.get(unit__name="Sở Xây dựng")

    response = officer_client.post(url, {f"v-{justice.pk}-8.1": "85,5", "source": ""})
    assert "Cần ghi nguồn" in response.content.decode()
    assert not justice.scores.filter(criterion="8.1").exists()

    response = officer_client.post(
        url,
        {
            f"v-{justice.pk}-8.1": "85,5",
            f"v-{justice.pk}-8.2": "120",
            f"v-{works.pk}-8.1": "nhiều",
            "source": "Khảo sát sự hài lòng 2025",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "0 đến 100" in html and "«nhiều» không phải số" in html
    row = justice.scores.get(criterion="8.1")
    assert row.survey_index == Decimal("85.5") and row.self_points == Decimal("13.68")
    assert (
        AuditEntry.objects.get(assessment=justice, action="survey_index").reason
        == "Khảo sát sự hài lòng 2025"
    )

    response = officer_client.post(
        url, {f"v-{justice.pk}-8.1": "85,50", f"v-{works.pk}-8.1": "70", "source": "Khảo sát 2025"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(assessment=justice, action="survey_index").count() == 1  # unchanged
    assert works.scores.get(criterion="8.1").survey_index == Decimal(70)
    assert "85,50" in officer_client.get(url).content.decode()


# -- units ------------------------------------------------------------------------------------------


def _xlsx(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["mã", "tên", "loại", "cấp", "mã đơn vị cấp trên", "hiệu lực từ", "hiệu lực đến"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("don-vi.xlsx", buffer.getvalue())


def test_units_page_and_import(officer_client, departments):
    url = reverse("administration:units")
    assert "Sở Tư pháp" in officer_client.get(url).content.decode()
    good = _xlsx(["T.NEW", "Sở Mới", "sở", "department", "22", "01/03/2025", ""])
    response = officer_client.post(url, {"file": good}, follow=True)
    assert "1 đơn vị mới" in response.content.decode()
    assert Unit.objects.filter(code="T.NEW", level="department").exists()

    bad = _xlsx(
        ["T.NEW2", "Sở Mới 2", "sở", "department", "22", "", ""],
        ["T.NEW3", "Sở Mới 3", "sở", "tỉnh", "22", "", ""],
    )
    response = officer_client.post(url, {"file": bad})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dòng 3, cột «cấp»" in html and "chưa ghi đơn vị nào" in html
    assert not Unit.objects.filter(code="T.NEW2").exists()


# -- frameworks -------------------------------------------------------------------------------------


def _download(client, framework) -> bytes:
    return client.get(reverse("administration:framework_download", args=[framework.code, "xlsx"])).content


def test_download_and_upload_a_framework(officer_client, framework):
    response = officer_client.get(reverse("administration:framework_download", args=[framework.code, "xlsx"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    assert load_workbook(io.BytesIO(response.content)).sheetnames
    # The workbook as downloaded reads back: same code, so it is refused unless replacing.
    xlsx = SimpleUploadedFile("khung.xlsx", response.content)
    response = officer_client.post(reverse("administration:frameworks"), {"file": xlsx})
    assert response.status_code == 422 and f"Đã có khung mã {framework.code}" in response.content.decode()
    xlsx = SimpleUploadedFile("khung.xlsx", _download(officer_client, framework))
    response = officer_client.post(reverse("administration:frameworks"), {"file": xlsx, "replace": "on"})
    assert response.status_code == 302

    yaml_text = dump_framework_yaml(framework.to_engine()).replace(
        f"code: {framework.code}", "code: qn-cchc-so-thu"
    )
    upload = SimpleUploadedFile("khung.yaml", yaml_text.encode())
    response = officer_client.post(reverse("administration:frameworks"), {"file": upload}, follow=True)
    assert response.status_code == 200 and Framework.objects.filter(code="qn-cchc-so-thu").exists()

    again = SimpleUploadedFile("khung.yaml", yaml_text.encode())
    response = officer_client.post(reverse("administration:frameworks"), {"file": again})
    assert response.status_code == 422 and "Đã có khung mã qn-cchc-so-thu" in response.content.decode()
    again = SimpleUploadedFile("khung.yaml", yaml_text.replace("Chỉ số CCHC", "Chỉ số CCHC mới", 1).encode())
    response = officer_client.post(reverse("administration:frameworks"), {"file": again, "replace": "on"})
    assert response.status_code == 302


def test_an_invalid_framework_is_refused_with_its_errors(officer_client, framework):
    yaml_text = dump_framework_yaml(framework.to_engine()).replace(
        f"code: {framework.code}", "code: qn-cchc-so-sai"
    )
    broken = yaml_text.replace("type: choice", "type: nonsense", 1)
    response = officer_client.post(
        reverse("administration:frameworks"), {"file": SimpleUploadedFile("sai.yaml", broken.encode())}
    )
    assert response.status_code == 422
    assert "Khung chưa được lưu" in response.content.decode()
    assert "[error] 1.1" in response.content.decode() and "nonsense" in response.content.decode()
    assert not Framework.objects.filter(code="qn-cchc-so-sai").exists()
    response = officer_client.post(
        reverse("administration:frameworks"), {"file": SimpleUploadedFile("x.txt", b"abc")}
    )
    assert response.status_code == 422 and "Chỉ nhận tệp" in response.content.decode()


def test_copy_to_a_new_year_and_edit_the_mapping(officer_client, framework):
    url = reverse("administration:framework_copy", args=[framework.code])
    page = officer_client.get(url).content.decode()
    assert "qn-cchc-so-" in page
    response = officer_client.post(
        url, {"code": "qn-cchc-so-2026", "name_vi": "Khung 2026", "first_year": 2026, "last_year": ""}
    )
    mapping = CriterionMapping.objects.get(source=framework, target__code="qn-cchc-so-2026")
    assert response.status_code == 302 and response["Location"].endswith(f"/doi-chieu/{mapping.pk}/")
    assert mapping.mapping["3.2"] == "3.2"

    mapping_url = reverse("administration:mapping", args=[mapping.pk])
    assert "3.2" in officer_client.get(mapping_url).content.decode()
    posted = {f"m-{code}": code for code in mapping.mapping}
    posted["m-3.2"] = "3.1"
    posted["m-1.1"] = ""
    response = officer_client.post(mapping_url, posted)
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.mapping["3.2"] == "3.1" and mapping.mapping["1.1"] == ""
    posted["m-3.3"] = "99.9"
    response = officer_client.post(mapping_url, posted)
    assert response.status_code == 422 and "99.9" in response.content.decode()

    response = officer_client.post(url, {"code": "qn-cchc-so-2026", "name_vi": "x", "first_year": 2026})
    assert response.status_code == 422 and "đã có" in response.content.decode()


def test_users_page_lists_roles(officer_client, people, client):
    html = officer_client.get(reverse("administration:users")).content.decode()
    assert "canbo_stp" in html and "Cán bộ đơn vị — Sở Tư pháp" in html
    client.force_login(people["canbo_stp"])
    assert client.get(reverse("administration:users")).status_code == 403
