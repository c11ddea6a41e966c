"""DuckDB and Spark (local mode) give the same figures: on the hand-computed month and on a generated
one. CI installs PySpark (the test extra) and Java (scripts/install.sh): the skip is for a machine
that has neither, and says so."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date

import pytest
from polars.testing import assert_frame_equal

from chiso.dossiers import engines
from chiso.dossiers.generate import generate, write
from chiso.dossiers.tests import example

MISSING = [
    reason
    for reason, missing in (
        ("PySpark is not installed (pip install -e '.[test]')", importlib.util.find_spec("pyspark") is None),
        (
            "Java is not installed (scripts/install.sh installs default-jre-headless)",
            shutil.which("java") is None,
        ),
    )
    if missing
]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="; ".join(MISSING))


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module."""
    session = engines.spark_session()
    yield session
    engines.stop_spark()


def test_spark_gives_the_hand_computed_figures(spark, tmp_path):
    dossiers, procedures = example.write(tmp_path)
    result = engines.compute(dossiers, procedures, example.START, example.END, engine="spark")
    assert result.engine == "spark"
    assert_frame_equal(result.by_unit, example.expected_by_unit())
    assert_frame_equal(result.by_procedure, example.expected_by_procedure())


def test_duckdb_and_spark_agree_on_a_generated_month(spark, tmp_path):
    units = [f"22{index:03d}" for index in range(40)]
    parts = [generate(units, date(2025, 10, 1), 15_000, seed=seed, first=seed * 15_000) for seed in (0, 1)]
    files = [write(part, tmp_path / f"part-{index}.parquet") for index, part in enumerate(parts)]
    dossiers = [dossier for dossier, _ in files]
    procedures = [files[0][1]]
    duck = engines.compute(dossiers, procedures, date(2025, 10, 1), date(2025, 11, 1))
    spark_result = engines.compute(dossiers, procedures, date(2025, 10, 1), date(2025, 11, 1), engine="spark")
    assert duck.by_unit.height == len(units)
    assert duck.by_unit["dossiers_late"].sum() > 0 and duck.by_unit["complaints"].sum() > 0
    assert_frame_equal(spark_result.by_unit, duck.by_unit)
    assert_frame_equal(spark_result.by_procedure, duck.by_procedure)


def test_spark_without_procedures(spark, tmp_path):
    dossiers, _ = example.write(tmp_path)
    result = engines.compute(dossiers, [], example.START, example.END, engine="spark")
    assert result.by_unit["procedures_published"].to_list() == [0, 0]
