"""The demo's surveys and improvement plan: seeded once, in the expected states, and the synthetic
sample file reports exactly its three bad rows."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from chiso.data import data_path
from chiso.demo import survey_file
from chiso.demo.build import seed_demo
from chiso.demo.people import DEPARTMENTS
from chiso.demo.plans import PLAN_TITLE
from chiso.demo.surveys import SURVEY_TITLES
from chiso.plans import services as plans
from chiso.plans.models import (
    Commitment,
    Escalation,
    ItemStatus,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    Task,
)
from chiso.surveys import services as surveys
from chiso.surveys.models import ImportBatch, Questionnaire, Response, Survey, SurveyResult

TODAY = date.today()
SAMPLE = data_path(*survey_file.SAMPLE_FILE)


def test_sample_file_is_reproducible_and_synthetic():
    rows = survey_file.responses(2025)
    assert SAMPLE.read_bytes() == survey_file.to_csv(rows)
    assert {row[survey_file.NOTE_COLUMN] for row in rows} == {survey_file.NOTE}
    assert "SYNTHETIC" in survey_file.NOTE and "GIẢ LẬP" in survey_file.NOTE
    assert "synthetic" in (survey_file.__doc__ or "").lower()
    # the units are the demo's departments, by code; both respondent types; a design
    codes = {row["design/province"] for row in rows}
    assert codes - {survey_file.NEAR_MISS_UNIT} == {code for code, *_ in DEPARTMENTS}
    assert {row["design/respondent_type"] for row in rows} == {"citizen", "organisation"}
    assert all(
        row["design/stratum"] and row["design/psu"] and float(row["design/weight"]) > 0 for row in rows
    )
    assert 300 <= len(rows) <= 500
    # last year's rows have none of the bad ones
    last_year = survey_file.responses(2024, bad_rows=False)
    assert len({row["_uuid"] for row in last_year}) == len(last_year)
    assert survey_file.NEAR_MISS_UNIT not in {row["design/province"] for row in last_year}


SEEDED = (
    Questionnaire,
    Survey,
    ImportBatch,
    Response,
    SurveyResult,
    Responsibility,
    Plan,
    PlanItem,
    Task,
    ProgressReport,
    Commitment,
    Escalation,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED}


@pytest.mark.django_db
def test_demo_surveys_and_plan(monkeypatch, client):
    monkeypatch.setenv("CHISO_DEMO", "1")
    first = io.StringIO()
    seed_demo(out=first, today=TODAY)
    counts = _counts()
    officer = User.objects.get(username="sonoivu")

    # the console says where the sample file is
    assert str(SAMPLE) in first.getvalue() and SURVEY_TITLES[2025] in first.getvalue()

    # surveys: the shipped SIPAS form; 2025 waits for the officer, 2024 is estimated and published
    assert Questionnaire.objects.get().origin == Questionnaire.Origin.SHIPPED
    waiting = Survey.objects.get(title=SURVEY_TITLES[2025])
    assert (waiting.year, waiting.unit_level, waiting.status) == (2025, "department", Survey.Status.OPEN)
    assert surveys.response_counts(waiting).count == 0
    done = Survey.objects.get(title=SURVEY_TITLES[2024])
    assert done.published and done.estimated_at is not None and done.status == Survey.Status.CLOSED
    assert len(surveys.ranking(done)) == len(DEPARTMENTS)
    assert set(surveys.responses(done, []).collect()["respondent_type"]) == {"citizen", "organisation"}

    # responsibilities: every PAPI dimension and every field of the sample framework has a lead
    papi = Responsibility.objects.filter(framework__code="papi-2018")
    assert {f"d{n}" for n in range(1, 9)} <= set(papi.values_list("criterion", flat=True))
    assert papi.get(criterion="d8").lead.name == "Sở Khoa học và Công nghệ"
    assert papi.get(criterion="d5").lead.name == "Văn phòng UBND tỉnh"
    assert papi.get(criterion="d5").supporters.count() == 3
    sample = Responsibility.objects.filter(framework__code="qn-cchc-so-2025")
    assert {str(n) for n in range(1, 9)} <= set(sample.values_list("criterion", flat=True))

    # the plan: Quảng Ninh's weak PAPI 2024 dimensions, each with a lead, a deadline and tasks
    plan = Plan.objects.get(title=PLAN_TITLE)
    assert plan.index is not None
    assert (plan.index.code, plan.year, plan.unit.code) == ("papi", 2024, "22")
    items = list(plan.items.all())
    # the departments' weak dimensions, and the poor households' list led by a ward (Phường Hạ Long)
    assert {item.criterion for item in items} == {"d1", "d2", "d3", "d7", "d8", "d2.1"}
    ward = plan.items.get(criterion="d2.1")
    assert (ward.lead.level, ward.lead.code) == ("commune", "06688")
    assert all(item.lead_id and item.deadline > TODAY and item.tasks.exists() for item in items)
    assert all(
        item.current_points is not None
        and item.target_points is not None
        and item.current_points < item.target_points
        for item in items
        if item.criterion != "d2.1"  # a sub-dimension: PAPI publishes no maximum for it
    )
    tasks = Task.objects.filter(item__plan=plan)
    statuses = list(tasks.values_list("status", flat=True))
    assert statuses.count(Task.Status.DONE) >= 2 and statuses.count(Task.Status.IN_PROGRESS) >= 2
    late = tasks.get(status=Task.Status.LATE)  # exactly one overdue task
    assert late.owner.name == "Sở Tư pháp" and late.due < TODAY and late.owner_user is not None
    assert ProgressReport.objects.filter(task=late).exists()
    assert ProgressReport.objects.filter(item__plan=plan).exclude(evidence="").exists()

    # the escalations: the overdue task, and one silent owner
    board = plans.dashboard(Plan.objects.filter(pk=plan.pk), TODAY)
    assert [row.agency.name for row in board.silent_owners] == ["Sở Nông nghiệp và Môi trường"]
    assert board.totals[plans.OVERDUE] == 1 and board.totals[plans.AT_RISK] >= 1
    assert board.totals[plans.ON_TRACK] >= 1
    escalations = Escalation.objects.filter(item__plan=plan)
    assert escalations.filter(kind=Escalation.Kind.OVERDUE_TASK).get().task == late
    silent = escalations.filter(kind=Escalation.Kind.SILENT)
    assert silent.exists() and set(silent.values_list("agency__name", flat=True)) == {
        "Sở Nông nghiệp và Môi trường"
    }
    assert not escalations.filter(kind=Escalation.Kind.OVERDUE_ITEM).exists()
    assert not plan.items.filter(status=ItemStatus.DONE).exists()

    # commitments: Sở Tư pháp's head signed; Sở Y tế's head still can
    signed = set(Commitment.objects.filter(plan=plan).values_list("agency__name", "head__username"))
    assert ("Sở Tư pháp", "thutruong_sotuphap") in signed
    assert "Sở Y tế" in {unit.name for unit in plans.involved_agencies(plan)}
    assert not Commitment.objects.filter(plan=plan, agency__name="Sở Y tế").exists()

    # the pages show them
    client.force_login(User.objects.get(username="lanhdao"))
    page = client.get(reverse("plans:leaders")).content.decode()
    assert "Sở Nông nghiệp và Môi trường" in page and late.title in page
    client.force_login(officer)
    assert PLAN_TITLE in client.get(reverse("plans:list")).content.decode()
    # the ward's staff find the ward's item and task at home; it reported every quarter on time
    reporting = {row.agency.code: row for row in plans.reporting_by_agency(list(plan.items.all()), TODAY)}
    assert reporting["06688"].received and not reporting["06688"].missing and not reporting["06688"].late
    client.force_login(User.objects.get(username="canbo_halong"))
    home = client.get(reverse("assessments:home")).content.decode()
    assert f"#item-{ward.pk}" in home and "Niêm yết danh sách hộ nghèo tại nhà văn hóa 12 khu phố" in home
    client.force_login(officer)
    assert SURVEY_TITLES[2024] in client.get(reverse("surveys:results", args=[done.pk])).content.decode()

    # a second run adds nothing
    second = io.StringIO()
    seed_demo(out=second, today=TODAY)
    assert _counts() == counts
    assert second.getvalue() == first.getvalue()

    # the sample file: refused as a whole, with exactly its three bad rows; then the valid rows
    with pytest.raises(surveys.SurveyError) as refused:
        surveys.import_responses(waiting, SAMPLE, user=officer)
    report = refused.value.report
    assert report is not None and report.invalid_rows == 2 and len(report.duplicates) == 1
    assert surveys.response_counts(waiting).count == 0
    batch = surveys.import_responses(waiting, SAMPLE, valid_only=True, user=officer)
    total = len(survey_file.responses(2025))
    assert (batch.total_rows, batch.imported, batch.invalid_rows, batch.duplicates) == (
        total,
        total - 3,
        2,
        1,
    )
    kinds = {problem["kind"]: problem["message"] for problem in batch.problems}
    assert set(kinds) == {"unknown_unit", "out_of_scale", "duplicate"}
    assert "Sở Khoa học và Công nghệ" in kinds["unknown_unit"]
    assert surveys.estimate(waiting, officer) > 0
    assert len(surveys.ranking(waiting)) == len(DEPARTMENTS)
