"""On random small tables, the Ibis expression on DuckDB and the plain Polars reference agree."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from chiso.dossiers import reference
from chiso.dossiers.engines import compute
from chiso.dossiers.schema import DOSSIER_SCHEMA, PROCEDURE_SCHEMA

START, END = date(2025, 10, 1), date(2025, 11, 1)
ORIGIN = datetime(2025, 9, 1)
# Times on a coarse 12-hour grid from 1 September to 10 November, so that the period's boundaries
# and ties come up often.
moments = st.integers(0, 140).map(lambda half_days: ORIGIN + timedelta(hours=12 * half_days))
maybe = st.none() | moments


@st.composite
def dossier(draw: st.DrawFn, index: int) -> dict[str, object]:
    return {
        "dossier_id": f"d{index}",
        "unit_code": draw(st.sampled_from(["A", "B", "C"])),
        "procedure_code": draw(st.sampled_from(["P1", "P2"])),
        "channel": draw(st.sampled_from(["direct", "online", "post"])),
        "online_level": draw(st.sampled_from(["none", "partial", "full"])),
        "received_at": draw(moments),
        "due_at": draw(maybe),
        "finished_at": draw(maybe),
        "returned_at": None,
        "status": draw(st.sampled_from(["processing", "finished", "returned", "withdrawn", "rejected"])),
        "fee_required": draw(st.booleans()),
        "paid_online": draw(st.booleans()),
        "digitised_dossier": draw(st.booleans()),
        "digitised_result": draw(st.booleans()),
        "reused_data": draw(st.booleans()),
        "rating": draw(st.sampled_from([None, "satisfied", "unsatisfied"])),
        "complaint_at": draw(maybe),
        "complaint_due_at": draw(maybe),
        "complaint_handled_at": draw(maybe),
    }


@st.composite
def tables(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    count = draw(st.integers(1, 25))
    rows = [draw(dossier(index)) for index in range(count)]
    days = st.integers(0, 90).map(lambda n: ORIGIN.date() + timedelta(days=n))
    published = draw(
        st.lists(
            st.tuples(st.sampled_from(["P1", "P3"]), st.sampled_from(["A", "D"]), days, days), max_size=5
        )
    )
    return (
        pl.DataFrame(rows, schema=DOSSIER_SCHEMA),
        pl.DataFrame(published, schema=PROCEDURE_SCHEMA, orient="row"),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
def test_duckdb_and_polars_agree(tmp_path, data):
    dossiers, procedures = data
    dossiers.write_parquet(tmp_path / "d.parquet")
    procedures.write_parquet(tmp_path / "p.parquet")
    result = compute([tmp_path / "d.parquet"], [tmp_path / "p.parquet"], START, END)
    by_unit, by_procedure = reference.measures(dossiers.lazy(), procedures.lazy(), START, END)
    assert_frame_equal(result.by_unit, by_unit)
    assert_frame_equal(result.by_procedure, by_procedure)
