"""Improvement-plan items for the report, read from the `chiso.plans` app when it is installed.

The report asks for plain rows and never touches the plans app's models. The plans app provides

    chiso.plans.services.report_rows(index_code: str, year: int, unit_code: str, period: str = "") -> list[dict]

each dict with the keys of PLAN_KEYS (``supporters`` a list of names or a text; ``deadline`` a
date, a text or None). Without the app, or without that function, there are no rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chiso.engine.numbers import format_date

PLAN_APP = "chiso.plans"
PLAN_KEYS = ("code", "name", "lead", "supporters", "action", "deadline", "status")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value if v)
    return str(value)


def normalise_row(row: dict[str, Any]) -> dict[str, str]:
    """One plan row as texts for a table: every key of PLAN_KEYS present."""
    return {key: _text(row.get(key)) for key in PLAN_KEYS}


def plan_rows_for(index_code: str, year: int, unit_code: str, period: str = "") -> list[dict[str, str]]:
    """The plan items of a unit for an index-year (or a `period` of it); [] when the plans app is
    absent or has none."""
    from django.apps import apps

    if not apps.is_installed(PLAN_APP):
        return []
    try:
        from chiso.plans.services import report_rows
    except ImportError:
        return []
    return [normalise_row(row) for row in report_rows(index_code, year, unit_code, period) or []]
