"""The officer's monthly page: officer only, bounded queries, upload, compute, assign a fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.dossiers import services
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport
from chiso.plans.models import PlanItem
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> list[str]:
    Unit.objects.create(level="province", code="99", name="Tỉnh Thử")
    for i in range(1, 4):
        Unit.objects.create(level="commune", code=f"9900{i}", name=f"Xã Thử {i}", parent_code="99")
    return ["99001", "99002", "99003"]


@pytest.fixture
def officer() -> Client:
    user = User.objects.create_superuser("admin766", password="x-very-long-pass")
    client = Client()
    client.force_login(user)
    return client


def _month(tmp_path: Path, units: list[str], month: int, seed: int) -> None:
    dossiers, procedures = write(
        generate(units, date(2025, month, 1), 900, seed=seed), tmp_path / f"m{month}.parquet"
    )
    assert services.import_file(dossiers).ok
    assert services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES).ok


def test_anonymous_and_plain_users_cannot(units: list[str]) -> None:
    assert Client().get(reverse("dossiers:month")).status_code == 302
    plain = User.objects.create_user("plain", password="x-very-long-pass")
    client = Client()
    client.force_login(plain)
    assert client.get(reverse("dossiers:month")).status_code == 403
    assert client.post(reverse("dossiers:compute"), {"period": "2025-10"}).status_code == 403


def test_page_ranks_losses_and_bounded_queries(tmp_path: Path, units: list[str], officer: Client) -> None:
    _month(tmp_path, units, 9, 1)
    _month(tmp_path, units, 10, 2)
    assert officer.post(reverse("dossiers:compute"), {"period": "2025-09"}).status_code == 302
    answer = officer.post(reverse("dossiers:compute"), {"period": "2025-10"})
    assert answer.status_code == 302 and "ky=2025-10" in answer["Location"]
    with CaptureQueriesContext(connection) as queries:
        page = officer.get(reverse("dossiers:month") + "?ky=2025-10")
    assert page.status_code == 200
    assert len(queries) <= 20
    text = page.content.decode()
    assert "Xã Thử 1" in text and "/3" in text and "<svg" in text
    assert 'id="losses"' in text


def test_upload_bad_file_writes_nothing_and_assign_makes_a_plan_item(
    tmp_path: Path, units: list[str], officer: Client
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("dossier_id,unit_code\nX1,99001\n", encoding="utf-8")
    with bad.open("rb") as handle:
        officer.post(reverse("dossiers:upload"), {"file": handle, "kind": "dossiers"})
    assert DossierImport.objects.count() == 0
    good, _ = write(generate(units, date(2025, 10, 1), 300, seed=3), tmp_path / "good.csv")
    with good.open("rb") as handle:
        officer.post(reverse("dossiers:upload"), {"file": handle, "kind": "dossiers"})
    assert DossierImport.objects.get().rows > 0
    answer = officer.post(
        reverse("dossiers:assign"), {"unit": "99002", "procedure": "P001", "period": "2025-10"}
    )
    assert answer.status_code == 302
    item = PlanItem.objects.get()
    assert item.lead.code == "99002" and "P001" in item.actions
