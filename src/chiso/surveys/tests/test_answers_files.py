"""An import's answers kept as one Parquet file (moved in on commit), read as columns; old rows migrated."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import pytest
from django.apps import apps
from django.core.files.storage import default_storage

from chiso.surveys import services
from chiso.surveys.models import ImportBatch, Response
from chiso.surveys.services import answers
from chiso.surveys.tests.conftest import make_rows, write


def _files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "surveys" / "answers"
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_an_import_is_one_parquet_file_moved_in_on_commit(
    survey, responses_file, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.import_responses(survey, responses_file)
    pending = [p for p in _files(settings) if p.is_file()]
    assert [p.suffix for p in pending] == [".pending"]  # not under its name before the commit
    assert answers.batch_file(batch) == pending[0]  # the importing transaction reads its own file
    for callback in callbacks:
        callback()
    final = Path(default_storage.path(batch.path))
    assert final.exists() and not pending[0].exists() and answers.batch_file(batch) == final
    assert not Response.objects.exists()
    frame = pl.read_parquet(final)
    assert frame.height == batch.imported == 80 and batch.columns == frame.columns
    assert frame.columns[:7] == [
        "row",
        "submission_id",
        "unit",
        "respondent_type",
        "weight",
        "stratum",
        "psu",
    ]
    assert services.response_counts(survey) == services.ResponseCounts(count=80, paper=0, units=2)


def test_a_failed_import_leaves_no_file(survey, responses_file, settings, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ImportBatch, "save", broken)  # fails after the file is written
    with pytest.raises(RuntimeError):
        services.import_responses(survey, responses_file)
    assert not [p for p in _files(settings) if p.is_file()]
    assert not ImportBatch.objects.exists()


def test_a_pending_file_left_by_an_outer_rollback_is_swept_by_a_later_import(
    survey, responses_file, settings
):
    """An import inside a transaction that rolled back later left its pending file: nothing names it."""
    folder = Path(settings.MEDIA_ROOT) / "surveys" / "answers" / str(survey.pk)
    folder.mkdir(parents=True)
    orphan, running = folder / "7-abc.parquet.pending", folder / "8-def.parquet.pending"
    orphan.write_bytes(b"PAR1"), running.write_bytes(b"PAR1")
    old = time.time() - answers.ORPHAN_AFTER - 60
    os.utime(orphan, (old, old))
    services.import_responses(survey, responses_file)
    assert not orphan.exists()
    assert running.exists()  # minutes old: another import may be writing it


def test_paper_forms_and_imports_are_read_together_and_ids_stay_unique(survey, responses_file, departments):
    services.import_responses(survey, responses_file)
    unit = next(u for u in departments if u.code == "QN.STP")
    services.add_paper_response(survey, None, unit, "citizen", {"q1": "5"}, submission_id="paper-1")
    with pytest.raises(services.SurveyError):  # an imported id is taken
        services.add_paper_response(
            survey, None, unit, "citizen", {"q1": "5"}, submission_id="s-Sở Tư pháp-0"
        )
    counts = services.response_counts(survey)
    assert (counts.count, counts.paper) == (81, 1)
    assert services.unit_sizes(survey)[unit.pk] == 41
    frame, design, _items = services.response_frame(survey)
    assert frame.height == 81 and design.unit == "unit"
    assert services.estimate(survey) > 0


def test_deleting_an_import_deletes_its_file(survey, responses_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_responses(survey, responses_file)
    final = Path(default_storage.path(batch.path))
    assert final.exists()
    with django_capture_on_commit_callbacks(execute=True):
        batch.delete()
    assert not final.exists() and services.response_counts(survey).count == 0


def test_the_migration_moves_imported_rows_into_a_file_and_back(survey, departments, tmp_path):
    module = __import__("chiso.surveys.migrations.0005_answers_in_parquet", fromlist=["rows_to_files"])
    unit = departments[0]
    batch = ImportBatch.objects.create(survey=survey, file_name="old.csv", sha256="ab" * 32, imported=2)
    for number, answer in enumerate(("4", "2")):
        Response.objects.create(
            survey=survey,
            submission_id=f"old-{number}",
            unit=unit,
            respondent_type="citizen",
            answers={"q1": answer},
            batch=batch,
        )
    module.rows_to_files(apps, None)
    batch.refresh_from_db()
    assert not Response.objects.exists() and batch.path
    frame = answers.answers(survey, ["q1"]).collect()
    assert frame.select("submission_id", "unit", "q1").rows() == [
        ("old-0", unit.pk, "4"),
        ("old-1", unit.pk, "2"),
    ]
    module.files_to_rows(apps, None)
    assert sorted(Response.objects.values_list("submission_id", "answers")) == [
        ("old-0", {"q1": "4"}),
        ("old-1", {"q1": "2"}),
    ]


def test_a_later_import_sees_earlier_files_as_duplicates(survey, tmp_path):
    first = write(make_rows({"Sở Tư pháp": 0.9}, per_unit=5), tmp_path / "a.csv")
    services.import_responses(survey, first)
    again = services.import_responses(survey, first)
    assert (again.imported, again.duplicates) == (0, 5)
    assert services.response_counts(survey).count == 5


def test_a_large_file_streamed_from_disk_reads_as_the_same_file_in_memory(survey, tmp_path, monkeypatch):
    from chiso.surveys import response_files

    rows = make_rows({"Sở Tư pháp": 0.9, "Sở Y tế": 0.4}, per_unit=20)
    rows[3]["q2"] = "  4 "
    path = write(rows, tmp_path / "big.csv")
    in_memory = response_files.read_table(path)
    monkeypatch.setattr(response_files, "STREAM_FROM", 0)
    streamed = response_files.read_table(path)
    assert streamed.equals(in_memory) and streamed["q2"][3] == "4"
    path.write_bytes(path.read_bytes().replace(b"q1", b"q1", 1) + "Sở;\x07\n".encode())
    with pytest.raises(response_files.FileRefused, match="dòng 42: có ký tự điều khiển U\\+0007"):
        response_files.read_table(path)


def test_few_valued_answers_are_kept_as_codes_and_read_back_as_text(survey, tmp_path):
    """Memory at a million rows: a column of few values is categorical from reading to the file,
    and `answers` gives the same text as before."""
    from chiso.surveys import response_files

    rows = make_rows({"Sở Tư pháp": 0.9, "Sở Y tế": 0.4}, per_unit=20)
    rows[3]["q2"] = "  4 "
    path = write(rows, tmp_path / "r.csv")
    table = response_files.read_table(path)
    assert table.schema["q2"] == pl.Categorical and table["q2"][3] == "4"
    batch = services.import_responses(survey, path)
    found = answers.batch_file(batch)
    assert found is not None
    stored = pl.read_parquet(found)
    assert stored.schema["q2"] == pl.Categorical
    read = answers.answers(survey).sort("row").collect()
    assert read.schema["q2"] == pl.Utf8
    expected = [None if r["q2"] is None or not str(r["q2"]).strip() else str(r["q2"]).strip() for r in rows]
    assert read["q2"].to_list() == expected
