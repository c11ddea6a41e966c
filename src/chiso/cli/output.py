"""Rendering for the console: aligned text tables for people, JSON and CSV for machines."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from chiso.engine.numbers import round_half_up

JSON_PLACES = 9


def _width(text: str) -> int:
    """Display width: combining marks take no column, East Asian wide characters take two."""
    width = 0
    for ch in unicodedata.normalize("NFC", text):
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right_align: Sequence[bool]) -> str:
    """A plain text table with a header rule, columns padded to their widest cell."""
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(_pad(h, widths[i], right_align[i]) for i, h in enumerate(headers)).rstrip(),
        "  ".join("─" * w for w in widths),
    ]
    for row in rows:
        lines.append("  ".join(_pad(cell, widths[i], right_align[i]) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


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
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()
