"""Questionnaires, imports, estimation and the link to an assessment cycle."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from chiso.assessments.models import AuditEntry, CriterionScore
from chiso.assessments.scoring import SELF, stage_tree
from chiso.surveys import services
from chiso.surveys.models import ImportBatch, Questionnaire, Response, SurveyResult
from chiso.surveys.tests.conftest import make_rows, write
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


def test_questionnaire_stored_once_by_content_hash(survey, form_file):
    again = services.import_questionnaire(form_file)
    assert again == survey.questionnaire and Questionnaire.objects.count() == 1
    form = again.form()
    assert [q.name for q in form.indexed] == ["q1", "q2", "q3"]
    assert form.question("q1").satisfied == ("4", "5")
    assert again.respondent_types == ["citizen", "organisation"]
    assert again.file.name.endswith(f"{again.sha256}.xlsx")


def test_shipped_sipas_form_is_ready(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sipas = services.sipas_questionnaire()
    assert sipas.origin == Questionnaire.Origin.SHIPPED
    assert {f.code for f in sipas.form().factors} >= {"F1", "F5"}
    assert services.sipas_questionnaire() == sipas


def test_import_is_idempotent(survey, responses_file):
    batch = services.import_responses(survey, responses_file)
    assert batch.imported == 80 and batch.duplicates == 0
    again = services.import_responses(survey, responses_file)
    assert again.imported == 0 and again.duplicates == 80
    assert services.response_counts(survey).count == 80 and not Response.objects.exists()
    assert all(p["kind"] == "duplicate" for p in again.problems)
    first = services.responses(survey).filter(pl.col("submission_id") == "s-Sở Tư pháp-0").collect()
    assert Unit.objects.get(pk=first["unit"][0]).code == "QN.STP"
    assert {name for name in ("q1", "q2", "q3") if first[name][0] is not None} == {"q1", "q2", "q3"}


def test_a_failed_import_writes_nothing_and_names_the_closest_unit(survey, tmp_path):
    rows = make_rows({"Sở Tư pháp": 0.9}, per_unit=5)
    rows[2]["don_vi"] = "Sở Tư phát"
    rows[3]["q1"] = "7"
    path = write(rows, tmp_path / "bad.csv")
    with pytest.raises(services.SurveyError) as caught:
        services.import_responses(survey, path)
    assert services.response_counts(survey).count == 0 and ImportBatch.objects.count() == 0
    assert caught.value.report is not None
    problems = {p.row: p for p in caught.value.report.problems}
    assert "gần nhất: Sở Tư pháp" in problems[4].message
    assert problems[5].kind == "out_of_scale"
    batch = services.import_responses(survey, path, valid_only=True)
    assert batch.imported == 3 and batch.invalid_rows == 2
    assert services.response_counts(survey).count == 3
    assert {p["row"] for p in batch.problems} == {4, 5}


def test_estimation_is_stored_with_its_method_and_replaces_the_previous(survey, responses_file):
    services.import_responses(survey, responses_file)
    count = services.estimate(survey)
    assert count == SurveyResult.objects.filter(survey=survey).count() > 0
    overall = SurveyResult.objects.get(
        survey=survey, unit__code="QN.STP", respondent_type="*", level="overall"
    )
    assert overall.ci_low is not None and overall.ci_high is not None
    assert overall.n == 40 and 0 < overall.ci_low < overall.index < overall.ci_high <= 1
    assert overall.method["aggregation"] == "respondent_mean"
    assert "top2" in overall.method["satisfied_rule"] and overall.method["responses"] == 80
    types = set(SurveyResult.objects.filter(survey=survey).values_list("respondent_type", flat=True))
    assert types == {"*", "citizen", "organisation"}
    assert SurveyResult.objects.get(
        survey=survey, unit__code="QN.STP", respondent_type="organisation", level="overall"
    ).small_n
    assert services.estimate(survey) == count
    assert SurveyResult.objects.filter(survey=survey).count() == count


def test_ranking_marks_neighbours_whose_intervals_overlap(survey, responses_file, tmp_path):
    services.import_responses(survey, responses_file)
    services.estimate(survey)
    rows = services.ranking(survey)
    assert [r.unit.code for r in rows] == ["QN.STP", "QN.SYT"]
    assert rows[0].rank == 1 and rows[1].rank == 2
    assert not rows[0].tied_below  # 90 % against 50 % of 40 respondents: far apart
    assert set(rows[0].factors) == {"F1", "F3"}


def test_overlap_rule():
    high = SurveyResult(index=0.8, ci_low=0.7, ci_high=0.9)
    assert services.overlaps(high, SurveyResult(index=0.75, ci_low=0.65, ci_high=0.7))
    assert not services.overlaps(high, SurveyResult(index=0.6, ci_low=0.5, ci_high=0.69))
    assert services.overlaps(high, SurveyResult(index=0.6, ci_low=None, ci_high=None))
    assert services.to_percent(0.86545) == Decimal("86.55")


def test_paper_form(survey, people, departments):
    response = services.add_paper_response(
        survey, people["officer"], departments[0], "citizen", {"q1": "5", "q2": "", "q3": "4"}
    )
    assert response.source == Response.Source.PAPER and response.entered_by == people["officer"]
    assert response.answers == {"q1": "5", "q3": "4"}
    with pytest.raises(services.SurveyError):
        services.add_paper_response(survey, people["officer"], departments[0], "citizen", {"q1": "9"})
    with pytest.raises(services.NotAllowed):
        services.add_paper_response(survey, people["staff"], departments[0], "citizen", {"q1": "5"})


def test_link_to_cycle_sets_survey_points_and_totals(survey, responses_file, cycle, people, departments):
    services.import_responses(survey, responses_file)
    services.estimate(survey)
    justice = cycle.assessments.get(unit__code="QN.STP")
    parent = cycle.framework.to_engine().parent_map()["8.1"]
    assert stage_tree(justice, SELF)[parent].points is None
    report = services.link_to_cycle(survey, cycle, {"8.1": "overall", "8.2": "F3"}, people["officer"])
    assert len(report.updated) == 4 and report.missing == []
    overall = SurveyResult.objects.get(
        survey=survey, unit=departments[0], respondent_type="*", level="overall"
    )
    score = CriterionScore.objects.get(assessment=justice, criterion="8.1")
    assert score.survey_index == services.to_percent(overall.index)
    assert score.self_points == score.survey_index * 16 / 100
    other = CriterionScore.objects.get(assessment=justice, criterion="8.2")
    assert score.self_points is not None and other.self_points is not None
    assert stage_tree(justice, SELF)[parent].points == score.self_points + other.self_points
    entry = AuditEntry.objects.filter(assessment=justice, criterion="8.1").first()
    assert entry is not None
    assert "respondent_mean" in entry.reason and "Hài lòng các sở 2025" in entry.reason


def test_link_reports_units_without_results_and_refuses_bad_maps(survey, tmp_path, cycle, people):
    services.import_responses(survey, write(make_rows({"Sở Tư pháp": 0.8}), tmp_path / "one.csv"))
    services.estimate(survey)
    report = services.link_to_cycle(survey, cycle, {"8.1": "overall"}, people["officer"])
    assert [(u.code, c) for u, c in report.missing] == [("QN.SYT", "8.1")]
    with pytest.raises(services.SurveyError, match="Không phải tiêu chí khảo sát"):
        services.link_to_cycle(survey, cycle, {"1.1": "overall"}, people["officer"])
    with pytest.raises(services.SurveyError, match="F9"):
        services.link_to_cycle(survey, cycle, {"8.1": "F9"}, people["officer"])
    from chiso.assessments.workflow import NotAllowed

    with pytest.raises(NotAllowed):
        services.link_to_cycle(survey, cycle, {"8.1": "overall"}, people["staff"])


def test_link_refuses_a_locked_or_published_cycle_and_changes_nothing(survey, responses_file, cycle, people):
    """`chiso survey link` and the link page: an assessment with the council or approved refuses the
    whole link (reopen it first), and so does a published cycle."""
    from chiso.assessments.models import Assessment, State
    from chiso.assessments.workflow import NotAllowed

    services.import_responses(survey, responses_file)
    services.estimate(survey)
    Assessment.objects.filter(cycle=cycle, unit__code="QN.SYT").update(state=State.APPROVED)
    with pytest.raises(NotAllowed, match="đã khóa"):
        services.link_to_cycle(survey, cycle, {"8.1": "overall"}, people["officer"])
    assert not CriterionScore.objects.filter(assessment__cycle=cycle).exists()  # the other one neither
    Assessment.objects.filter(cycle=cycle).update(state=State.APPROVED)
    cycle.published_at = cycle.created
    cycle.save(update_fields=["published_at"])
    with pytest.raises(NotAllowed, match="đã công bố"):
        services.link_to_cycle(survey, cycle, {"8.1": "overall"}, people["officer"])
    assert not CriterionScore.objects.filter(assessment__cycle=cycle).exists()
