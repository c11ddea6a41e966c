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


@pytest.mark.django_db
def test_duckdb_and_spark_store_the_same_node_values(spark, tmp_path):
    """The result sets written from a DuckDB and a Spark computation of the same month hold the
    same values (the month's later computation is a new version of the same period)."""
    from chiso.dossiers import services
    from chiso.dossiers.tests.test_result_sets import DEPARTMENTS, import_month, organiser_maxima
    from chiso.units.models import Unit

    for code in DEPARTMENTS:
        Unit.objects.create(level="department", code=code, name=code, kind="sở", parent_code="99")
    framework = services.framework()
    framework.definition = organiser_maxima(framework.definition)
    framework.save()
    import_month(tmp_path, DEPARTMENTS, 10, 21)
    stored = []
    for engine in ("duckdb", "spark"):
        run = services.compute("2025-10", engine=engine)
        written = run.result_sets.get()  # the departments' (the only level with scores)
        assert written.level == "department" and written.method["dossiers"]["engine"] == engine
        stored.append(
            sorted(written.unit_results.values_list("unit__code", "values__node_code", "values__value"))
        )
    assert stored[0] == stored[1] and len(stored[0]) > len(DEPARTMENTS) * 5
