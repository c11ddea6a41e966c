"""The canonical dossier columns (the shared spec of issue #14), and reading a one-stop system's
export through a column mapping."""

from __future__ import annotations

import polars as pl

STAMP = pl.Datetime("us")

# The table `dossiers`, in this order, with these types: what the import writes and the engines read.
DOSSIER_SCHEMA: dict[str, pl.DataType] = {
    "dossier_id": pl.String(),
    "unit_code": pl.String(),
    "procedure_code": pl.String(),
    "channel": pl.String(),
    "online_level": pl.String(),
    "received_at": STAMP,
    "due_at": STAMP,
    "finished_at": STAMP,
    "returned_at": STAMP,
    "status": pl.String(),
    "fee_required": pl.Boolean(),
    "paid_online": pl.Boolean(),
    "digitised_dossier": pl.Boolean(),
    "digitised_result": pl.Boolean(),
    "reused_data": pl.Boolean(),
    "rating": pl.String(),
    "complaint_at": STAMP,
    "complaint_due_at": STAMP,
    "complaint_handled_at": STAMP,
}
# The table `procedures`: the procedures a unit published, with the deadline of the publication.
PROCEDURE_SCHEMA: dict[str, pl.DataType] = {
    "procedure_code": pl.String(),
    "unit_code": pl.String(),
    "published_at": pl.Date(),
    "due_at": pl.Date(),
}
