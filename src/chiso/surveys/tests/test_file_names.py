"""Questionnaires and response files keep the cleaned names of their files (issue 10, attack 9)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from chiso.surveys import services

pytestmark = pytest.mark.django_db


def test_questionnaire_and_response_files_are_stored_under_clean_names(
    db, form_file, departments, responses_file, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    form = ContentFile(form_file.read_bytes(), name="bang-hoi\u202exslx.xlsx")
    questionnaire = services.import_questionnaire(form)
    assert questionnaire.original_name == "bang-hoixslx.xlsx"
    survey = services.create_survey(questionnaire, "Hài lòng các sở 2025", 2025, "department")
    answers = ContentFile(responses_file.read_bytes(), name="\u2067phieu\u2069\r\n.csv")
    batch = services.import_responses(survey, answers)
    assert batch.file_name == "phieu.csv"


def test_the_valid_rows_step_cannot_smuggle_a_name(client, survey, people, tmp_path):
    """The second step of an import posts the file's name back as a plain field, which Django's
    upload handling does not clean (it cleans only the names of uploaded files)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from chiso.core.once import new_token
    from chiso.surveys.models import ImportBatch
    from chiso.surveys.tests.conftest import make_rows, write

    client.force_login(people["officer"])
    rows = make_rows({"Sở Tư pháp": 0.9}, per_unit=5)
    rows[1]["don_vi"] = "Sở Tư phát"
    path = write(rows, tmp_path / "kobo.csv")
    url = reverse("surveys:import", args=[survey.pk])
    started = client.post(
        url, {"file": SimpleUploadedFile("kobo.csv", path.read_bytes()), "once": new_token()}
    )
    stored = client.get(started.url).context["job"].next_step["fields"]["stored"]
    done = client.post(url, {"stored": stored, "name": "phieu\u202evsc.exe\n.csv", "once": new_token()})
    assert done.status_code == 302
    assert ImportBatch.objects.get().file_name == "phieuvsc.exe.csv"
    assert "\u202e" not in client.get(done.url).content.decode()
