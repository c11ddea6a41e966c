"""The officer's framework pages: download, upload, copy into a new year, criterion mapping."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chiso.frameworks.io import dump_framework_yaml
from chiso.frameworks.models import CriterionMapping, Framework

pytestmark = pytest.mark.django_db


# -- frameworks -------------------------------------------------------------------------------------


def _download(client, framework) -> bytes:
    return client.get(reverse("frameworks:download", args=[framework.code, "xlsx"])).content


def test_download_and_upload_a_framework(officer_client, framework):
    response = officer_client.get(reverse("frameworks:download", args=[framework.code, "xlsx"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    assert load_workbook(io.BytesIO(response.content)).sheetnames
    # The workbook as downloaded reads back: same code, so it is refused unless replacing.
    xlsx = SimpleUploadedFile("khung.xlsx", response.content)
    response = officer_client.post(reverse("frameworks:list"), {"file": xlsx})
    assert response.status_code == 422 and f"Đã có khung mã {framework.code}" in response.content.decode()
    xlsx = SimpleUploadedFile("khung.xlsx", _download(officer_client, framework))
    response = officer_client.post(reverse("frameworks:list"), {"file": xlsx, "replace": "on"})
    assert response.status_code == 302

    yaml_text = dump_framework_yaml(framework.to_engine()).replace(
        f"code: {framework.code}", "code: qn-cchc-so-thu"
    )
    upload = SimpleUploadedFile("khung.yaml", yaml_text.encode())
    response = officer_client.post(reverse("frameworks:list"), {"file": upload}, follow=True)
    assert response.status_code == 200 and Framework.objects.filter(code="qn-cchc-so-thu").exists()

    again = SimpleUploadedFile("khung.yaml", yaml_text.encode())
    response = officer_client.post(reverse("frameworks:list"), {"file": again})
    assert response.status_code == 422 and "Đã có khung mã qn-cchc-so-thu" in response.content.decode()
    again = SimpleUploadedFile("khung.yaml", yaml_text.replace("Chỉ số CCHC", "Chỉ số CCHC mới", 1).encode())
    response = officer_client.post(reverse("frameworks:list"), {"file": again, "replace": "on"})
    assert response.status_code == 302


def test_an_invalid_framework_is_refused_with_its_errors(officer_client, framework):
    yaml_text = dump_framework_yaml(framework.to_engine()).replace(
        f"code: {framework.code}", "code: qn-cchc-so-sai"
    )
    broken = yaml_text.replace("type: choice", "type: nonsense", 1)
    response = officer_client.post(
        reverse("frameworks:list"), {"file": SimpleUploadedFile("sai.yaml", broken.encode())}
    )
    assert response.status_code == 422
    assert "Khung chưa được lưu" in response.content.decode()
    assert "[error] 1.1" in response.content.decode() and "nonsense" in response.content.decode()
    assert not Framework.objects.filter(code="qn-cchc-so-sai").exists()
    response = officer_client.post(reverse("frameworks:list"), {"file": SimpleUploadedFile("x.txt", b"abc")})
    assert response.status_code == 422 and "Chỉ nhận tệp" in response.content.decode()


def test_copy_to_a_new_year_and_edit_the_mapping(officer_client, framework):
    url = reverse("frameworks:copy", args=[framework.code])
    page = officer_client.get(url).content.decode()
    assert "qn-cchc-so-" in page
    response = officer_client.post(
        url, {"code": "qn-cchc-so-2026", "name_vi": "Khung 2026", "first_year": 2026, "last_year": ""}
    )
    mapping = CriterionMapping.objects.get(source=framework, target__code="qn-cchc-so-2026")
    assert response.status_code == 302 and response["Location"].endswith(f"/doi-chieu/{mapping.pk}/")
    assert mapping.mapping["3.2"] == "3.2"

    mapping_url = reverse("frameworks:mapping", args=[mapping.pk])
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
