"""Where a survey's answers live: one Parquet file per import, paper forms as rows.

An import's accepted responses are one Parquet file in the data folder (``surveys/answers/<survey>/``,
named by the `ImportBatch`), with one column per design field and per question; the batch row keeps
its path, columns and row count. Paper forms, typed in one at a time, stay `Response` rows. Every
reader — the counts of the survey page, the estimation frame, the duplicate check — scans the files
with polars (columns, never a Python object per response) and adds the paper rows.

The file is written under a temporary name (``….parquet.pending``) inside the import's transaction
and moved to its name when the transaction commits; a failed import removes it, so no batch row
ever names a partial file. Until the move (only inside the importing transaction) readers take the
pending file. Deleting a batch deletes its file once the deletion commits.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.core.files.storage import default_storage
from django.db import transaction

from chiso.surveys import responses as R
from chiso.surveys.models import ImportBatch, Response, Survey

PENDING = ".pending"
ORPHAN_AFTER = 86400  # seconds: a pending file this old belongs to no running import
# The design columns every batch file holds, in this order, before the answers.
DESIGN: dict[str, pl.DataType] = {
    R.ROW: pl.UInt32(),
    R.SUBMISSION_ID: pl.Utf8(),
    R.UNIT: pl.Int64(),
    R.RESPONDENT_TYPE: pl.Utf8(),
    R.WEIGHT: pl.Float64(),
    R.STRATUM: pl.Utf8(),
    R.PSU: pl.Utf8(),
}


@dataclass(frozen=True)
class ResponseCounts:
    """The survey page's figures: every response, the paper ones, and the units they cover."""

    count: int
    paper: int
    units: int


def batch_name(batch: ImportBatch) -> str:
    """The storage name of a batch's answers (relative to the data folder's media)."""
    return f"surveys/answers/{batch.survey_id}/{batch.pk}-{batch.sha256[:12] or 'import'}.parquet"


def batch_file(batch: ImportBatch) -> Path | None:
    """The batch's file on disk: moved in, or still pending inside the importing transaction."""
    if not batch.path:
        return None
    final = Path(default_storage.path(batch.path))
    if final.exists():
        return final
    pending = final.with_name(final.name + PENDING)
    return pending if pending.exists() else None


def batch_frame(frame: pl.DataFrame, answer_fields: list[str]) -> pl.DataFrame:
    """The checked import frame in the batch file's shape: design columns, then the answers."""
    columns = [
        (pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype)).alias(name)
        for name, dtype in DESIGN.items()
    ]
    # A categorical answer column (few distinct codes) is written as such: Parquet keeps it as a
    # dictionary of its texts, and `answers` reads every answer back as text.
    return frame.select(
        *columns,
        *[
            pl.col(name) if frame.schema.get(name) == pl.Categorical else pl.col(name).cast(pl.Utf8)
            for name in answer_fields
        ],
    )


def write_batch(batch: ImportBatch, frame: pl.DataFrame) -> None:
    """Write the batch's answers under a pending name; moved in when the transaction commits."""
    batch.path = batch_name(batch)
    batch.columns = list(frame.columns)
    final = Path(default_storage.path(batch.path))
    final.parent.mkdir(parents=True, exist_ok=True)
    _sweep_orphans(final.parent)
    pending = final.with_name(final.name + PENDING)
    try:
        frame.write_parquet(pending, compression="zstd", statistics=True)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    transaction.on_commit(lambda: os.replace(pending, final) if pending.exists() else None)


def _sweep_orphans(folder: Path) -> None:
    """Remove the pending files an import left when a transaction around it rolled back (its own
    failure removes its file; an outer one cannot tell it). A running import's file is minutes old."""
    limit = time.time() - ORPHAN_AFTER
    for path in folder.glob(f"*{PENDING}"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another import swept it first
            pass


def discard_pending(batch: ImportBatch) -> None:
    """Remove a batch's pending file (the import failed after writing it)."""
    if batch.path:
        final = Path(default_storage.path(batch.path))
        final.with_name(final.name + PENDING).unlink(missing_ok=True)


def delete_file(batch: ImportBatch) -> None:
    """Delete a deleted batch's file once the deletion commits (connected in the app's ready())."""
    found = batch_file(batch)
    if found is not None:
        transaction.on_commit(lambda: found.unlink(missing_ok=True))


def _scans(survey: Survey) -> list[pl.LazyFrame]:
    scans = []
    for batch in ImportBatch.objects.filter(survey=survey).exclude(path="").order_by("pk"):
        found = batch_file(batch)
        if found is not None:
            scans.append(pl.scan_parquet(found))
    return scans


def _paper(survey: Survey, answer_fields: list[str]) -> pl.LazyFrame | None:
    """The survey's `Response` rows (paper forms, typed one by one) in the batch files' shape."""
    rows = list(
        Response.objects.filter(survey=survey).values_list(
            "submission_id", "unit_id", "respondent_type", "weight", "stratum", "psu", "answers"
        )
    )
    if not rows:
        return None
    data: dict[str, list] = {
        R.ROW: [None] * len(rows),
        R.SUBMISSION_ID: [r[0] for r in rows],
        R.UNIT: [r[1] for r in rows],
        R.RESPONDENT_TYPE: [r[2] for r in rows],
        R.WEIGHT: [r[3] for r in rows],
        R.STRATUM: [r[4] for r in rows],
        R.PSU: [r[5] for r in rows],
    }
    for name in answer_fields:
        data[name] = [r[6].get(name) for r in rows]
    return pl.LazyFrame(data, schema={**DESIGN, **dict.fromkeys(answer_fields, pl.Utf8())})


def answers(survey: Survey, answer_fields: list[str] | None = None) -> pl.LazyFrame:
    """Every response of the survey (imports and paper forms): the design columns and the answers
    asked for (all the questionnaire's when None; a question a file lacks is null)."""
    if answer_fields is None:
        answer_fields = [q.name for q in survey.questionnaire.form().questions if q.role is None]
    schema = {**DESIGN, **dict.fromkeys(answer_fields, pl.Utf8())}
    frames = []
    for scan in _scans(survey):
        present = scan.collect_schema().names()
        frames.append(
            scan.select(
                (pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype=dtype)).alias(name)
                for name, dtype in schema.items()
            )
        )
    paper = _paper(survey, answer_fields)
    if paper is not None:
        frames.append(paper)
    if not frames:
        return pl.LazyFrame(schema=schema)
    return pl.concat(frames, how="vertical")


def submission_ids(survey: Survey) -> pl.Series:
    """Every submission id the survey holds (imports and paper forms)."""
    return answers(survey, []).select(R.SUBMISSION_ID).collect()[R.SUBMISSION_ID]


def has_submission(survey: Survey, submission_id: str) -> bool:
    """Whether the survey already holds this submission id."""
    if Response.objects.filter(survey=survey, submission_id=submission_id).exists():
        return True
    return any(
        scan.filter(pl.col(R.SUBMISSION_ID) == submission_id).select(pl.len()).collect().item()
        for scan in _scans(survey)
    )


def counts(survey: Survey) -> ResponseCounts:
    """How many responses the survey holds, how many on paper, and how many units they cover."""
    paper = Response.objects.filter(survey=survey, source=Response.Source.PAPER).count()
    frame = answers(survey, []).select(pl.len().alias("n"), pl.col(R.UNIT).n_unique().alias("units"))
    row = frame.collect().row(0, named=True)
    return ResponseCounts(count=int(row["n"]), paper=paper, units=int(row["units"]))


def unit_sizes(survey: Survey) -> dict[int, int]:
    """Responses per unit (database id)."""
    frame = answers(survey, []).group_by(R.UNIT).agg(pl.len().alias("n")).collect()
    return dict(zip(frame[R.UNIT].to_list(), frame["n"].to_list(), strict=True))
