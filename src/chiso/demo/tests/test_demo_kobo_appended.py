"""The probe of issue 10 on the demo: the demo's Kobo file appended to itself, uploaded on the
survey's import page, made polars panic — a BaseException that went past Django's handling as a
bare 500. It is refused, naming the repeated header, and nothing is written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.core.once import new_token
from chiso.data import data_path
from chiso.demo.build import seed_demo
from chiso.demo.surveys import SURVEY_TITLES
from chiso.surveys import services as surveys
from chiso.surveys.models import ImportBatch, Survey


@pytest.mark.django_db
def test_the_demo_kobo_file_appended_to_itself_is_refused(monkeypatch, client):
    monkeypatch.setenv("CHISO_DEMO", "1")
    seed_demo(out=io.StringIO(), today=date.today())
    survey = Survey.objects.get(title=SURVEY_TITLES[2025])
    sample = data_path("demo", "sipas-2025-kobo-demo.csv").read_bytes()
    client.force_login(User.objects.get(username="sonoivu"))
    before = surveys.response_counts(survey).count, ImportBatch.objects.count()
    for data in (sample + sample, sample + b"\r\n".join(sample.split(b"\r\n")[1:])):
        response = client.post(
            reverse("surveys:import", args=[survey.pk]),
            {"file": SimpleUploadedFile("sipas-2025-kobo-demo.csv", data), "once": new_token()},
            follow=True,  # to the import's job page
        )
        job = response.context["job"]
        assert job.state == "failed"
        assert "Dòng 398: lặp lại dòng tiêu đề" in job.error or job.problems
    assert (surveys.response_counts(survey).count, ImportBatch.objects.count()) == before
