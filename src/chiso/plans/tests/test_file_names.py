"""A progress report's evidence keeps the cleaned name of its file (issue 10, attack 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.plans import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_report_s_evidence_is_stored_under_its_clean_name(plan, people):
    item = plan.items.get()
    period = services.reportable_periods(item)[0]
    report = services.submit_report(
        people["staff"],
        item,
        period=period,
        text="Đã ký hợp đồng",
        percent_done=30,
        evidence=SimpleUploadedFile("hop-dong\u202efdp.pdf", PDF),
    )
    assert report.evidence_name == "hop-dongfdp.pdf"
