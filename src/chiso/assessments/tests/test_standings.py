"""A cycle's figures are computed once per version and stored: pages read them, never stale, in a
number of queries that does not grow with the number of units."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments import standings, workflow
from chiso.assessments.models import Assessment, CriterionScore, Cycle, State
from chiso.assessments.scoring import APPRAISED, FINAL, SELF, cycle_results, stage_tree, survey_leaves
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.assessments.tests.helpers import fill_self_assessment, version
from chiso.engine.frameworks import SURVEY
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


def _officer() -> User:
    user = User.objects.create_user("sonoivu_kq", "kq@example.vn", "pw")
    Membership.objects.create(user=user, role=Role.OFFICER)
    return user


def scored_cycle(size: int, year: int = 2025) -> Cycle:
    """A cycle of `size` departments, every leaf scored at every stage and every unit approved, written
    in bulk (as an import would)."""
    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    units = [
        Unit.objects.create(
            level="department",
            code=f"B{year}.{i:03d}",
            name=f"Sở thử {year} {i:03d}",
            kind="sở",
            parent_code="22",
        )
        for i in range(size)
    ]
    cycle = create_cycle(framework, year, "Sở, ban, ngành", units, date.today() + timedelta(days=30))
    leaves = list(framework.to_engine().leaves())
    rows = []
    for i, assessment in enumerate(cycle.assessments.order_by("pk")):
        for k, leaf in enumerate(leaves):
            points = (leaf.max_points or Decimal(1)) * Decimal((i * 7 + k) % 5) / 4
            rows.append(
                CriterionScore(
                    assessment=assessment,
                    criterion=leaf.code,
                    self_points=points,
                    appraised_points=points,
                    final_points=points,
                )
            )
    CriterionScore.objects.bulk_create(rows)
    Assessment.objects.filter(cycle=cycle).update(state=State.APPROVED, started=True)
    standings.bump(cycle_id=cycle.pk)
    return cycle


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


# -- the vectorised cycle_results equals the Decimal path -------------------------------------------


def _decimal_path(cycle: Cycle, stage: str) -> dict:
    """Every unit's tree by `stage_tree`, one assessment at a time (the path before)."""
    framework = cycle.framework.to_engine()
    return {
        a.unit.to_engine().ref: {code: s.points for code, s in stage_tree(a, stage, framework).items()}
        for a in cycle.assessments.select_related("unit").prefetch_related("scores")
    }


def test_cycle_results_equal_the_decimal_path_on_the_demo(monkeypatch):
    from chiso.demo.build import seed_demo

    monkeypatch.setenv("CHISO_DEMO", "1")
    seed_demo(out=io.StringIO())
    cycles = list(Cycle.objects.all())
    assert cycles and CriterionScore.objects.exists()
    for cycle in cycles:
        for stage in (SELF, APPRAISED, FINAL):
            results = cycle_results(cycle, stage)
            assert results.values == _decimal_path(cycle, stage), (cycle.name, stage)
            assert [u.ref for u in results.peers] == [
                a.unit.to_engine().ref for a in cycle.assessments.select_related("unit")
            ]


# -- stored once per version, never stale -----------------------------------------------------------


def _totals(html: str) -> dict[str, str]:
    """Unit name → total as shown in the results table."""
    found = re.findall(r'<a href="[^"]*">([^<]+)</a></td>\s*<td class="num strong">([^<]+)</td>', html)
    return dict(found)


def test_a_changed_score_changes_the_stored_total_and_rank(client, cycle, people):
    staff, other = people["staff"], people["other_staff"]
    justice, health = (a for a in cycle.assessments.select_related("unit").order_by("unit__name"))
    if justice.unit.code != "QN.STP":
        justice, health = health, justice
    for user, assessment in ((staff, justice), (other, health)):
        fill_self_assessment(user, assessment)
        for leaf in survey_leaves(cycle):
            workflow.set_survey_index(
                people["officer"],
                assessment,
                leaf.code,
                "80",
                expected_version=version(assessment, leaf.code),
            )
    client.force_login(people["officer"])
    url = reverse("assessments:results", args=[cycle.pk]) + "?giai-doan=tu-danh-gia"
    before = _totals(client.get(url).text)
    assert before["Sở Tư pháp"] == before["Sở Y tế"]  # the same inputs everywhere

    leaf = next(
        n
        for n in cycle.framework.to_engine().leaves()
        if n.method != SURVEY and (not n.rule or n.rule.type == "manual")
    )
    workflow.save_self_score(
        staff, justice, leaf.code, {"points": "0"}, expected_version=version(justice, leaf.code)
    )
    after = _totals(client.get(url).text)
    assert Decimal(after["Sở Tư pháp"].replace(",", ".")) < Decimal(before["Sở Tư pháp"].replace(",", "."))
    assert after["Sở Y tế"] == before["Sở Y tế"]
    assert list(after) == ["Sở Y tế", "Sở Tư pháp"]  # the rank changed with it
    unit_page = client.get(
        reverse("assessments:results_unit", args=[cycle.pk, "QN.STP"]) + "?giai-doan=tu-danh-gia"
    ).text
    assert after["Sở Tư pháp"] in unit_page and "2/2" in unit_page


def test_a_second_view_reads_what_the_first_stored(client, monkeypatch):
    cycle = scored_cycle(3)
    client.force_login(_officer())
    computed = []
    original = standings.compute

    def counted(*args, **kwargs):
        computed.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(standings, "compute", counted)
    results = reverse("assessments:results", args=[cycle.pk])
    unit = reverse("assessments:results_unit", args=[cycle.pk, "B2025.001"])
    first = client.get(results).text
    assert computed == [FINAL]
    assert _totals(client.get(results).text) == _totals(first)
    client.get(unit)
    client.get(reverse("administration:dashboard"))
    assert computed == [FINAL]  # nothing computed again: every page read the stored figures

    score = CriterionScore.objects.filter(assessment__cycle=cycle).first()
    assert score is not None
    score.final_points = Decimal(0)
    score.save()  # any save, whichever path: the version moves on
    client.get(unit)
    client.get(results)
    assert computed == [FINAL, FINAL]


def test_units_leaving_a_cycle_and_block_changes_move_the_version():
    cycle = scored_cycle(2)
    before = standings.version_of(cycle)
    Unit.objects.get(code="B2025.000").save()
    assert standings.version_of(cycle) == before + 1
    Assessment.objects.filter(cycle=cycle)[0].delete()
    assert standings.version_of(cycle) > before + 1


# -- bounded queries --------------------------------------------------------------------------------


def _page_queries(client, size: int, year: int) -> dict[str, int]:
    cycle = scored_cycle(size, year)
    assessment = cycle.assessments.order_by("pk")[0]
    pages = {
        "results": reverse("assessments:results", args=[cycle.pk]),
        "results_unit": reverse("assessments:results_unit", args=[cycle.pk, assessment.unit.code]),
        "published-like export": reverse("assessments:export", args=[cycle.pk]),
        "dashboard": reverse("administration:cycle", args=[cycle.pk]),
        "cycle": reverse("assessments:cycle", args=[cycle.pk]),
        "assessment": reverse("assessments:assessment", args=[assessment.pk]),
    }
    counts = {"first results view": _queries(client, pages["results"])}
    standings.bump(cycle_id=cycle.pk)
    counts["first dashboard view"] = _queries(client, pages["dashboard"])
    for name, url in pages.items():
        counts[name] = _queries(client, url)
    return counts


def test_pages_read_a_bounded_number_of_queries(client):
    client.force_login(_officer())
    small = _page_queries(client, 3, 2025)
    large = _page_queries(client, 15, 2026)
    assert large == small  # the same queries for 3 units as for 15: nothing per unit
    assert small["results"] <= 15 and small["results_unit"] <= 15 and small["dashboard"] <= 20


# -- computed again in the background, the last stored table shown meanwhile with a note ------------

STALE_NOTE = "Đang tính lại bảng xếp hạng"


def test_after_a_change_pages_show_the_stored_table_with_a_note_until_the_job_has_run(
    client, cycle, people, settings
):
    """With a worker (tasks queued, not run in the request), a page opened after a score changed
    does not compute: it shows the last stored table and says that it is being computed again; the
    queued job computes it, and the note goes."""
    from chiso.jobs import services as jobs
    from chiso.jobs.models import Job

    staff = people["staff"]
    justice = cycle.assessments.get(unit__code="QN.STP")
    fill_self_assessment(staff, justice)
    for leaf in survey_leaves(cycle):
        workflow.set_survey_index(
            people["officer"], justice, leaf.code, "80", expected_version=version(justice, leaf.code)
        )
    client.force_login(people["officer"])
    url = reverse("assessments:results", args=[cycle.pk]) + "?giai-doan=tu-danh-gia"
    unit_url = reverse("assessments:results_unit", args=[cycle.pk, "QN.STP"]) + "?giai-doan=tu-danh-gia"
    dashboard = reverse("administration:cycle", args=[cycle.pk])
    before = _totals(client.get(url).text)
    assert STALE_NOTE not in client.get(url).text  # current: no note

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    leaf = next(
        n
        for n in cycle.framework.to_engine().leaves()
        if n.method != SURVEY and (not n.rule or n.rule.type == "manual")
    )
    workflow.save_self_score(
        staff, justice, leaf.code, {"points": "0"}, expected_version=version(justice, leaf.code)
    )
    page = client.get(url).text
    assert STALE_NOTE in page and "data-stale-standings" in page
    assert _totals(page) == before  # the stored figures, said to be the stored ones
    assert STALE_NOTE in client.get(unit_url).text
    job = Job.objects.get(kind=standings.REFRESH, params__cycle=cycle.pk)
    assert not job.finished
    assert f"/viec/{job.pk}/" in page or str(job.pk) in page  # the officer follows its progress
    client.get(url)
    assert Job.objects.filter(kind=standings.REFRESH).count() == 1  # queued once, not per view

    jobs.run(str(job.pk))  # the worker
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    page = client.get(url).text
    assert STALE_NOTE not in page
    after = _totals(page)
    assert Decimal(after["Sở Tư pháp"].replace(",", ".")) < Decimal(before["Sở Tư pháp"].replace(",", "."))
    assert STALE_NOTE not in client.get(unit_url).text
    assert client.get(dashboard).status_code == 200


def test_a_cycle_never_stored_is_computed_at_once(client, cycle, people, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    fill_self_assessment(people["staff"], cycle.assessments.get(unit__code="QN.STP"))
    client.force_login(people["officer"])
    page = client.get(reverse("assessments:results", args=[cycle.pk]) + "?giai-doan=tu-danh-gia").text
    assert STALE_NOTE not in page and "Sở Tư pháp" in _totals(page)


def test_points_saved_in_a_transaction_queue_one_recomputation_after_the_commit(
    cycle, people, settings, django_capture_on_commit_callbacks
):
    from chiso.jobs.models import Job

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    staff = people["staff"]
    justice = cycle.assessments.get(unit__code="QN.STP")
    standings.standing_of(cycle, SELF)  # a stored table, at the version of now
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fill_self_assessment(staff, justice)  # many scores saved
    assert len(callbacks) == 1
    jobs = Job.objects.filter(kind=standings.REFRESH, params__cycle=cycle.pk)
    assert jobs.count() == 1 and not jobs.get().finished
