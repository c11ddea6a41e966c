"""Plain text tables for a console: the `chiso` command and the demo's printed accounts."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime


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


def local_moment(moment: datetime | None, with_time: bool = True) -> str:
    """A stored moment (UTC in the database) as the installation's local date, dd/mm/yyyy [HH:MM], or "–".

    A publication at 00:30 in Hà Nội is stored as the evening before in UTC; printing the UTC date
    would date it a day early.
    """
    if moment is None:
        return "–"
    from django.utils import timezone

    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
