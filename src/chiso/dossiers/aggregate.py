"""The measures of Decision 766/QĐ-TTg for a period [start, end), written once as an Ibis expression.

`measures` takes the two tables (`dossiers`, `procedures`, canonical columns of `chiso.dossiers.schema`)
as Ibis tables of any backend and returns two expressions: one row per unit with every measure, and
one row per (unit, procedure) for "where it is lost". `chiso.dossiers.engines` runs them on DuckDB or
on Spark; the definitions are in docs/dossiers.md, and every rule reads only what was known at the
period's end (a date on or after `end` counts as not yet happened).
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


def flagged(dossiers: ir.Table, start: date, end: date) -> ir.Table:
    """One row per dossier the period can see: its unit, its procedure and, as 0/1, every condition a
    measure counts (the definitions of docs/dossiers.md). Each condition is computed once, from the
    columns before it, so an engine evaluates no expression twice."""
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
    t = relevant.mutate(
        _received=_yes((d.received_at >= s) & (d.received_at < e)),
        _finished=_yes((d.finished_at >= s) & (d.finished_at < e)),
        _finished_known=_yes(d.finished_at < e),
        _active=_yes(d.status != "withdrawn")
        & (_yes(d.received_at >= s) | ~_yes(d.finished_at < e) | _yes(d.finished_at >= s)),
        _complaint=_yes((d.complaint_at >= s) & (d.complaint_at < e)),
        _handled=_yes(d.complaint_handled_at < e),
        _unsatisfied=_yes(d.rating == "unsatisfied"),
    )
    t = t.mutate(
        _late=t._active
        & t.due_at.notnull()
        & ((t._finished & _yes(t.finished_at > t.due_at)) | (~t._finished_known & _yes(t.due_at < e))),
        _complaint_late=t._complaint
        & t.complaint_due_at.notnull()
        & (
            (t._handled & _yes(t.complaint_handled_at > t.complaint_due_at))
            | (~t._handled & _yes(t.complaint_due_at < e))
        ),
    )
    received, finished = t._received, t._active & t._finished
    flags = {
        "dossiers_to_process": t._active,
        "dossiers_late": t._late,
        "dossiers_finished": finished,
        "dossiers_finished_on_time": finished & (t.due_at.isnull() | _yes(t.finished_at <= t.due_at)),
        "dossiers_received": received,
        "dossiers_online": received & _yes(t.channel == "online"),
        "dossiers_full_online": received & _yes(t.online_level == "full"),
        "dossiers_fee_required": received & _yes(t.fee_required),
        "dossiers_paid_online": received & _yes(t.fee_required) & _yes(t.paid_online),
        "dossiers_digitised": received & _yes(t.digitised_dossier),
        "results_digitised": finished & _yes(t.digitised_result),
        "dossiers_reused": received & _yes(t.reused_data),
        "complaints": t._complaint,
        "complaints_on_time": t._complaint
        & t._handled
        & (t.complaint_due_at.isnull() | _yes(t.complaint_handled_at <= t.complaint_due_at)),
        "complaints_unsatisfied": t._complaint & (t._unsatisfied | t._complaint_late),
        "dossiers_unsatisfied": received & (t._unsatisfied | _yes(t.complaint_at < e) | t._late),
        "complaints_late": t._complaint_late,
    }
    return t.select(
        "unit_code", "procedure_code", **{name: flag.cast("int8") for name, flag in flags.items()}
    )


COUNTS = (*DOSSIER_MEASURES, "complaints_late")


def detail(dossiers: ir.Table, start: date, end: date) -> ir.Table:
    """Every count per (unit, procedure): the one scan of the dossiers. Both outputs are sums of it."""
    f = flagged(dossiers, start, end)
    return f.group_by("unit_code", "procedure_code").aggregate(
        **{name: f[name].sum().cast("int64") for name in COUNTS}
    )


def measures(dossiers: ir.Table, procedures: ir.Table, start: date, end: date) -> tuple[ir.Table, ir.Table]:
    """(by_unit, by_procedure) for the period [start, end), as one expression each."""
    return roll_up(detail(dossiers, start, end), procedures, start, end)


def roll_up(fine: ir.Table, procedures: ir.Table, start: date, end: date) -> tuple[ir.Table, ir.Table]:
    """(by_unit, by_procedure) from the detail (`detail`) and the procedures published.

    An engine may compute the detail once and pass it back as a small in-memory table, so that the
    two outputs read the dossiers once (`chiso.dossiers.engines` does)."""
    dossier_counts = fine.group_by("unit_code").aggregate(
        **{name: fine[name].sum() for name in DOSSIER_MEASURES}
    )
    p = procedures
    published = p.filter((p.published_at >= start) & (p.published_at < end))
    procedure_counts = published.group_by("unit_code").aggregate(
        procedures_published=published.count().cast("int64"),
        procedures_published_on_time=_yes(published.published_at <= published.due_at).cast("int64").sum(),
    )
    joined = dossier_counts.outer_join(procedure_counts, "unit_code")
    by_unit = joined.select(
        unit_code=ibis.coalesce(joined.unit_code, joined.unit_code_right),
        **{name: joined[name].fill_null(0).cast("int64") for name in UNIT_MEASURES},
    )
    by_procedure = fine.filter((fine.dossiers_to_process + fine.complaints) > 0).select(
        "unit_code", "procedure_code", *PROCEDURE_MEASURES
    )
    return by_unit, by_procedure
