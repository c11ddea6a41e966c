"""An index of several levels: a month of the 766 for Quảng Ninh's departments and communes is one
result set per level, each ranking its units among their own level, on every results page."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client, RequestFactory

from chiso.accounts.models import Membership, Role
from chiso.core.once import new_token
from chiso.demo.people import PROVINCE_CODE, communes, departments
from chiso.dossiers import services
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.dossiers.tests.test_result_sets import organiser_maxima
from chiso.engine.ranking import rank
from chiso.plans.models import Plan
from chiso.results.levels import requested_level
from chiso.results.models import ResultSet
from chiso.results.services import reference_date
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

RANKING = "/ket-qua/dvc766/2025/"
MONTH = "?ky=2025-10"


@pytest.fixture
def quang_ninh() -> dict[str, list[str]]:
    """The demo's Quảng Ninh: its 14 departments and 8 of its communes (official codes)."""
    Unit.objects.get_or_create(level="province", code=PROVINCE_CODE, defaults={"name": "Quảng Ninh"})
    return {
        "department": sorted(u.code for u in departments().values()),
        "commune": sorted(u.code for u in communes().values()),
    }


@pytest.fixture
def month(tmp_path: Path, quang_ninh: dict[str, list[str]]) -> DossierRun:
    """October 2025 of generated dossiers for the departments and communes, computed (a framework
    with every maximum set, so that totals exist)."""
    framework = services.framework()
    framework.definition = organiser_maxima(framework.definition)
    framework.save()
    codes = [*quang_ninh["department"], *quang_ninh["commune"], "22.NOPE"]
    dossiers, procedures = write(generate(codes, date(2025, 10, 1), 3000, seed=14), tmp_path / "m.parquet")
    assert services.import_file(dossiers).ok
    assert services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES).ok
    return services.compute("2025-10")


def expected(run: DossierRun, codes: list[str]) -> dict[str, int]:
    """The ranks of these units' totals among themselves, from the run's own scores."""
    totals = {code: Decimal(run.scores[code]["total"]) for code in codes}
    ranking = rank(totals, 2)
    return {code: r for code in codes if (r := ranking.rank_of(code)) is not None}


def peers(level: str) -> int:
    """How many units of the level Quảng Ninh has on the month's last day (the N of "x/N")."""
    on = reference_date(2025, "2025-10")
    rows = Unit.objects.filter(level=level, parent_code=PROVINCE_CODE)
    return sum(1 for u in rows if (u.valid_from or on) <= on and on <= (u.valid_to or on))


def test_a_month_is_one_result_set_per_level(month: DossierRun, quang_ninh: dict[str, list[str]]) -> None:
    sets = {rs.level: rs for rs in month.result_sets.all()}
    assert sorted(sets) == ["commune", "department"]
    assert month.unmatched == ["22.NOPE"]
    for level, codes in quang_ninh.items():
        stored = set(sets[level].unit_results.values_list("unit__code", flat=True))
        assert stored == set(codes) and sets[level].status == ResultSet.Status.PUBLISHED
        assert sets[level].method["level"] == level
    # Computed again: each level gets its own next version, the earlier kept.
    again = {rs.level: rs for rs in services.compute("2025-10").result_sets.all()}
    assert {level: rs.version for level, rs in again.items()} == {"department": 2, "commune": 2}
    for old in sets.values():
        old.refresh_from_db()
        assert old.status == ResultSet.Status.SUPERSEDED


def test_communes_are_ranked_among_communes_only(
    client: Client, month: DossierRun, quang_ninh: dict[str, list[str]]
) -> None:
    for level, query in (("commune", MONTH + "&cap=commune"), ("department", MONTH)):
        response = client.get(RANKING + query)
        assert response.status_code == 200
        rows = {row["code"]: row["rank"] for row in response.context["rows"]}
        of = peers(level)
        assert of >= len(quang_ninh[level])
        scored = {c: r for c, r in rows.items() if r != "–"}  # the peers without dossiers: no rank
        assert scored == {c: f"{r}/{of}" for c, r in expected(month, quang_ninh[level]).items()}
        assert len(rows) == of and all(
            u.level == level for u in Unit.objects.filter(code__in=rows, parent_code=PROVINCE_CODE)
        )
    page = client.get(RANKING + MONTH + "&cap=commune").content.decode()
    # The level selector, the profile links and the period's links keep the level.
    assert f'href="{RANKING}?ky=2025-10"' in page  # the departments
    commune = quang_ninh["commune"][0]
    assert f"{RANKING}{commune}/?ky=2025-10&amp;cap=commune" in page
    assert "Xã, phường, đặc khu" in page


def test_unknown_or_empty_levels_are_refused(client: Client, month: DossierRun) -> None:
    assert client.get(RANKING + MONTH + "&cap=huyen").status_code == 404
    with pytest.raises(Http404, match=r"Chỉ số 766 không xếp hạng cấp “huyen”\. Có các cấp: department"):
        requested_level(RequestFactory().get(RANKING, {"cap": "huyen"}), month.framework.index)
    assert client.get(RANKING + MONTH + "&cap=district").status_code == 404  # a level without results
    assert client.get("/ket-qua/papi/2021/?cap=commune").status_code == 404


def test_a_communes_pages_use_its_level(
    client: Client, month: DossierRun, quang_ninh: dict[str, list[str]]
) -> None:
    commune = quang_ninh["commune"][0]
    ranks = expected(month, quang_ninh["commune"])
    profile = client.get(f"{RANKING}{commune}/{MONTH}")
    assert profile.status_code == 200
    assert profile.context["rank"] == f"{ranks[commune]}/{peers('commune')}"
    losses = client.get(f"/ke-hoach/phan-tich/dvc766/2025/{commune}/{MONTH}")
    assert losses.status_code == 200
    assert f"/ke-hoach/phan-tich/dvc766/2025/{commune}/gia-dinh/?ky=2025-10&amp;cap=commune" in (
        losses.content.decode()
    )
    whatif = client.post(
        f"/ke-hoach/phan-tich/dvc766/2025/{commune}/gia-dinh/{MONTH}", {"v_2.1": "20"}, HTTP_HX_REQUEST="true"
    )
    assert whatif.status_code == 200 and 'class="new-rank"' in whatif.content.decode()
    # A department asked among the communes is not one of them.
    department = quang_ninh["department"][0]
    assert client.get(f"{RANKING}{department}/{MONTH}&cap=commune").status_code == 404


def test_a_fix_is_planned_for_a_commune(
    client: Client, month: DossierRun, quang_ninh: dict[str, list[str]]
) -> None:
    officer = User.objects.create_user("sonoivu14", password="x-very-long-pass")
    Membership.objects.create(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    commune = quang_ninh["commune"][0]
    propose = f"/ke-hoach/phan-tich/dvc766/2025/{commune}/de-xuat/{MONTH}&cap=commune"
    assert client.get(propose + "&nguong=100").status_code == 200
    lead = Unit.objects.get(level="commune", code=commune, valid_to=None)
    post = {"nguong": "100", "2.1-keep": "on", "2.1-lead": lead.pk, "2.1-deadline": "31/12/2026"}
    response = client.post(propose, post | {"once": new_token()})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    assert (plan.period, plan.unit.code, plan.unit.level) == ("2025-10", commune, "commune")
    assert plan.title in client.get(f"/ke-hoach/phan-tich/dvc766/2025/{commune}/{MONTH}").content.decode()


def test_the_officers_page_links_each_levels_ranking(client: Client, month: DossierRun) -> None:
    officer = User.objects.create_user("sonoivu14b", password="x-very-long-pass")
    Membership.objects.create(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    page = client.get("/dieu-hanh/chi-so-766/?ky=2025-10").content.decode()
    assert f'href="{RANKING}?ky=2025-10"' in page and f'href="{RANKING}?ky=2025-10&amp;cap=commune"' in page


def test_the_level_pages_have_bounded_queries(
    client: Client,
    month: DossierRun,
    quang_ninh: dict[str, list[str]],
    django_assert_max_num_queries: Any,
) -> None:
    commune = quang_ninh["commune"][0]
    client.get(RANKING + MONTH + "&cap=commune")  # the registries and analyses, built once
    for url, most in (
        (RANKING + MONTH + "&cap=commune", 12),  # as many as the departments' ranking
        (f"{RANKING}{commune}/{MONTH}", 13),  # one more: the unit's level
        (f"{RANKING}{commune}/{MONTH}&cap=commune", 12),
        (f"/ke-hoach/phan-tich/dvc766/2025/{commune}/{MONTH}", 14),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_a_department_and_a_commune_set_coexist(month: DossierRun) -> None:
    department = month.result_sets.get(level="department")
    with pytest.raises(IntegrityError), transaction.atomic():  # two published of one level: refused
        ResultSet.objects.create(
            index=department.index,
            year=2025,
            period="2025-10",
            level="department",
            framework=department.framework,
            dataset=department.dataset,
            version=9,
            status=ResultSet.Status.PUBLISHED,
        )
    assert month.result_sets.filter(status=ResultSet.Status.PUBLISHED).count() == 2


def test_the_command_line_takes_the_level(
    month: DossierRun, quang_ninh: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from chiso.cli.main import main

    assert main(["dossiers", "compute", "--period", "2025", "--level", "commune"]) in (0, None)
    out = capsys.readouterr().out
    listed = {line.split()[1] for line in out.splitlines() if re.match(r"\s*(\d+/\d+|-)  ", line)}
    assert listed == set(quang_ninh["commune"])  # the communes' ranking only
    assert "Đã ghi bộ kết quả dvc766 2025, cấp commune" in out and "cấp department" in out
    assert main(["ranking", "dvc766", "2025", "--level", "commune", "--format", "json"]) in (0, None)
    ranked = {row["code"] for row in json.loads(capsys.readouterr().out)["rows"] if row["rank"]}
    assert ranked == set(quang_ninh["commune"])
    assert main(["ranking", "dvc766", "2025", "--format", "json"]) in (0, None)
    ranked = {row["code"] for row in json.loads(capsys.readouterr().out)["rows"] if row["rank"]}
    assert ranked == set(quang_ninh["department"])
    commune = quang_ninh["commune"][0]
    assert main(["profile", "dvc766", "2025", commune, "--format", "json"]) in (0, None)
    assert json.loads(capsys.readouterr().out)["of"] == peers("commune")
    assert main(["ranking", "dvc766", "2025", "--level", "huyen"]) not in (0, None)
    assert "không xếp hạng cấp “huyen”" in capsys.readouterr().err
