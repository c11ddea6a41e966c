"""Import (all or nothing, idempotent on dossier_id) and compute → a stored run per period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from chiso.dossiers import services
from chiso.dossiers.generate import generate, write
from chiso.dossiers.models import DossierImport, DossierRun

pytestmark = pytest.mark.django_db

UNITS = ["A1", "A2", "A3"]


@pytest.fixture
def month(tmp_path: Path) -> tuple[Path, Path]:
    return write(generate(UNITS, date(2025, 10, 1), 600, seed=7), tmp_path / "october.parquet")


def test_import_then_reimport_changes_nothing(month: tuple[Path, Path]) -> None:
    dossiers, _ = month
    first = services.import_file(dossiers)
    assert first.ok and first.imported > 0
    again = services.import_file(dossiers)
    assert again.ok and again.replaced == first.imported
    held = pl.concat([pl.read_parquet(p) for p in services.files(DossierImport.Kind.DOSSIERS)])
    assert held.height == first.imported
    assert held["dossier_id"].n_unique() == held.height


def test_a_bad_row_writes_nothing(tmp_path: Path, month: tuple[Path, Path]) -> None:
    frame = pl.read_parquet(month[0]).with_columns(pl.col("status").cast(pl.String))
    bad = tmp_path / "bad.csv"
    frame.with_row_index().with_columns(
        pl.when(pl.col("index") == 5).then(pl.lit("lost")).otherwise(pl.col("status")).alias("status")
    ).drop("index").write_csv(bad)
    outcome = services.import_file(bad)
    assert not outcome.ok and outcome.errors
    assert DossierImport.objects.count() == 0
    assert services.files(DossierImport.Kind.DOSSIERS) == []


def test_compute_stores_a_run_with_scores_and_losses(month: tuple[Path, Path]) -> None:
    dossiers, procedures = month
    assert services.import_file(dossiers).ok
    assert services.import_file(procedures, kind=DossierImport.Kind.PROCEDURES).ok
    run = services.compute("2025-10")
    assert isinstance(run, DossierRun) and run.engine == "duckdb"
    assert set(run.scores) == set(UNITS)
    for values in run.scores.values():
        assert 0 <= float(values["2.1"]) <= 20
    assert run.losses and run.losses[0]["dossiers_late"] >= run.losses[-1]["dossiers_late"]
    assert services.latest_runs()[0] == run
