"""What the command modules share: the database check, finding an index, a year's results and a
unit, the error every command raises, and the output formats.

Nothing heavy at import time: Django and the apps are imported inside the functions.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import language
from chiso.core.serialize import json_number, to_csv, to_json
from chiso.core.text import render_table

__all__ = [
    "FORMATS",
    "CommandError",
    "analysis_of",
    "as_decimal",
    "django_ready",
    "index_named",
    "json_number",
    "render_table",
    "to_csv",
    "to_json",
    "unit_in",
]

FORMATS = ("table", "json", "csv")


class CommandError(Exception):
    """A user-facing error: printed without a traceback, exit status 1."""


def django_configured() -> None:
    """Set Django up in the command's language without touching the database (reading a file)."""
    from chiso.bootstrap import setup_django

    setup_django()
    from django.utils import translation

    translation.activate(language())


def django_ready() -> None:
    """Set Django up in the command's language and check that the database is ready.

    A new embedded SQLite database is created and loaded here (a newcomer's first command works);
    any other database must have been prepared by ``chiso setup``: it is never migrated here.
    """
    from chiso.bootstrap import DatabaseNotReady, require_ready

    django_configured()
    try:
        require_ready(out=sys.stderr)
    except DatabaseNotReady as exc:
        raise CommandError(str(exc)) from exc


def index_named(name: str) -> Any:
    """The index called `name` (code, short name or name), or a CommandError listing the known ones."""
    from chiso.frameworks.services import IndexNotFound, find_index

    try:
        return find_index(name)
    except IndexNotFound as exc:
        raise CommandError(str(exc)) from exc


def level_of(index: Any, text: str | None) -> str | None:
    """The level asked on the command line (None: not asked), or a CommandError naming the index's."""
    from chiso.results.levels import checked

    if not text:
        return None
    try:
        return checked(index, text.strip())
    except LookupError as exc:
        raise CommandError(str(exc)) from exc


def period_of(year: int, text: str | None) -> str:
    """The stored period asked with --period ("" for the whole year), or a CommandError when it is
    not a month or quarter of `year`."""
    from chiso.engine.periods import PeriodError, period_in_year

    try:
        return period_in_year(text or "", year)
    except PeriodError as exc:
        raise CommandError(str(exc)) from exc


def when_of(year: int, period: str) -> str:
    """What the figures are of, after an index's name: "2024", "tháng 10/2025"."""
    from chiso.engine.periods import period_label

    return period_label(year, period) if period else str(year)


def analysis_of(
    index: Any, year: int, drafts: bool = False, level: str | None = None, period: str = ""
) -> Any:
    """The analysis of one year's published results of an index (ranks, groups, changes), or of a
    `period` of it, for the units of `level` (the index's first by default); with `drafts`, of its
    draft where there is one (the officer's preview before publishing)."""
    from chiso.results.services import analyse

    try:
        return analyse(index, year, drafts=drafts, level=level, period=period)
    except LookupError as exc:
        raise CommandError(str(exc)) from exc


def unit_in(index: Any, year: int, text: str, level: str | None = None, period: str = "") -> Any:
    """The unit named or coded `text`, as it was at the index's reference date in `year` (or the
    `period`'s last day): of `level`, else of the first of the index's levels that has it."""
    from chiso.engine.units import UnitError
    from chiso.results.services import reference_date
    from chiso.units.registry import registry

    first: UnitError | None = None
    on = reference_date(year, period)
    for found_level in [level] if level else index.levels:
        try:
            return registry((found_level,)).resolve(text, level=found_level, on=on)
        except UnitError as exc:
            first = first or exc
    raise CommandError(str(first)) from first


def as_decimal(value: Any) -> Decimal:
    """A JSON-ready number back as a Decimal, for formatting."""
    return Decimal(str(value))


def no_such_file(path: Any) -> CommandError:
    """The error for a missing input file."""
    return CommandError(_("Không có tệp {path}.").format(path=path))
