"""The officer's monthly page: officer only, bounded queries, upload and compute as background jobs,
peers by level with the province apart, unknown codes named, assign a fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.dossiers import services
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.jobs.models import Job
from chiso.plans.models import PlanItem
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

COMMUNES = ["99001", "99002", "99003"]
DEPARTMENTS = ["99.SA", "99.SB"]


@pytest.fixture
def units() -> list[str]:
    Unit.objects.create(level="province", code="99", name="Tỉnh Thử")
    for i, code in enumerate(COMMUNES, start=1):
        Unit.objects.create(level="commune", code=code, name=f"Xã Thử {i}", parent_code="99")
    for code in DEPARTMENTS:
        Unit.objects.create(level="department", code=code, name=f"Sở Thử {code[-1]}", parent_code="99")
    return COMMUNES + DEPARTMENTS


@pytest.fixture
def officer() -> Client:
    user = User.objects.create_superuser("admin766", password="x-very-long-pass")
    client = Client()
    client.force_login(user)
    return client


def _month(tmp_path: Path, units: list[str], month: int, seed: int) -> None:
    dossiers, procedures = write(
        generate(units, date(2025, month, 1), 900, seed=seed, publishers=["99"]),
        tmp_path / f"m{month}.parquet",
    )
    assert services.import_file(dossiers).ok
    assert services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES).ok


def _upload(client: Client, path: Path, kind: str = "dossiers"):
    with path.open("rb") as handle:
        return client.post(reverse("dossiers:upload"), {"file": handle, "kind": kind})


def test_anonymous_and_plain_users_cannot(units: list[str]) -> None:
    assert Client().get(reverse("dossiers:month")).status_code == 302
    plain = User.objects.create_user("plain", password="x-very-long-pass")
    client = Client()
    client.force_login(plain)
    assert client.get(reverse("dossiers:month")).status_code == 403
    assert client.post(reverse("dossiers:compute"), {"period": "2025-10"}).status_code == 403
    assert not Job.objects.exists()


def test_upload_and_compute_run_as_jobs_and_the_result_is_on_the_page(
    tmp_path: Path, units: list[str], officer: Client
) -> None:
    dossiers, procedures = write(
        generate(units, date(2025, 10, 1), 900, seed=4, publishers=["99"]), tmp_path / "oct.csv"
    )
    answer = _upload(officer, dossiers)
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("jobs:job", args=[job.pk])
    assert job.state == Job.State.DONE and job.kind == "chiso.dossiers.jobs:import_dossier_file"
    assert "Đã nhập 900/900 dòng" in job.message
    assert DossierImport.objects.get().file_name == "oct.csv"  # the sender's name, not the job's copy
    _upload(officer, procedures, kind="procedures")
    answer = officer.post(reverse("dossiers:compute"), {"period": "2025-10"})
    job = Job.objects.order_by("-created_at")[0]
    assert job.state == Job.State.DONE and job.result_url.endswith("?ky=2025-10")
    assert job.total == 2 and job.done == 2
    shown = officer.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "?ky=2025-10" in shown and "tháng 10/2025" in shown
    page = officer.get(job.result_url).content.decode()
    assert "Xã Thử 1" in page and "Sở Thử A" in page and 'id="ranks-commune"' in page
    assert '<option value="2025-10" selected>tháng 10/2025</option>' in page
    published = reverse("results:ranking", args=["dvc766", 2025]) + "?ky=2025-10"
    assert f'href="{published}"' in page  # the result set the computation published
    assert officer.get(published).status_code == 200


def test_a_bad_file_job_fails_naming_row_and_field_and_writes_nothing(
    tmp_path: Path, units: list[str], officer: Client
) -> None:
    dossiers, _ = write(generate(units, date(2025, 10, 1), 50, seed=3), tmp_path / "good.csv")
    frame = pl.read_csv(dossiers, infer_schema=False)
    bad = tmp_path / "bad.csv"
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 6)
        .then(pl.lit("32/10/2025"))
        .otherwise("received_at")
        .alias("received_at")
    ).write_csv(bad)
    _upload(officer, bad)
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "bad.csv" in job.error and "chưa ghi dòng nào" in job.error
    assert job.problems[0].startswith("Dòng 8, cột received_at:") and "32/10/2025" in job.problems[0]
    assert not DossierImport.objects.exists() and services.files("dossiers") == []
    shown = officer.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "Dòng 8, cột received_at" in shown


def test_a_wrong_file_type_or_period_is_refused_on_the_form(
    units: list[str], officer: Client, tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("x", encoding="utf-8")
    answer = _upload(officer, text)
    assert answer.status_code == 422 and "Tệp phải là .csv hoặc .parquet." in answer.content.decode()
    answer = officer.post(reverse("dossiers:compute"), {"period": "2025-13"})
    assert answer.status_code == 422 and "không hợp lệ" in answer.content.decode()
    assert not Job.objects.exists()


def test_unknown_unit_codes_are_listed_row_by_row_and_named_on_the_page(
    tmp_path: Path, units: list[str], officer: Client
) -> None:
    dossiers, _ = write(generate([*units, "77777"], date(2025, 10, 1), 400, seed=8), tmp_path / "oct.csv")
    rows = pl.read_csv(dossiers, infer_schema=False)
    unknown_lines = [i + 2 for i, code in enumerate(rows["unit_code"]) if code == "77777"]
    _upload(officer, dossiers)
    job = Job.objects.get()
    assert job.state == Job.State.DONE  # imported, and the rows listed
    assert job.problems[0].startswith(f"{len(unknown_lines)} dòng có mã đơn vị không có trong danh mục")
    assert "77777" in job.problems[0]
    assert job.problems[1] == (
        f"Dòng {unknown_lines[0]}, cột unit_code: mã đơn vị “77777” không có trong danh mục đơn vị."
    )
    services.compute("2025-10")
    page = officer.get(reverse("dossiers:month")).content.decode()
    assert "77777 (mã không có trong danh mục)" in page and 'id="ranks-unknown"' in page


def test_province_apart_departments_and_communes_ranked_as_peers(
    tmp_path: Path, units: list[str], officer: Client
) -> None:
    _month(tmp_path, units, 9, 1)
    _month(tmp_path, units, 10, 2)
    services.compute("2025-09")
    services.compute("2025-10")
    with CaptureQueriesContext(connection) as queries:
        answer = officer.get(reverse("dossiers:month") + "?ky=2025-10")
    assert answer.status_code == 200
    assert len(queries) <= 20
    context = answer.context
    own = [o["unit"].code for o in context["own"]]
    assert own == ["99"]
    groups = {g.level: g for g in context["peer_groups"]}
    assert set(groups) == {"commune", "department"}
    assert sorted(row.code for row, _unit, _cells in groups["commune"].rows) == COMMUNES
    assert groups["commune"].of == 3 and groups["department"].of == 2
    ranks = [row.rank for row, _unit, _cells in groups["department"].rows]
    assert sorted(r for r in ranks if r) == [1, 2] or ranks.count(1) == 2
    text = answer.content.decode()
    assert "Số liệu của tỉnh" in text and "/3" in text and "/2" in text and "<svg" in text
    assert "tháng 9/2025" in text


def test_procedure_names_from_the_procedures_file(tmp_path: Path, units: list[str], officer: Client) -> None:
    _month(tmp_path, units, 10, 2)
    run = services.compute("2025-10")
    code = run.losses[0]["procedure_code"]
    named = tmp_path / "names.csv"
    pl.DataFrame(
        {
            "Mã TTHC": [code],
            "Mã đơn vị": ["99"],
            "Ngày công bố": ["01/09/2025"],
            "Tên thủ tục": ["Cấp giấy phép thử"],
        }
    ).write_csv(named)
    assert services.import_file(named, kind=DossierImport.Kind.PROCEDURES).ok
    text = officer.get(reverse("dossiers:month")).content.decode()
    assert f'Cấp giấy phép thử <span class="muted">({code})</span>' in text


def test_assign_makes_a_plan_item(tmp_path: Path, units: list[str], officer: Client) -> None:
    answer = officer.post(
        reverse("dossiers:assign"), {"unit": "99002", "procedure": "P001", "period": "2025-10"}
    )
    assert answer.status_code == 302
    item = PlanItem.objects.get()
    assert item.lead.code == "99002" and "P001" in item.actions
    assert not DossierRun.objects.exists()


def test_several_provinces_are_ranked_as_peers(tmp_path: Path, officer: Client) -> None:
    for code in ("97", "98"):
        Unit.objects.create(level="province", code=code, name=f"Tỉnh {code}")
    dossiers, _ = write(generate(["97", "98"], date(2025, 10, 1), 300, seed=9), tmp_path / "p.parquet")
    assert services.import_file(dossiers).ok
    services.compute("2025-10")
    context = officer.get(reverse("dossiers:month")).context
    assert context["own"] == []
    (group,) = context["peer_groups"]
    assert group.level == "province" and group.label == "Tỉnh, thành phố" and group.of == 2


def test_names_at_the_periods_date() -> None:
    from chiso.dossiers.page import UNKNOWN, names_at

    Unit.objects.create(level="commune", code="66001", name="Xã Cũ", valid_to=date(2025, 6, 30))
    Unit.objects.create(level="commune", code="66002", name="Phường Trước", valid_to=date(2025, 6, 30))
    Unit.objects.create(level="commune", code="66002", name="Phường Sau", valid_from=date(2025, 7, 1))
    named = names_at({"66001", "66002", "66999"}, date(2025, 10, 1))
    assert named["66002"].name == "Phường Sau"
    assert named["66001"].name == "Xã Cũ (không có hiệu lực ngày 01/10/2025)"
    assert named["66999"].name == "66999 (mã không có trong danh mục)" and named["66999"].level == UNKNOWN
    assert names_at({"66002"}, date(2025, 3, 1))["66002"].name == "Phường Trước"
