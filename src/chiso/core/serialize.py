"""Machine-readable output shared by the command line, the web pages and the exports: JSON and CSV.

Decimals become JSON numbers with at most 9 decimal places (`json_number`); text tables for people
belong to the command line (`chiso.cli.common.render_table`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from chiso.engine.numbers import round_half_up

JSON_PLACES = 9


def json_number(value: Decimal | None) -> float | int | None:
    """A Decimal as a JSON number. Values carry at most 15 significant digits once rounded to 9
    places, so the float's shortest representation prints exactly the decimal digits."""
    if value is None:
        return None
    rounded = round_half_up(value, JSON_PLACES).normalize()
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def to_json(data: Any) -> str:
    """Indented JSON that keeps Vietnamese letters as they are."""
    return json.dumps(data, ensure_ascii=False, indent=2)


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"), unless it is a plain number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def as_text_cell(value: Any) -> Any:
    """A CSV cell that spreadsheets read as text: a string that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text with a header row and Unix line ends; no cell can run as a formula in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([as_text_cell(cell) for cell in headers])
    writer.writerows([as_text_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
