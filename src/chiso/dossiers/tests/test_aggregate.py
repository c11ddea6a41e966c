"""The measures against a hand-computed month: every measure, the carried-over and late rules at the
period's boundaries, on DuckDB through the one Ibis expression and in the plain Polars reference."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from chiso.dossiers import reference
from chiso.dossiers.aggregate import PROCEDURE_MEASURES, UNIT_MEASURES
from chiso.dossiers.engines import EngineError, compute
from chiso.dossiers.tests import example


def test_the_example_lists_every_measure_in_order():
    assert tuple(example.MEASURES) == UNIT_MEASURES
    assert tuple(example.expected_by_procedure().columns[2:]) == PROCEDURE_MEASURES


def test_duckdb_gives_the_hand_computed_figures(tmp_path):
    dossiers, procedures = example.write(tmp_path)
    result = compute(dossiers, procedures, example.START, example.END)
    assert result.engine == "duckdb"
    assert_frame_equal(result.by_unit, example.expected_by_unit())
    assert_frame_equal(result.by_procedure, example.expected_by_procedure())


def test_the_polars_reference_gives_the_hand_computed_figures():
    by_unit, by_procedure = reference.measures(
        example.dossiers().lazy(), example.procedures().lazy(), example.START, example.END
    )
    assert_frame_equal(by_unit, example.expected_by_unit())
    assert_frame_equal(by_procedure, example.expected_by_procedure())


def test_a_quarter_sees_what_a_month_does_not(tmp_path):
    """Over the quarter Oct–Dec, d6 (finished on 1 November) is finished, late; d9 is received."""
    from datetime import date

    dossiers, procedures = example.write(tmp_path)
    quarter = compute(dossiers, procedures, date(2025, 10, 1), date(2026, 1, 1)).by_unit
    u1 = quarter.filter(pl.col("unit_code") == "U1").row(0, named=True)
    assert u1["dossiers_received"] == 10  # + d9
    assert u1["dossiers_finished"] == 7  # + d6
    assert u1["procedures_published"] == 3  # + P4


def test_without_procedures_every_unit_publishes_nothing(tmp_path):
    dossiers, _ = example.write(tmp_path)
    by_unit = compute(dossiers, [], example.START, example.END).by_unit
    assert by_unit["unit_code"].to_list() == ["U1", "U2"]
    assert by_unit["procedures_published"].to_list() == [0, 0]


def test_an_unknown_engine_is_refused(tmp_path):
    dossiers, procedures = example.write(tmp_path)
    with pytest.raises(EngineError, match="duckdb hoặc spark"):
        compute(dossiers, procedures, example.START, example.END, engine="pandas")
