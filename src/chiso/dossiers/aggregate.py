"""The measures of Decision 766/QĐ-TTg for a period [start, end), written once as an Ibis expression.

`measures` takes the two tables (`dossiers`, `procedures`, canonical columns of `chiso.dossiers.schema`)
as Ibis tables of any backend and returns two expressions: one row per unit with every measure, and
one row per (unit, procedure) for "where it is lost". `chiso.dossiers.engines` runs them on DuckDB or
on Spark; the definitions are in docs/dossiers.md, and every rule reads only what was known at the
period's end (a date after `end` counts as not yet happened).
"""

from __future__ import annotations

from datetime import date, datetime

import ibis
import ibis.expr.types as ir

# The per-unit measures, in this order (all Int64 counts).
UNIT_MEASURES = (
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
)
DOSSIER_MEASURES = UNIT_MEASURES[2:]
# The per-(unit, procedure) counts.
PROCEDURE_MEASURES = ("dossiers_to_process", "dossiers_late", "complaints", "complaints_late")


def _yes(condition: ir.BooleanValue) -> ir.BooleanValue:
    """A condition with unknown (null) read as false."""
    return condition.fill_null(False)


def _midnight(day: date) -> ir.TimestampScalar:
    return ibis.timestamp(datetime(day.year, day.month, day.day))


def flags(dossiers: ir.Table, start: date, end: date) -> dict[str, ir.BooleanValue]:
    """Every condition a measure counts, per dossier (the definitions of docs/dossiers.md)."""
    s, e = _midnight(start), _midnight(end)
    d = dossiers

    def within(column: ir.TimestampValue) -> ir.BooleanValue:
        return _yes((column >= s) & (column < e))

    def known(column: ir.TimestampValue) -> ir.BooleanValue:
        """Happened before the period's end."""
        return _yes(column < e)

    received = within(d.received_at)
    finished = within(d.finished_at)
    active = (
        _yes(d.status != "withdrawn")
        & known(d.received_at)
        & (_yes(d.received_at >= s) | ~known(d.finished_at) | _yes(d.finished_at >= s))
    )
    has_due = d.due_at.notnull()
    late = (
        active
        & has_due
        & ((finished & _yes(d.finished_at > d.due_at)) | (~known(d.finished_at) & _yes(d.due_at < e)))
    )
    complaint = within(d.complaint_at)
    handled = known(d.complaint_handled_at)
    complaint_late = (
        complaint
        & d.complaint_due_at.notnull()
        & (
            (handled & _yes(d.complaint_handled_at > d.complaint_due_at))
            | (~handled & _yes(d.complaint_due_at < e))
        )
    )
    unsatisfied = _yes(d.rating == "unsatisfied")
    return {
        "dossiers_to_process": active,
        "dossiers_late": late,
        "dossiers_finished": active & finished,
        "dossiers_finished_on_time": active & finished & (~has_due | _yes(d.finished_at <= d.due_at)),
        "dossiers_received": received,
        "dossiers_online": received & _yes(d.channel == "online"),
        "dossiers_full_online": received & _yes(d.online_level == "full"),
        "dossiers_fee_required": received & _yes(d.fee_required),
        "dossiers_paid_online": received & _yes(d.fee_required) & _yes(d.paid_online),
        "dossiers_digitised": received & _yes(d.digitised_dossier),
        "results_digitised": active & finished & _yes(d.digitised_result),
        "dossiers_reused": received & _yes(d.reused_data),
        "complaints": complaint,
        "complaints_on_time": complaint
        & handled
        & (d.complaint_due_at.isnull() | _yes(d.complaint_handled_at <= d.complaint_due_at)),
        "complaints_unsatisfied": complaint & (unsatisfied | complaint_late),
        "dossiers_unsatisfied": received & (unsatisfied | known(d.complaint_at) | late),
        "complaints_late": complaint_late,
    }


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return condition.cast("int64").sum().fill_null(0)


def measures(dossiers: ir.Table, procedures: ir.Table, start: date, end: date) -> tuple[ir.Table, ir.Table]:
    """(by_unit, by_procedure) for the period [start, end): see the module's docstring."""
    s, e = _midnight(start), _midnight(end)
    d = dossiers
    # Only the dossiers the period can see: received before its end and not finished before its
    # start, or with a complaint in it.
    relevant = d.filter(
        _yes(d.received_at < e)
        & (
            _yes(d.received_at >= s)
            | d.finished_at.isnull()
            | _yes(d.finished_at >= s)
            | _yes((d.complaint_at >= s) & (d.complaint_at < e))
        )
    )
    f = flags(relevant, start, end)
    dossier_counts = relevant.group_by("unit_code").aggregate(
        **{name: _count(f[name]) for name in DOSSIER_MEASURES}
    )
    p = procedures
    published = p.filter((p.published_at >= start) & (p.published_at < end))
    procedure_counts = published.group_by("unit_code").aggregate(
        procedures_published=published.count().cast("int64"),
        procedures_published_on_time=_count(_yes(published.published_at <= published.due_at)),
    )
    joined = dossier_counts.outer_join(procedure_counts, "unit_code")
    by_unit = joined.select(
        unit_code=ibis.coalesce(joined.unit_code, joined.unit_code_right),
        **{name: joined[name].fill_null(0).cast("int64") for name in UNIT_MEASURES},
    )
    by_procedure = (
        relevant.group_by("unit_code", "procedure_code")
        .aggregate(**{name: _count(f[name]) for name in PROCEDURE_MEASURES})
        .filter(lambda t: (t.dossiers_to_process + t.complaints) > 0)
    )
    return by_unit, by_procedure
