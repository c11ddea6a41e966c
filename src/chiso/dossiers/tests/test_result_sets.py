"""A 766 computation is the index's result set of its period: ranking, profile, points lost, what-if
and plans work on a month as on any index-year; annual indices and reports are unchanged."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.core.once import new_token
from chiso.dossiers import services
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.engine.numbers import round_half_up
from chiso.engine.ranking import rank
from chiso.frameworks.models import Framework
from chiso.plans.models import Plan
from chiso.results.models import ResultSet
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

DEPARTMENTS = ["T99.S1", "T99.S2", "T99.S3", "T99.S4", "T99.S5"]
UNKNOWN = "T99.NOPE"
RANKING = "/ket-qua/dvc766/2025/"


def organiser_maxima(definition: dict[str, Any]) -> dict[str, Any]:
    """The shipped 766 framework with every maximum set and every leaf scored proportionally, as an
    organiser would set them (group 1 is criterion 1.1 alone): so that totals exist. Test data only."""
    found = copy.deepcopy(definition)
    maxima = {"1": 18, "1.1": 18, "3": 22, "3.1": 8, "3.2": 7, "3.3": 7, "4": 22, "4.1": 8, "4.2": 7}
    maxima |= {"4.3": 7, "5.1": 6, "5.2": 6, "5.3": 6}

    def walk(node: dict[str, Any]) -> None:
        node["children"] = [c for c in node.get("children", []) if c["code"] != "1.2"]
        if node["code"] in maxima:
            node["max_points"] = maxima[node["code"]]
        node["method"] = "data"
        if not node["children"]:
            node["rule"] = {"type": "proportional", "params": {"when_no_occurrence": "full"}}
        for child in node["children"]:
            walk(child)

    walk(found["root"])
    return found


@pytest.fixture
def units() -> list[str]:
    Unit.objects.create(level="province", code="99", name="Tỉnh Thử")
    for i, code in enumerate(DEPARTMENTS, start=1):
        Unit.objects.create(level="department", code=code, name=f"Sở Thử {i}", kind="sở", parent_code="99")
    return DEPARTMENTS


@pytest.fixture
def with_totals() -> Framework:
    framework = services.framework()
    framework.definition = organiser_maxima(framework.definition)
    framework.save()
    return framework


def import_month(tmp_path: Path, codes: list[str], month: int, seed: int) -> None:
    dossiers, procedures = write(
        generate(codes, date(2025, month, 1), 1200, seed=seed), tmp_path / f"m{month}.parquet"
    )
    assert services.import_file(dossiers).ok
    assert services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES).ok


@pytest.fixture
def two_months(tmp_path: Path, units: list[str], with_totals: Framework) -> tuple[DossierRun, DossierRun]:
    import_month(tmp_path, [*units, UNKNOWN], 10, 11)
    import_month(tmp_path, [*units, UNKNOWN], 11, 12)
    return services.compute("2025-10"), services.compute("2025-11")


def expected_ranks(run: DossierRun) -> dict[str, int]:
    """The ranks of a run's totals, from its own scores (not from the result set)."""
    totals = {code: Decimal(v["total"]) for code, v in run.scores.items() if "total" in v and code != UNKNOWN}
    ranking = rank(totals, 2)
    return {code: r for code in totals if (r := ranking.rank_of(code)) is not None}


def test_each_period_is_a_published_result_set_of_its_units(
    two_months: tuple[DossierRun, DossierRun],
) -> None:
    october, november = two_months
    sets = ResultSet.objects.filter(index__code="dvc766").order_by("period")
    assert [(s.year, s.period, s.status) for s in sets] == [
        (2025, "2025-10", "published"),
        (2025, "2025-11", "published"),
    ]
    for run in two_months:
        written = run.result_sets.get()  # the departments': the only level with scores
        assert written.level == "department" and run.unmatched == [UNKNOWN]
        assert written.method["dossiers"]["engine"] == "duckdb"
        assert written.method["dossiers"]["unmatched_units"] == [UNKNOWN]
        assert written.dataset.imported_file
        stored = {
            ur.unit.code: {v.node_code: v.value for v in ur.values.all()}
            for ur in written.unit_results.select_related("unit").prefetch_related("values")
        }
        scored = {
            c: {k: round_half_up(Decimal(v), 9) for k, v in vals.items()} for c, vals in run.scores.items()
        }
        assert stored == {c: vals for c, vals in scored.items() if c != UNKNOWN}  # kept to 9 decimals
    # Again: a new version is published, the earlier one kept.
    again = services.compute("2025-11")
    assert again.result_sets.get().version == 2
    assert november.result_sets.get().status == ResultSet.Status.SUPERSEDED
    assert october.result_sets.get().status == ResultSet.Status.PUBLISHED


def test_ranking_of_a_month_ranks_and_compares_with_the_month_before(
    client: Client, two_months: tuple[DossierRun, DossierRun]
) -> None:
    october, november = two_months
    response = client.get(RANKING + "?ky=2025-11")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ số 766 tháng 11/2025" in page and "tháng 10/2025" in page
    now, before = expected_ranks(november), expected_ranks(october)
    rows = {row["code"]: row for row in response.context["rows"]}
    assert set(rows) == set(DEPARTMENTS)
    for code in DEPARTMENTS:
        assert rows[code]["rank"] == f"{now[code]}/{len(DEPARTMENTS)}"
        moved = before[code] - now[code]
        assert rows[code]["change_rank"] == (f"+{moved}" if moved > 0 else str(moved))
    assert "?ky=2025-11" in page  # the profile links keep the month
    home = client.get(reverse("results:home")).content.decode()  # the latest month, and links to the others
    assert "Chỉ số 766 tháng 11/2025" in home and f"{RANKING}?ky=2025-10" in home
    assert client.get(RANKING + "?ky=2025-12").status_code == 404
    assert client.get(RANKING + "?ky=2024-11").status_code == 404  # not of the path's year
    assert client.get(RANKING + "?ky=tháng").status_code == 404


def test_a_month_without_totals_ranks_on_what_exists(
    client: Client, tmp_path: Path, units: list[str]
) -> None:
    import_month(tmp_path, units, 10, 3)
    run = services.compute("2025-10")  # the shipped framework: groups 3 and 4 without a maximum
    assert not any("total" in v for v in run.scores.values())
    node = services.ranked_node(run)
    response = client.get(RANKING + "?ky=2025-10")
    assert response.status_code == 200 and "Chưa tính được tổng điểm" in response.content.decode()
    values = {c: Decimal(v[node]) for c, v in run.scores.items()}
    ranking = rank(values, 2)
    shown = {r["code"]: r["rank"] for r in response.context["rows"]}
    assert shown == {c: f"{ranking.rank_of(c)}/{len(values)}" for c in values}


def test_profile_losses_whatif_open_for_a_unit_month_with_bounded_queries(
    client: Client, two_months: tuple[DossierRun, DossierRun], django_assert_max_num_queries: Any
) -> None:
    code = DEPARTMENTS[0]
    profile = f"{RANKING}{code}/?ky=2025-11"
    losses = f"/ke-hoach/phan-tich/dvc766/2025/{code}/"
    with django_assert_max_num_queries(25):
        page = client.get(profile)
    assert page.status_code == 200
    text = page.content.decode()
    assert "tháng 11/2025" in text and f"{losses}?ky=2025-11" in text
    assert "so với tháng 10/2025" in text  # the headline compares with the month before
    with django_assert_max_num_queries(30):
        page = client.get(losses + "?ky=2025-11")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chỉ số 766 tháng 11/2025" in text and "gia-dinh/?ky=2025-11" in text
    whatif = client.post(losses + "gia-dinh/?ky=2025-11", {"v_2.1": "20"}, HTTP_HX_REQUEST="true")
    assert whatif.status_code == 200 and 'class="new-rank"' in whatif.content.decode()
    assert client.get(losses + "?ky=2025-09").status_code == 404


def test_a_plan_made_from_a_month_points_back_to_it(
    client: Client, two_months: tuple[DossierRun, DossierRun], units: list[str]
) -> None:
    officer = User.objects.create_user("sonoivu766", password="x-very-long-pass")
    Membership.objects.create(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    code = units[0]
    propose = f"/ke-hoach/phan-tich/dvc766/2025/{code}/de-xuat/?ky=2025-11"
    page = client.get(propose + "&nguong=100")
    assert page.status_code == 200
    post = {"nguong": "100", "2.1-keep": "on", "2.1-lead": Unit.objects.get(code=units[1]).pk}
    post |= {"2.1-deadline": "31/12/2026", "once": new_token()}
    response = client.post(propose, post)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get()
    assert plan.index is not None
    assert (plan.index.code, plan.year, plan.period, plan.unit.code) == ("dvc766", 2025, "2025-11", code)
    detail = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert f"/ke-hoach/phan-tich/dvc766/2025/{code}/?ky=2025-11" in detail
    # The month's page lists the plan; October's does not.
    assert plan.title in client.get(f"/ke-hoach/phan-tich/dvc766/2025/{code}/?ky=2025-11").content.decode()
    assert (
        plan.title not in client.get(f"/ke-hoach/phan-tich/dvc766/2025/{code}/?ky=2025-10").content.decode()
    )


def test_the_command_line_says_what_it_wrote(
    tmp_path: Path, units: list[str], with_totals: Framework, capsys: pytest.CaptureFixture[str]
) -> None:
    from chiso.cli.main import main

    import_month(tmp_path, [*units, UNKNOWN], 10, 5)
    assert main(["dossiers", "compute", "--period", "2025-10"]) in (0, None)
    assert main(["dossiers", "compute", "--period", "2025-10"]) in (0, None)
    out = capsys.readouterr().out
    assert (
        f"Đã ghi bộ kết quả dvc766 2025-10, cấp department: phiên bản 1, {len(units)} đơn vị (đã công bố)."
        in out
    )
    assert f"Đã ghi bộ kết quả dvc766 2025-10, cấp department: phiên bản 2, {len(units)} đơn vị" in out
    assert f"Bỏ qua 1 mã đơn vị không có trong danh mục: {UNKNOWN}." in out
    assert main(["result-versions", "dvc766"]) in (0, None)
    listed = capsys.readouterr().out
    assert "tháng 10/2025" in listed and "đã thay thế" in listed and "đã công bố" in listed
