"""The officer's index pages over HTTP: list, create, edit; permissions, form errors, audit, queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chiso.assessments.models import AuditEntry
from chiso.frameworks.models import Index

pytestmark = pytest.mark.django_db

NEW = {
    "code": "dgx",
    "short_name": "DGI",
    "name_vi": "Chỉ số Chuyển đổi số",
    "name_en": "Digital transformation index",
    "publisher": "Sở Thông tin và Truyền thông",
    "legal_basis": "",
    "unit_levels": "district",
    "max_points": "80",
    "precision": "2",
    "groups": "none",
    "group_labels": "",
    "share_of_max": "on",
    "peer_nouns": "district = huyện, thị xã, thành phố",
    "aliases": "chỉ số chuyển đổi số, cds",
}


def test_the_officer_lists_indices(officer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = officer_client.get(reverse("frameworks:indices"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "PAR INDEX" in page and "/80" in page and "quartiles" in page
    assert reverse("frameworks:index_edit", args=["sipas"]) in page
    assert reverse("frameworks:indices") in officer_client.get(reverse("frameworks:list")).content.decode()


def test_the_officer_creates_an_index(officer_client, people, django_assert_max_num_queries):
    assert officer_client.get(reverse("frameworks:index_new")).status_code == 200
    with django_assert_max_num_queries(15):
        response = officer_client.post(reverse("frameworks:index_new"), NEW)
    assert response.status_code == 302
    index = Index.objects.get(code="dgx")
    assert index.levels == ["district"] and index.max_points == Decimal(80)
    assert index.share_of_max and index.groups == {"method": "none"}
    assert index.peer_noun("district") == "huyện, thị xã, thành phố"
    assert index.aliases == ["chỉ số chuyển đổi số", "cds"]
    entry = AuditEntry.objects.filter(action="framework_edit", field="index").latest("id")
    assert entry.after is not None and entry.after["index"] == "dgx" and entry.after["max_points"] == "80"
    assert entry.user == people["sonoivu"]


def test_bad_input_gets_form_errors_and_nothing_saved(officer_client):
    bad = {**NEW, "max_points": "nhiều", "unit_levels": "phong", "peer_nouns": "district"}
    response = officer_client.post(reverse("frameworks:index_new"), bad)
    assert response.status_code == 422
    assert "Mỗi dòng ghi: cấp = danh từ." in response.content.decode()
    response = officer_client.post(reverse("frameworks:index_new"), {**bad, "peer_nouns": ""})
    page = response.content.decode()
    assert response.status_code == 422
    assert "không phải số" in page and "cấp &#x27;phong&#x27; chưa biết" in page
    response = officer_client.post(reverse("frameworks:index_new"), {**NEW, "code": "papi"})
    assert response.status_code == 422 and "Đã có chỉ số mã papi" in response.content.decode()
    response = officer_client.post(reverse("frameworks:index_new"), {**NEW, "groups": "published"})
    assert response.status_code == 422 and "danh sách tên nhóm" in response.content.decode()
    assert not Index.objects.filter(code="dgx").exists()


def test_the_officer_edits_an_index_and_keeps_its_bands(officer_client, django_assert_max_num_queries):
    response = officer_client.get(reverse("frameworks:index_edit", args=["par_index"]))
    assert response.status_code == 200 and "Chỉ số cải cách hành chính" in response.content.decode()
    form = response.context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(
        share_of_max="on", peer_nouns="province = tỉnh, thành phố\ndistrict = huyện, thị xã, thành phố"
    )
    data["unit_levels"] = "province, district"
    with django_assert_max_num_queries(15):
        response = officer_client.post(reverse("frameworks:index_edit", args=["par_index"]), data)
    assert response.status_code == 302
    index = Index.objects.get(code="par_index")
    assert index.share_of_max and index.levels == ["province", "district"] and index.unit_level == "province"
    assert index.group_rule().bands[0].min_percent == Decimal(90)
    entry = AuditEntry.objects.filter(action="framework_edit", field="index").latest("id")
    assert entry.before is not None and entry.after is not None
    assert entry.before["share_of_max"] is False and entry.after["share_of_max"] is True


def test_others_may_not(client, people):
    urls = [
        ("get", reverse("frameworks:indices")),
        ("get", reverse("frameworks:index_new")),
        ("post", reverse("frameworks:index_new")),
        ("get", reverse("frameworks:index_edit", args=["papi"])),
        ("post", reverse("frameworks:index_edit", args=["papi"])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for username in ("canbo_stp", "thutruong_stp", "thamdinh", "lanhdao"):
        client.force_login(people[username])
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (username, url)
    assert Index.objects.get(code="papi").precision == 4


def test_a_framework_upload_may_carry_its_index(officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.frameworks.tests.test_indices import DGI_FRAMEWORK

    upload = SimpleUploadedFile("dgx.yaml", DGI_FRAMEWORK.encode())
    response = officer_client.post(reverse("frameworks:list"), {"file": upload})
    assert response.status_code == 302 and Index.objects.get(code="dgx").share_of_max
    again = SimpleUploadedFile(
        "dgx.yaml", DGI_FRAMEWORK.replace("max_points: 80\n  share", "max_points: 90\n  share").encode()
    )
    response = officer_client.post(reverse("frameworks:list"), {"file": again, "replace": "on"})
    assert response.status_code == 422 and "max_points" in response.content.decode()


def test_a_new_framework_may_take_its_index_s_groups(officer_client, framework):
    from chiso.frameworks.models import Framework
    from chiso.frameworks.tests.test_framework_editor import _new

    response = _new(officer_client, group_method="index")
    assert response.status_code == 302
    row = Framework.objects.get(code="thu-nghiem-2026")
    assert "groups" not in row.definition["ranking"]
    assert row.to_engine().ranking.groups.method == "none"  # cchc_so defines no groups
    index = row.index
    index.groups = {"method": "quartiles"}
    index.save()
    assert Framework.objects.get(pk=row.pk).to_engine().ranking.groups.method == "quartiles"
    page = officer_client.get(reverse("frameworks:settings", args=[row.code])).content.decode()
    assert '<option value="index" selected>' in page


def test_the_public_profile_speaks_in_the_index_s_words(client, tmp_path, capsys):
    """A percentage index with no groups: "88,64 %" on the page, no group, the index's peer noun."""
    from chiso.cli.main import main
    from chiso.frameworks.tests.test_indices import EGOV_FRAMEWORK

    text = EGOV_FRAMEWORK.replace("max_points: 220\n  share_of_max: true", "percent: true")
    text = text.replace("code: egx\n", "code: hl\n").replace(
        "index:\n", "index:\n  peer_nouns: {province: địa phương}\n"
    )
    text = text.replace("max_points: 220", "max_points: 100").replace("max_points: 120", "max_points: 100")
    text = text.replace("- {code: b, name_vi: Dịch vụ, max_points: 100}\n", "").replace(
        "egx-province", "hl-province"
    )
    (tmp_path / "hl.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "2022.csv").write_text("Tỉnh,a\nHà Nội,88.64\nNinh Thuận,80\n")
    assert main(["frameworks", "import", str(tmp_path / "hl.yaml")]) == 0
    assert (
        main(["import-results", str(tmp_path / "2022.csv"), "--index", "hl", "--year", "2022", "--publish"])
        == 0
    )
    capsys.readouterr()
    page = client.get(reverse("results:profile", args=["hl", 2022, "01"])).content.decode()
    assert "đạt 88,64 %, xếp hạng 1/63 địa phương." in page
    assert "88,64<small> %</small>" in page and "thuộc nhóm" not in page
