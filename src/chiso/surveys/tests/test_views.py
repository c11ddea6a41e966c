"""The survey pages: who may do what, the import report and its valid-rows step, results, the link."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments.models import CriterionScore
from chiso.core.once import new_token
from chiso.surveys import services
from chiso.surveys.models import ImportBatch, Questionnaire, Response, Survey, SurveyResult
from chiso.surveys.tests.conftest import make_rows, write

pytestmark = pytest.mark.django_db


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture
def estimated(survey, responses_file):
    services.import_responses(survey, responses_file)
    services.estimate(survey)
    return survey


def test_results_are_for_inside_roles_unless_published(client, estimated, people):
    url = reverse("surveys:results", args=[estimated.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(people["staff"])
    assert client.get(url).status_code == 403
    assert estimated.title not in client.get(reverse("surveys:home")).content.decode()
    client.force_login(people["leader"])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sở Tư pháp" in text and "ci-whisker" in text and "không phân biệt được về thống kê" in text
    overall = SurveyResult.objects.get(
        survey=estimated, unit__code="QN.STP", respondent_type="*", level="overall"
    )
    assert f"{services.to_percent(overall.index):.2f}".replace(".", ",") in text
    assert client.get(url + "?chi-so=F1&loai=citizen").status_code == 200
    estimated.published = True
    estimated.save()
    client.logout()
    public = client.get(url)
    assert public.status_code == 200
    assert estimated.title in client.get(reverse("surveys:home")).content.decode()
    # the public reaches published surveys from every page's menu, and their results from the list
    assert f'href="{reverse("surveys:home")}"' in client.get("/").content.decode()
    assert url in client.get(reverse("surveys:home")).content.decode()
    # the method in words a citizen reads; the engine's technical line only for those who manage
    shown = public.content.decode()
    assert "hài lòng là chọn 4 hoặc 5" in shown and "Khoảng tin cậy 95%" in shown
    assert "Taylor" not in shown and "share satisfied" not in shown
    client.force_login(people["officer"])
    assert "Taylor linearisation" in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["staff", "head", "appraiser", "leader", None])
def test_only_officers_and_admins_import_estimate_and_link(client, survey, responses_file, people, who):
    if who:
        client.force_login(people[who])
    for name, data in (
        ("surveys:import", {"file": upload(responses_file)}),
        ("surveys:estimate", {}),
        ("surveys:paper", {}),
        ("surveys:link", {}),
    ):
        response = client.post(reverse(name, args=[survey.pk]), data)
        assert response.status_code in (302, 403)
        if who:
            assert response.status_code == 403
    for name in ("surveys:create", "surveys:upload_questionnaire"):
        assert client.get(reverse(name)).status_code in (302, 403)
    assert services.response_counts(survey).count == 0 and SurveyResult.objects.count() == 0


def test_import_report_then_valid_rows_only(client, survey, people, tmp_path):
    client.force_login(people["officer"])
    rows = make_rows({"Sở Tư pháp": 0.9, "Sở Y tế": 0.6}, per_unit=10)
    rows[1]["don_vi"] = "Sở Tư phát"
    rows[4]["q2"] = "8"
    path = write(rows, tmp_path / "kobo.csv")
    url = reverse("surveys:import", args=[survey.pk])
    started = client.post(url, {"file": upload(path), "once": new_token()})
    assert started.status_code == 302 and started.url.startswith("/viec/")
    page = client.get(started.url)  # the job ran (immediate backend): its page shows the report
    text = page.content.decode()
    assert "Chỉ nhập các dòng hợp lệ" in text and "gần nhất: Sở Tư pháp" in text
    assert services.response_counts(survey).count == 0
    job = page.context["job"]
    assert job.state == "failed" and job.problems
    stored = job.next_step["fields"]["stored"]
    done = client.post(url, {"stored": stored, "name": "kobo.csv", "once": new_token()})
    assert done.status_code == 302
    assert "Đã nhập 18 phiếu" in client.get(done.url).content.decode()
    assert services.response_counts(survey).count == 18
    batch = ImportBatch.objects.get()
    assert batch.valid_only and batch.invalid_rows == 2 and batch.file_name == "kobo.csv"
    assert batch.user == people["officer"]
    again = client.post(url, {"file": upload(path), "valid_only": "on", "once": new_token()})
    assert again.status_code == 302 and services.response_counts(survey).count == 18
    first = ImportBatch.objects.first()
    assert first is not None and first.duplicates == 18
    assert client.post(url, {"stored": "../../etc/passwd", "name": "x"}).status_code == 302


def test_questionnaire_upload_sipas_and_survey_creation(client, people, form_file, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(people["officer"])
    home = client.get(reverse("surveys:home")).content.decode()
    assert "Dùng bảng hỏi SIPAS có sẵn" in home
    response = client.post(reverse("surveys:use_sipas"))
    sipas = Questionnaire.objects.get(origin="shipped")
    assert response.url == reverse("surveys:questionnaire", args=[sipas.pk])
    assert "Tiếp cận dịch vụ" in client.get(response.url).content.decode()
    response = client.post(
        reverse("surveys:upload_questionnaire"), {"file": upload(form_file), "satisfied": "5"}
    )
    mine = Questionnaire.objects.get(origin="upload")
    assert mine.satisfied == "5"
    bad = client.post(
        reverse("surveys:upload_questionnaire"), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert "XLSForm" in bad.content.decode() and Questionnaire.objects.count() == 2
    response = client.post(
        reverse("surveys:create"),
        {
            "questionnaire": mine.pk,
            "title": "Sở 2025",
            "year": 2025,
            "unit_level": "department",
            "aggregation": "pooled",
            "singleton": "skip",
            "min_n": 20,
            "once": new_token(),
        },
    )
    created = Survey.objects.get()
    assert (
        response.url == reverse("surveys:survey", args=[created.pk])
        and created.created_by == people["officer"]
    )


def test_paper_form_estimate_and_link(client, survey, responses_file, people, departments, cycle):
    client.force_login(people["officer"])
    services.import_responses(survey, responses_file)
    url = reverse("surveys:paper", args=[survey.pk])
    assert "Công chức tận tình" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "unit": departments[1].pk,
            "respondent_type": "citizen",
            "q_q1": "5",
            "q_q2": "",
            "q_q3": "4",
            "once": new_token(),
        },
    )
    assert response.status_code == 302
    paper = Response.objects.get(source="paper")
    assert paper.entered_by == people["officer"] and paper.answers == {"q1": "5", "q3": "4"}
    response = client.post(reverse("surveys:estimate", args=[survey.pk]))
    assert reverse("surveys:results", args=[survey.pk]) in client.get(response.url).content.decode()
    link = reverse("surveys:link", args=[survey.pk])
    page = client.get(link + f"?ky={cycle.pk}").content.decode()
    assert "8.1" in page and "8.2" in page
    response = client.post(link, {"cycle": cycle.pk, "c_8.1": "overall", "c_8.2": "F1"})
    assert response.status_code == 200 and "Đã cập nhật 4 tiêu chí" in response.content.decode()
    assert CriterionScore.objects.filter(assessment__cycle=cycle, survey_index__isnull=False).count() == 4
    detail = client.get(reverse("surveys:survey", args=[survey.pk])).content.decode()
    assert "responses.csv" in detail and "phiếu giấy" in detail


def test_results_in_english(client, estimated, people, settings):
    client.force_login(people["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("surveys:results", args=[estimated.pk])).content.decode()
    assert "Indistinguishable from" in text and "statistically indistinguishable" in text
    overall = SurveyResult.objects.get(
        survey=estimated, unit__code="QN.STP", respondent_type="*", level="overall"
    )
    assert f"{services.to_percent(overall.index):.2f}" in text


def test_survey_forms_posted_twice_create_one_row(
    client, survey, responses_file, people, departments, tmp_path
):
    """A survey, a paper questionnaire, an import: each form posted twice is taken once — and two
    paper questionnaires with the same answers are two rows when they are two forms."""
    client.force_login(people["officer"])

    def token(address: str) -> str:
        found = re.search(r'name="once" value="([^"]+)"', client.get(address).content.decode())
        assert found is not None
        return found.group(1)

    created = {
        "once": token(reverse("surveys:create")),
        "questionnaire": survey.questionnaire_id,
        "title": "Sở 2026",
        "year": 2026,
        "unit_level": "department",
        "aggregation": "pooled",
        "singleton": "skip",
        "min_n": 20,
    }
    for _twice in range(2):
        client.post(reverse("surveys:create"), created)
    assert Survey.objects.filter(title="Sở 2026").count() == 1

    paper = reverse("surveys:paper", args=[survey.pk])
    sheet = {"unit": departments[1].pk, "respondent_type": "citizen", "q_q1": "5", "q_q3": "4"}
    same = token(paper)
    for _twice in range(2):
        client.post(paper, {**sheet, "once": same})
    assert Response.objects.filter(survey=survey, source="paper").count() == 1
    client.post(paper, {**sheet, "once": token(paper)})  # another sheet with the same answers
    assert Response.objects.filter(survey=survey, source="paper").count() == 2

    imported = reverse("surveys:import", args=[survey.pk])
    same = token(imported)
    for _twice in range(2):
        client.post(imported, {"file": upload(responses_file), "once": same})
    assert ImportBatch.objects.filter(survey=survey).count() == 1


def test_the_results_page_is_kept_per_version_of_the_results(
    client, estimated, people, monkeypatch, settings, django_assert_max_num_queries
):
    """Kept as HTML (`chiso.core.pagecache`): the same as a fresh render, in a few queries, per
    user's right to the technical details, and renewed by a new estimation or a change of the survey."""
    from chiso.core import generation, pagecache

    monkeypatch.setattr(generation, "pending", lambda: False)  # as in production: the fixtures committed
    token = re.compile(r"[A-Za-z0-9]{64}")  # the masked CSRF token: another for every request
    url = reverse("surveys:results", args=[estimated.pk])
    client.force_login(people["leader"])
    settings.CHISO_PAGE_CACHE = False
    fresh = token.sub("", client.get(url).content.decode())
    settings.CHISO_PAGE_CACHE = True
    assert token.sub("", client.get(url).content.decode()) == fresh
    hits = pagecache.stats["hit"]
    with django_assert_max_num_queries(9):  # session, user, roles, survey, version, the menu
        assert token.sub("", client.get(url).content.decode()) == fresh
    assert pagecache.stats["hit"] == hits + 1
    client.force_login(people["officer"])  # manages surveys: the technical details
    assert "Chi tiết kỹ thuật" in client.get(url).content.decode()
    client.force_login(people["leader"])
    assert "Chi tiết kỹ thuật" not in client.get(url).content.decode()
    estimated.title = "Hài lòng các sở 2025 (sửa)"
    estimated.save()
    assert "Hài lòng các sở 2025 (sửa)" in client.get(url).content.decode()
    before = SurveyResult.objects.filter(survey=estimated).values_list("pk", flat=True).first()
    services.estimate(estimated)  # new rows: a new version
    assert SurveyResult.objects.filter(survey=estimated).values_list("pk", flat=True).first() != before
    kept = pagecache.stats["kept"]
    client.get(url)
    assert pagecache.stats["kept"] == kept + 1
