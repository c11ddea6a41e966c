"""Evidence keeps the cleaned name of its file: no bidirectional override reaches a page, the
audit or the download header (issue 10, attack 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments import evidence as evidence_service
from chiso.assessments.models import AuditEntry
from chiso.assessments.tests.helpers import PDF

pytestmark = pytest.mark.django_db

SPOOFED = "Biên bản\u202e\u200b họp\x07.pdf"


def test_evidence_is_stored_shown_and_audited_under_its_clean_name(client, cycle, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = cycle.assessments.get(unit__code="QN.STP")
    upload = SimpleUploadedFile(SPOOFED, PDF, content_type="application/pdf")
    evidence = evidence_service.add_evidence(people["staff"], assessment, "3.2", upload)
    assert evidence.original_name == "Biên bản họp.pdf"
    entry = AuditEntry.objects.filter(action="add_evidence").latest("pk")
    assert entry.after is not None and entry.after["name"] == "Biên bản họp.pdf"
    client.force_login(people["staff"])
    response = client.get(reverse("assessments:evidence", args=[assessment.pk, evidence.pk]))
    assert "\u202e" not in response["Content-Disposition"]
