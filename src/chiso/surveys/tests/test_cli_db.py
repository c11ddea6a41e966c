"""The `chiso survey` database commands, end to end on the test database."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest

from chiso.assessments.models import CriterionScore
from chiso.cli.parser import add_survey as register
from chiso.surveys.models import Questionnaire, Survey, SurveyResult
from chiso.surveys.services import response_counts
from chiso.surveys.tests.conftest import make_rows, write

pytestmark = pytest.mark.django_db


def run(*argv: str) -> str:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["survey", *argv])
    return args.func(args)


def test_from_form_to_cycle(form_file, tmp_path, cycle, people, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert "Bảng hỏi" in run("import-form", str(form_file)) and Questionnaire.objects.count() == 1
    form = Questionnaire.objects.get()
    assert "Đợt khảo sát" in run(
        "create", "--form", str(form.pk), "--title", "Sở 2025", "--year", "2025", "--level", "department"
    )
    survey = Survey.objects.get()
    rows = make_rows({"Sở Tư pháp": 0.85, "Sở Y tế": 0.8})
    rows[0]["q1"] = "9"
    path = write(rows, tmp_path / "r.csv")
    with pytest.raises(SystemExit, match="Dòng 2"):
        run("import-responses", str(survey.pk), str(path))
    assert response_counts(survey).count == 0  # the answers live in Parquet files, not rows
    out = run("import-responses", str(survey.pk), str(path), "--valid-only")
    assert "nhập 79" in out and "Dòng 2" in out
    assert "trùng 79" in run("import-responses", str(survey.pk), str(path), "--valid-only")
    assert "Sở 2025" in run("list")

    data = json.loads(run("results", str(survey.pk), "--format", "json"))  # computes when nothing is stored
    assert [r["unit_code"] for r in data["ranking"]] == ["QN.STP", "QN.SYT"]
    first, second = data["ranking"]
    assert first["indistinguishable_from_below"] and second["indistinguishable_from_above"]
    assert first["ci_low_percent"] <= second["ci_high_percent"]
    assert data["method"]["aggregation"] == "respondent_mean" and "overlap" in data["rule"]
    table = run("results", str(survey.pk))
    assert "≈" in table and "KTC 95%" in table and "," in table.splitlines()[4]
    rows_csv = list(
        csv.DictReader(io.StringIO(run("results", str(survey.pk), "--factor", "F1", "--format", "csv")))
    )
    assert len(rows_csv) == 2
    assert "Đã lưu" in run("compute", str(survey.pk))

    out = run(
        "link",
        str(survey.pk),
        "--cycle",
        str(cycle.pk),
        "--map",
        "8.1=overall",
        "--map",
        "8.2=F3",
        "--user",
        "sonoivu",
    )
    assert "cập nhật 4" in out
    overall = SurveyResult.objects.get(
        survey=survey, unit__code="QN.SYT", respondent_type="*", level="overall"
    )
    score = CriterionScore.objects.get(
        assessment__cycle=cycle, assessment__unit__code="QN.SYT", criterion="8.1"
    )
    assert score.survey_index is not None
    assert float(score.survey_index) == pytest.approx(overall.index * 100, abs=0.005)
    with pytest.raises(SystemExit, match="Bạn không có quyền"):
        run("link", str(survey.pk), "--cycle", str(cycle.pk), "--map", "8.1=overall", "--user", "canbo_stp")
    with pytest.raises(SystemExit, match="TIÊU_CHÍ=YẾU_TỐ"):
        run("link", str(survey.pk), "--cycle", str(cycle.pk), "--map", "8.1", "--user", "sonoivu")


def test_sipas_form_and_missing_survey(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert "SIPAS" in run("import-form", "--sipas") or Questionnaire.objects.filter(origin="shipped").exists()
    with pytest.raises(SystemExit, match="không có đợt khảo sát 999"):
        run("results", "999")
