"""A tiny month hand-computed for every measure (docs/dossiers.md), shared by the tests."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl

from chiso.dossiers.schema import DOSSIER_SCHEMA, PROCEDURE_SCHEMA

START, END = date(2025, 10, 1), date(2025, 11, 1)


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# id, unit, procedure, channel, level, received, due, finished, status, fee, paid, digitised, result
# digitised, reused, rating, complaint, complaint due, complaint handled
ROWS = [
    # received at the period's first instant; finished on time; every online and digital flag
    ("d1", "U1", "P1", "online", "full", "2025-10-01 00:00", "2025-10-05", "2025-10-03", "returned",
     True, True, True, True, True, "satisfied", None, None, None),
    # carried over, finished at the period's first instant, after its deadline: late
    ("d2", "U1", "P1", "direct", "none", "2025-09-20", "2025-09-30", "2025-10-01 00:00", "finished",
     True, False, False, True, False, None, None, None, None),
    # finished before the period: not seen
    ("d3", "U1", "P1", "direct", "none", "2025-09-10", "2025-09-20", "2025-09-30 23:59", "returned",
     False, False, False, False, False, None, None, None, None),
    # unfinished, due at the period's end exactly: not late
    ("d4", "U1", "P2", "online", "partial", "2025-10-15", "2025-11-01 00:00", None, "processing",
     False, False, True, False, False, None, None, None, None),
    # unfinished, due before the end: late
    ("d5", "U1", "P2", "post", "none", "2025-10-20", "2025-10-31 12:00", None, "processing",
     False, False, False, False, False, None, None, None, None),
    # finished at the end exactly (not yet known at the end), due before it: late, not finished
    ("d6", "U1", "P2", "direct", "none", "2025-10-25", "2025-10-30", "2025-11-01 00:00", "finished",
     False, False, False, False, False, None, None, None, None),
    # no deadline: on time
    ("d7", "U1", "P1", "direct", "none", "2025-10-05", None, "2025-10-06", "finished",
     False, False, False, False, False, None, None, None, None),
    # withdrawn: received, never to process
    ("d8", "U1", "P1", "online", "full", "2025-10-07", "2025-10-10", None, "withdrawn",
     False, False, False, False, False, None, None, None, None),
    # received at the end exactly: not in the period
    ("d9", "U1", "P3", "direct", "none", "2025-11-01 00:00", "2025-11-05", None, "processing",
     False, False, False, False, False, None, None, None, None),
    # rated unsatisfied, complaint handled on time
    ("d10", "U1", "P3", "direct", "none", "2025-10-02", "2025-10-12", "2025-10-11", "returned",
     False, False, False, False, False, "unsatisfied", "2025-10-12", "2025-10-22", "2025-10-20"),
    # an old dossier with a complaint in the period, handled late
    ("d11", "U1", "P3", "direct", "none", "2025-08-01", "2025-08-10", "2025-08-05", "returned",
     False, False, False, False, False, "satisfied", "2025-10-03", "2025-10-13", "2025-10-20"),
    # complaint not handled yet, due after the end: neither on time nor late
    ("d12", "U1", "P3", "direct", "none", "2025-10-20", "2025-10-25", "2025-10-24", "returned",
     False, False, False, False, False, None, "2025-10-28", "2025-11-07", None),
    # complaint handled after the end (unknown at the end), due before it: late
    ("d13", "U1", "P3", "direct", "none", "2025-10-21", "2025-10-25", "2025-10-24", "returned",
     False, False, False, False, False, None, "2025-10-26", "2025-10-30", "2025-11-02"),
    # finished exactly at the deadline: on time
    ("d14", "U2", "P1", "online", "full", "2025-10-10", "2025-10-20", "2025-10-20", "finished",
     False, False, False, False, False, "satisfied", None, None, None),
]  # fmt: skip

PROCEDURES = [
    ("P1", "U1", date(2025, 10, 5), date(2025, 10, 5)),  # on the deadline: on time
    ("P2", "U1", date(2025, 10, 31), date(2025, 10, 20)),  # late
    ("P3", "U1", date(2025, 9, 30), date(2025, 10, 10)),  # before the period
    ("P4", "U1", date(2025, 11, 1), date(2025, 11, 10)),  # after it
    ("P5", "U3", date(2025, 10, 10), date(2025, 10, 15)),  # a unit with no dossier
]

MEASURES = [
    "procedures_published",
    "procedures_published_on_time",
    "dossiers_to_process",
    "dossiers_late",
    "dossiers_finished",
    "dossiers_finished_on_time",
    "dossiers_received",
    "dossiers_online",
    "dossiers_full_online",
    "dossiers_fee_required",
    "dossiers_paid_online",
    "dossiers_digitised",
    "results_digitised",
    "dossiers_reused",
    "complaints",
    "complaints_on_time",
    "complaints_unsatisfied",
    "dossiers_unsatisfied",
]
BY_UNIT = {
    "U1": (2, 1, 9, 3, 6, 5, 9, 3, 2, 1, 1, 2, 2, 1, 4, 1, 3, 5),
    "U2": (0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "U3": (1, 1) + (0,) * 16,
}
BY_PROCEDURE = [
    ("U1", "P1", 3, 1, 0, 0),
    ("U1", "P2", 3, 2, 0, 0),
    ("U1", "P3", 3, 0, 4, 2),
    ("U2", "P1", 1, 0, 0, 0),
]


def dossiers() -> pl.DataFrame:
    """The rows above; a returned dossier is returned on the day it is finished."""
    records = [
        [
            *row[:5],
            at(row[5]),
            at(row[6]),
            at(row[7]),
            at(row[7]) if row[8] == "returned" else None,
            *row[8:15],
            at(row[15]),
            at(row[16]),
            at(row[17]),
        ]
        for row in ROWS
    ]
    return pl.DataFrame(records, schema=DOSSIER_SCHEMA, orient="row")


def procedures() -> pl.DataFrame:
    return pl.DataFrame(PROCEDURES, schema=PROCEDURE_SCHEMA, orient="row")


def expected_by_unit() -> pl.DataFrame:
    rows = [[unit, *values] for unit, values in BY_UNIT.items()]
    return pl.DataFrame(rows, schema=["unit_code", *MEASURES], orient="row").with_columns(
        pl.col(MEASURES).cast(pl.Int64)
    )


def expected_by_procedure() -> pl.DataFrame:
    names = [
        "unit_code",
        "procedure_code",
        "dossiers_to_process",
        "dossiers_late",
        "complaints",
        "complaints_late",
    ]
    return pl.DataFrame(BY_PROCEDURE, schema=names, orient="row").with_columns(
        pl.col(names[2:]).cast(pl.Int64)
    )


def write(folder: Path) -> tuple[list[Path], list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    dossiers().write_parquet(folder / "dossiers.parquet")
    procedures().write_parquet(folder / "procedures.parquet")
    return [folder / "dossiers.parquet"], [folder / "procedures.parquet"]
