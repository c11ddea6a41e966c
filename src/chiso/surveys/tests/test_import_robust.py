"""Response and questionnaire files that used to crash or half-write (issue 10): a Kobo export
appended to itself (a Rust panic in polars escaped Django), two answers out of scale in one column,
CR-only line endings, ids longer than their column, formulas Excel never computed."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chiso.core.once import new_token
from chiso.surveys import services
from chiso.surveys.models import ImportBatch, Questionnaire
from chiso.surveys.responses import ResponseImportError, read_responses
from chiso.surveys.tests.conftest import make_rows, write

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict]) -> bytes:
    header = ",".join(rows[0])
    return (header + "\n" + "".join(",".join(str(v) for v in r.values()) + "\n" for r in rows)).encode()


def test_a_file_appended_to_itself_is_refused_naming_the_row(client, survey, people):
    data = _csv(make_rows({"Sở Tư pháp": 0.9}, per_unit=4))
    client.force_login(people["officer"])
    response = client.post(
        reverse("surveys:import", args=[survey.pk]),
        {"file": SimpleUploadedFile("kobo.csv", data + data), "once": new_token()},
    )
    assert response.status_code == 302
    assert "Dòng 6: lặp lại dòng tiêu đề" in client.get(response.url).context["job"].error
    assert services.response_counts(survey).count == 0 and ImportBatch.objects.count() == 0


def test_answers_out_of_scale_in_many_rows_are_reported(survey, tmp_path):
    """The message of each row used to be built by polars (pl.format), which panicked on such data."""
    rows = make_rows({"Sở Tư pháp": 0.9}, per_unit=6)
    for row in rows[1::2]:
        row["q1"] = "7"
    with pytest.raises(services.SurveyError) as caught:
        services.import_responses(survey, write(rows, tmp_path / "scale.csv"))
    assert caught.value.report is not None
    assert [p.row for p in caught.value.report.problems] == [3, 5, 7]
    assert all(p.message == "đáp án 7 ngoài thang (1, 2, 3, 4, 5)" for p in caught.value.report.problems)


def test_a_panic_inside_polars_is_a_refusal_not_a_crash(survey, tmp_path, monkeypatch):
    from polars.exceptions import PanicException

    def panic(*args, **kwargs):
        raise PanicException("assertion failed: i < self.len()")

    path = write(make_rows({"Sở Tư pháp": 0.9}, per_unit=3), tmp_path / "ok.csv")
    monkeypatch.setattr(pl.DataFrame, "filter", panic)
    with pytest.raises(ResponseImportError, match=r"Không đọc được tệp ok\.csv: assertion failed"):
        read_responses(path, survey.questionnaire.form(), resolve_unit=lambda text: (text, text))
    with pytest.raises(services.SurveyError, match="assertion failed"):
        services.import_responses(survey, path)
    assert services.response_counts(survey).count == 0


def test_cr_only_line_endings_are_lines(survey, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(_csv(make_rows({"Sở Tư pháp": 0.9}, per_unit=3)).replace(b"\n", b"\r"))
    assert services.import_responses(survey, path).imported == 3


def test_a_submission_id_longer_than_its_column_is_refused(survey, tmp_path):
    """It used to be cut to 120 characters: two long ids could become one."""
    rows = make_rows({"Sở Tư pháp": 0.9}, per_unit=2)
    rows[1]["_uuid"] = "u" * 121
    with pytest.raises(
        services.SurveyError, match="Dòng 3, trường 'submission_id': dài 121 ký tự, tối đa 120"
    ):
        services.import_responses(survey, write(rows, tmp_path / "long.csv"))
    assert services.response_counts(survey).count == 0


def test_a_questionnaire_with_a_formula_excel_never_computed_is_refused(form_file):
    book = load_workbook(form_file)
    book["survey"]["B4"] = '=LOWER("Q1")'
    out = io.BytesIO()
    book.save(out)
    before = Questionnaire.objects.count()
    with pytest.raises(services.SurveyError, match="trang 'survey', ô B4: công thức"):
        services.import_questionnaire(SimpleUploadedFile("form.xlsx", out.getvalue()))
    assert Questionnaire.objects.count() == before
