"""The officer's published tables: upload with preview and row-level report, rank differences,
drafts hidden from the public until published, versions kept when a year is replaced."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.accounts.models import Membership, Role
from chiso.cli.main import main
from chiso.frameworks.models import Index
from chiso.results.models import Dataset, PublishedFigure, ResultSet

pytestmark = pytest.mark.django_db

# Khánh Hoà and Thừa Thiên Huế tie; the published ranks say 5 for Huế (chiso: 4), 7 for Ninh Thuận (6).
PAR_2023 = """STT;Tỉnh, thành phố;Chỉ số CCHC;Xếp hạng
1;Quảng Ninh;92,18;1
2;Hải Phòng;91,90;2
3;TP. HCM;88,10;3
4;Khánh Hoà;86,55;4
5;Thừa Thiên Huế;86,55;5
6;Ninh Thuận;79,80;7
;Trung bình cả nước;81,51;
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(client):
    user = User.objects.create_user("sonoivu", "", "pw")
    Membership.objects.create(user=user, role=Role.OFFICER)
    client.force_login(user)
    return client


def upload(client, content: str = PAR_2023, year: int = 2023, **extra):
    data = {
        "index": Index.objects.get(code="par_index").pk,
        "year": year,
        "file": SimpleUploadedFile("par.csv", content.encode()),
        "publisher": "Bộ Nội vụ",
        "document": "Quyết định 268/QĐ-BNV",
        **extra,
    }
    return client.post("/dieu-hanh/bang-ket-qua/", data)


def save(client, response):
    return client.post(f"/dieu-hanh/bang-ket-qua/luu/{response.context['token']}/")


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(officer):
    counts = (ResultSet.objects.count(), Dataset.objects.count())
    response = upload(officer, PAR_2023.replace("79,80", "7g,80") + "8;Không Có Tỉnh Này;80;8\n")
    assert response.status_code == 422
    problems = response.context["problems"]
    assert "Dòng 7, cột 'Chỉ số CCHC': '7g,80' không phải số." in problems
    assert any(p.startswith("Dòng 9:") for p in problems)
    assert (ResultSet.objects.count(), Dataset.objects.count()) == counts


def test_source_and_document_are_required(officer):
    response = upload(officer, document="")
    assert response.status_code == 422 and response.context["form"].errors["document"]
    assert not ResultSet.objects.filter(index__code="par_index", year=2023).exists()


def test_preview_shows_every_rank_difference_and_writes_nothing(officer):
    response = upload(officer)
    assert response.status_code == 200
    differences = [(d.line, d.unit, d.published, d.computed) for d in response.context["report"].differences]
    assert differences == [(6, "Thừa Thiên Huế", 5, 4), (7, "Ninh Thuận", 7, 6)]
    text = response.content.decode()
    assert "Hạng công bố" in text and "Thừa Thiên Huế" in text
    assert not ResultSet.objects.filter(index__code="par_index", year=2023).exists()


def test_draft_is_hidden_until_published_then_credited_to_its_document(officer, client):
    save(officer, upload(officer))
    draft = ResultSet.objects.get(index__code="par_index", year=2023)
    assert draft.status == ResultSet.Status.DRAFT
    figure = PublishedFigure.objects.get(result_set=draft)
    assert (figure.kind, figure.value) == ("national_mean", Decimal("81.51"))
    assert "Quyết định 268/QĐ-BNV" in figure.source
    officer.logout()
    for url in (
        "/ket-qua/par_index/2023/",
        "/ket-qua/par_index/2023/22/",
        "/ket-qua/par_index/2023/22/bao-cao.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    assert "PAR INDEX 2023" not in client.get("/").content.decode()
    assert client.get("/dieu-hanh/bang-ket-qua/").status_code == 302  # officers only

    officer.force_login(User.objects.get(username="sonoivu"))
    response = officer.post(f"/dieu-hanh/bang-ket-qua/{draft.pk}/cong-bo/")
    assert response.status_code == 302
    officer.logout()
    ranking = client.get("/ket-qua/par_index/2023/")
    assert ranking.status_code == 200
    assert "Bộ Nội vụ, Quyết định 268/QĐ-BNV" in ranking.content.decode()
    assert ranking.context["mean_is_published"] and ranking.context["national_mean"] == "81,51"
    profile = client.get("/ket-qua/par_index/2023/22/").content.decode()
    assert "Quyết định 268/QĐ-BNV" in profile


def test_replacing_a_year_keeps_the_previous_version(officer, client):
    save(officer, upload(officer))
    first = ResultSet.objects.get(index__code="par_index", year=2023)
    officer.post(f"/dieu-hanh/bang-ket-qua/{first.pk}/cong-bo/")
    refused = upload(officer, PAR_2023.replace("92,18", "93,00"))
    assert refused.status_code == 422 and "Thay thế" in refused.context["problems"][0]
    response = upload(officer, PAR_2023.replace("92,18", "93,00"), replace="on")
    assert response.context["report"].replaces == first
    save(officer, response)
    second = ResultSet.objects.get(index__code="par_index", year=2023, status="draft")
    assert second.version == 2
    # The published version stands until the new one is published.
    assert client.get("/ket-qua/par_index/2023/22/").context["score"] == "92,18"
    officer.post(f"/dieu-hanh/bang-ket-qua/{second.pk}/cong-bo/")
    first.refresh_from_db()
    assert first.status == ResultSet.Status.SUPERSEDED
    assert client.get("/ket-qua/par_index/2023/22/").context["score"] == "93,00"
    page = officer.get("/dieu-hanh/bang-ket-qua/").content.decode()
    assert "Đã thay thế" in page or "đã thay thế" in page
    detail = officer.get(f"/dieu-hanh/bang-ket-qua/{first.pk}/")
    assert detail.status_code == 200 and detail.context["rows"][0]["score"] == "92,18"


def test_the_new_pages_make_a_bounded_number_of_queries(officer, django_assert_max_num_queries):
    save(officer, upload(officer))
    draft = ResultSet.objects.get(index__code="par_index", year=2023)
    with django_assert_max_num_queries(12):
        assert officer.get("/dieu-hanh/bang-ket-qua/").status_code == 200
    with django_assert_max_num_queries(15):
        response = officer.get(f"/dieu-hanh/bang-ket-qua/{draft.pk}/")
    assert response.status_code == 200 and response.context["differences"] == 2
    with django_assert_max_num_queries(18):  # the unit registry and its lineage: not one per row
        assert upload(officer, year=2022).status_code == 200


def test_builtin_results_stay_published():
    assert not ResultSet.objects.filter(dataset__builtin=True).exclude(status="published").exists()
    assert ResultSet.objects.filter(index__code="papi", status="published").count() >= 10


# -- the command line --------------------------------------------------------------------------------


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_imports_a_draft_and_publishes_it(tmp_path, capsys):
    path = tmp_path / "par2023.csv"
    path.write_text(PAR_2023, encoding="utf-8")
    args = ["import-results", str(path), "--index", "par_index", "--year", "2023"]
    code, out, err = run(capsys, *args, "--publisher", "Bộ Nội vụ", "--document", "Quyết định 268/QĐ-BNV")
    assert code == 0, err
    assert "Lưu bản nháp (phiên bản 1)" in out and "chiso publish-results par_index 2023" in out
    assert "Trung bình công bố (total): 81,51" in out
    assert "2 thứ hạng công bố khác thứ hạng chiso tính" in out and "Thừa Thiên Huế" in out
    code, _, err = run(capsys, "ranking", "par_index", "2023", "--format", "json")
    assert code == 1 and "Chưa có kết quả" in err
    code, out, _ = run(capsys, "profile", "par_index", "2023", "Quảng Ninh", "--format", "json", "--draft")
    assert code == 0 and json.loads(out)["source"] == "Bộ Nội vụ, Quyết định 268/QĐ-BNV"

    code, out, err = run(capsys, "publish-results", "par_index", "2023")
    assert code == 0 and "phiên bản 1" in out, err
    code, out, _ = run(capsys, "ranking", "par_index", "2023", "--format", "json")
    assert code == 0 and json.loads(out)["source"] == "Bộ Nội vụ, Quyết định 268/QĐ-BNV"
    code, _, err = run(capsys, "publish-results", "par_index", "2023")
    assert code == 1 and "Không có bản nháp" in err

    path.write_text(PAR_2023.replace("92,18", "93,00"), encoding="utf-8")
    code, out, err = run(capsys, *args, "--replace", "--publish", "--document", "Quyết định 1/QĐ-BNV")
    assert code == 0 and "Đã công bố (phiên bản 2)" in out, err
    code, out, _ = run(capsys, "result-versions", "par_index", "--year", "2023")
    assert "đã thay thế" in out and "đã công bố" in out and "Quyết định 1/QĐ-BNV" in out


def test_cli_national_mean_must_agree_with_the_table(tmp_path, capsys):
    path = tmp_path / "par2023.csv"
    path.write_text(PAR_2023, encoding="utf-8")
    code, _, err = run(
        capsys, "import-results", str(path), "--index", "par_index", "--year", "2023", "--national-mean", "80"
    )
    assert code == 1 and "khác số đã nhập" in err
    assert not ResultSet.objects.filter(index__code="par_index", year=2023).exists()


def test_the_excel_export_credits_the_dataset(officer, client, tmp_path):
    import io

    import openpyxl

    save(officer, upload(officer))
    draft = ResultSet.objects.get(index__code="par_index", year=2023)
    officer.post(f"/dieu-hanh/bang-ket-qua/{draft.pk}/cong-bo/")
    started = client.get("/ket-qua/par_index/2023/22/bao-cao.xlsx")  # made in the background
    response = client.get(started.url + "tep/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sources = [row[0] for row in workbook["Nguồn"].iter_rows(values_only=True)]
    assert "Bộ Nội vụ, Quyết định 268/QĐ-BNV" in sources
    assert any(str(line).startswith("Trung bình cả nước: số công bố (Bộ Nội vụ") for line in sources)
    home = client.get("/").content.decode()
    assert "PAR INDEX 2023" in home and "Quyết định 268/QĐ-BNV" in home


def test_a_new_draft_supersedes_the_old_draft_and_leaves_the_published_version(tmp_path, capsys):
    path = tmp_path / "papi.csv"
    path.write_text("Tỉnh;Tổng\nCao Bằng;40\n", encoding="utf-8")
    args = ["import-results", str(path), "--index", "papi", "--year", "2021", "--replace"]
    assert run(capsys, *args)[0] == 0
    assert run(capsys, *args, "--document", "Bản 2")[0] == 0
    versions = list(ResultSet.objects.filter(index__code="papi", year=2021).order_by("version"))
    assert [v.status for v in versions] == ["published", "superseded", "draft"]
    assert versions[2].dataset.credit == "Bản 2"
    code, out, _ = run(capsys, "losses", "papi", "2021", "Cao Bằng", "--format", "json")
    assert code == 0 and json.loads(out)  # the published table still answers


def test_an_excel_table_uploads_like_a_csv(officer):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["Mã", "Tên", "Tổng điểm", "Xếp hạng"])
    sheet.append(["22", "Quảng Ninh", 92.18, 1])
    sheet.append(["04", "Cao Bằng", 81.07, 2])
    content = io.BytesIO()
    workbook.save(content)
    response = officer.post(
        "/dieu-hanh/bang-ket-qua/",
        {
            "index": Index.objects.get(code="par_index").pk,
            "year": 2023,
            "file": SimpleUploadedFile("par.xlsx", content.getvalue()),
            "publisher": "Bộ Nội vụ",
            "document": "Quyết định 268/QĐ-BNV",
        },
    )
    assert response.status_code == 200 and response.context["report"].units == 2
    assert response.context["report"].differences == []
    save(officer, response)
    assert ResultSet.objects.get(index__code="par_index", year=2023).unit_results.count() == 2


def test_only_officers_upload_and_publish(client):
    draft = ResultSet.objects.get(index__code="papi", year=2021)
    user = User.objects.create_user("canbo", "", "pw")
    Membership.objects.create(user=user, role=Role.APPRAISER)
    client.force_login(user)
    assert client.get("/dieu-hanh/bang-ket-qua/").status_code == 403
    assert client.post(f"/dieu-hanh/bang-ket-qua/{draft.pk}/cong-bo/").status_code == 403


def test_the_migration_publishes_the_result_sets_that_existed_before_drafts():
    from importlib import import_module

    from django.db.migrations import AddField

    migration = import_module("chiso.results.migrations.0002_versions_and_publication").Migration
    added = next(op for op in migration.operations if isinstance(op, AddField) and op.name == "status")
    assert added.field.default == "published"
    assert ResultSet._meta.get_field("status").default == "draft"


def test_national_tables_are_loaded_by_the_top_organiser_not_by_its_districts(client):
    from chiso.units.models import Organiser

    province = Organiser.objects.create(code="so-noi-vu-22", name="Sở Nội vụ tỉnh Quảng Ninh")
    district = Organiser.objects.create(
        code="phong-noi-vu-198", name="Phòng Nội vụ huyện Bình Liêu", parent=province
    )
    for username, organiser in (("sonoivu", province), ("phongnoivu", district)):
        user = User.objects.create_user(username, "", "pw")
        Membership.objects.create(user=user, role=Role.OFFICER, organiser=organiser)
    draft = ResultSet.objects.get(index__code="papi", year=2021)
    client.force_login(User.objects.get(username="phongnoivu"))
    assert upload(client).status_code == 403
    assert client.post(f"/dieu-hanh/bang-ket-qua/{draft.pk}/cong-bo/").status_code == 403
    client.force_login(User.objects.get(username="sonoivu"))
    response = upload(client)
    assert response.status_code == 200 and "token" in response.context
