"""Evidence uploads are all or nothing: a refused file among several writes none of them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments.models import Evidence
from chiso.assessments.tests.helpers import PDF
from chiso.core.once import new_token

pytestmark = pytest.mark.django_db


def test_a_bad_file_among_several_writes_none(client, cycle, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = cycle.assessments.get(unit__code="QN.STP")
    client.force_login(people["staff"])
    files = [
        SimpleUploadedFile("Báo cáo.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("giả.pdf", b"MZ not a pdf", content_type="application/pdf"),
    ]
    response = client.post(
        reverse("assessments:upload", args=(assessment.pk, "3.2")),
        {"file": files, "once": new_token()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "giả.pdf" in response.text
    assert not Evidence.objects.filter(assessment=assessment).exists()
