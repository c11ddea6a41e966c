"""The same measures as `chiso.dossiers.aggregate`, written a second time in plain Polars.

Not used to compute the index: it is the independent check the tests compare the Ibis expression
with (on random small tables), and the baseline the benchmark runs beside DuckDB and Spark.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from chiso.dossiers.aggregate import DOSSIER_MEASURES, PROCEDURE_MEASURES, UNIT_MEASURES


def _in(column: str, start: datetime, end: datetime) -> pl.Expr:
    return pl.col(column).is_between(start, end, closed="left").fill_null(False)


def _before(column: str, end: datetime) -> pl.Expr:
    return (pl.col(column) < end).fill_null(False)


def measures(
    dossiers: pl.LazyFrame, procedures: pl.LazyFrame, start: date, end: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(by_unit, by_procedure), sorted, with the columns and types `chiso.dossiers.engines` returns."""
    s = datetime(start.year, start.month, start.day)
    e = datetime(end.year, end.month, end.day)
    finished_known = _before("finished_at", e)
    active = (
        (pl.col("status") != "withdrawn").fill_null(False)
        & _before("received_at", e)
        & ((pl.col("received_at") >= s).fill_null(False) | ~finished_known | (pl.col("finished_at") >= s))
    )
    finished = active & _in("finished_at", s, e)
    has_due = pl.col("due_at").is_not_null()
    late = (
        active
        & has_due
        & (
            (finished & (pl.col("finished_at") > pl.col("due_at")))
            | (~finished_known & (pl.col("due_at") < e))
        )
    )
    received = _in("received_at", s, e)
    complaint = _in("complaint_at", s, e)
    handled = _before("complaint_handled_at", e)
    complaint_due = pl.col("complaint_due_at")
    complaint_late = (
        complaint
        & complaint_due.is_not_null()
        & (
            (handled & (pl.col("complaint_handled_at") > complaint_due).fill_null(False))
            | (~handled & (complaint_due < e).fill_null(False))
        )
    )
    unsatisfied = (pl.col("rating") == "unsatisfied").fill_null(False)
    flag = {
        "dossiers_to_process": active,
        "dossiers_late": late,
        "dossiers_finished": finished,
        "dossiers_finished_on_time": finished & (~has_due | (pl.col("finished_at") <= pl.col("due_at"))),
        "dossiers_received": received,
        "dossiers_online": received & (pl.col("channel") == "online").fill_null(False),
        "dossiers_full_online": received & (pl.col("online_level") == "full").fill_null(False),
        "dossiers_fee_required": received & pl.col("fee_required").fill_null(False),
        "dossiers_paid_online": received
        & pl.col("fee_required").fill_null(False)
        & pl.col("paid_online").fill_null(False),
        "dossiers_digitised": received & pl.col("digitised_dossier").fill_null(False),
        "results_digitised": finished & pl.col("digitised_result").fill_null(False),
        "dossiers_reused": received & pl.col("reused_data").fill_null(False),
        "complaints": complaint,
        "complaints_on_time": complaint
        & handled
        & (complaint_due.is_null() | (pl.col("complaint_handled_at") <= complaint_due).fill_null(False)),
        "complaints_unsatisfied": complaint & (unsatisfied | complaint_late),
        "dossiers_unsatisfied": received & (unsatisfied | _before("complaint_at", e) | late),
        "complaints_late": complaint_late,
    }
    # Only the dossiers the period can see: received before its end and not finished before its
    # start, or with a complaint in it.
    relevant = dossiers.filter(
        _before("received_at", e)
        & (
            (pl.col("received_at") >= s).fill_null(False)
            | pl.col("finished_at").is_null()
            | (pl.col("finished_at") >= s).fill_null(False)
            | complaint
        )
    )
    flagged = relevant.select(
        "unit_code", "procedure_code", *(expr.cast(pl.Int64).alias(name) for name, expr in flag.items())
    )
    dossier_counts = flagged.group_by("unit_code").agg(pl.col(name).sum() for name in DOSSIER_MEASURES)
    published = (
        procedures.filter(pl.col("published_at").is_between(start, end, closed="left"))
        .group_by("unit_code")
        .agg(
            pl.len().cast(pl.Int64).alias("procedures_published"),
            (pl.col("published_at") <= pl.col("due_at"))
            .fill_null(False)
            .cast(pl.Int64)
            .sum()
            .alias("procedures_published_on_time"),
        )
    )
    by_unit = (
        dossier_counts.join(published, on="unit_code", how="full", coalesce=True)
        .select("unit_code", *(pl.col(name).fill_null(0).cast(pl.Int64) for name in UNIT_MEASURES))
        .sort("unit_code")
        .collect()
    )
    by_procedure = (
        flagged.group_by("unit_code", "procedure_code")
        .agg(pl.col(name).sum() for name in PROCEDURE_MEASURES)
        .filter((pl.col("dossiers_to_process") + pl.col("complaints")) > 0)
        .select("unit_code", "procedure_code", *(pl.col(n).cast(pl.Int64) for n in PROCEDURE_MEASURES))
        .sort("unit_code", "procedure_code")
        .collect()
    )
    return by_unit, by_procedure
