"""`chiso setup` on an existing database adds the indices and frameworks shipped since, and leaves
what is there (an officer's edits) as it is."""

from __future__ import annotations

import io

import pytest

from chiso.bootstrap import ensure_ready
from chiso.frameworks.models import Framework, Index


@pytest.mark.django_db
def test_setup_adds_what_was_shipped_since_and_keeps_edits():
    Framework.objects.filter(code="dti-province-922-2022").delete()
    Index.objects.filter(code="papi").update(publisher="Edited by the officer")
    out = io.StringIO()
    ensure_ready(out=out)
    assert Framework.objects.filter(code="dti-province-922-2022", builtin=True).exists()
    assert "Đã nạp 1 khung tiêu chí." in out.getvalue()
    assert Index.objects.get(code="papi").publisher == "Edited by the officer"


@pytest.mark.django_db
def test_setup_on_a_complete_database_writes_nothing():
    out = io.StringIO()
    ensure_ready(out=out)
    assert "khung tiêu chí" not in out.getvalue()
