"""Charts drawn on the server as SVG: light, printable, readable without JavaScript, and allowed by
the Content Security Policy (colours are SVG attributes, not style). Each mark carries a <title>,
which browsers show as a tooltip; the figure's text is in the page for screen readers.

Numbers go through the one formatter (`chiso.engine.numbers.format_number`) in the active language,
so an axis reads "47,5" beside labels that read "47,50" — never "47.5".

    grouped_bars(categories, series)     components against the mean and the best
    ranking_dots(entries, ...)           every unit's score in rank order, one highlighted
    stacked_bars(rows, series)           counts by state, one bar per row (an agency)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from chiso.engine.numbers import format_number

WIDTH = 480  # the viewBox's width: text stays readable on a 390 px phone (the figure is at most 600 px wide)
FONT = 13
LINE = 16
MUTED = "#5b6676"
GRID = "#dde3ea"
TEXT = "#1c2430"
HIGHLIGHT = "#a4161a"
OTHER = "#9fb3c8"


@dataclass(frozen=True)
class Series:
    """One kind of mark: its label in the legend, its colour, and a value per category or row."""

    label: str
    colour: str
    values: Sequence[Decimal | int | None]


@dataclass(frozen=True)
class RankedEntry:
    """One unit in a ranking chart."""

    name: str
    rank: int
    score: Decimal
    highlighted: bool = False


def _locale() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _num(value: Decimal | int | float | None, places: int) -> str:
    return format_number(None if value is None else Decimal(str(value)), places, _locale())


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _places(ticks: list[float]) -> int:
    """Decimal places the ticks need: none for 10, 20; one for 2.5, 5.0."""
    return 0 if all(float(t).is_integer() for t in ticks) else 1


def _svg(height: float, body: list[str], label: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {math.ceil(height)}" role="img" '
        f'aria-label="{escape(label)}" font-size="{FONT}" fill="{TEXT}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[Series], y: float) -> tuple[list[str], float]:
    """The legend's marks from `y` down, wrapped to the width; the marks and the y below them."""
    parts, x = [], 0.0
    for s in series:
        width = 16 + 6.8 * len(s.label) + 16
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE + 2
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{s.colour}"/>')
        parts.append(f'<text x="{x + 16:.1f}" y="{y:.1f}">{escape(_clip(s.label, 64))}</text>')
        x += width
    return parts, y + 16


def grouped_bars(
    categories: Sequence[tuple[str, str]],
    series: Sequence[Series],
    *,
    places: int = 2,
    maximum: Sequence[Decimal | None] | None = None,
    label: str = "",
) -> SafeString:
    """Horizontal bars, one group per category (code, name) and one bar per series; the category's
    name above its group, so long Vietnamese names fit a phone. Each group's scale runs from zero to
    its own maximum when given (a component's maximum points), else to the largest value drawn."""
    bar, gap = 11, 2
    overall = max((float(v) for s in series for v in s.values if v is not None), default=1.0) or 1.0
    body, y = _legend(series, 14)
    left = 4
    span = WIDTH - left - 70
    for i, (code, name) in enumerate(categories):
        limit = maximum[i] if maximum else None
        top = float(limit) if limit else overall
        title = f"{code} {name}".strip()
        body.append(f'<text x="{left}" y="{y + 12:.1f}" font-weight="600">{escape(_clip(title, 68))}</text>')
        y += LINE + 2
        for s in series:
            value = s.values[i]
            width = 0.0 if value is None else max(float(value), 0.0) / top * span
            text = f"{s.label}: {_num(value, places)}"
            body.append(
                f'<rect x="{left}" y="{y:.1f}" width="{width:.1f}" height="{bar}" fill="{s.colour}">'
                f"<title>{escape(title)} — {escape(text)}</title></rect>"
            )
            body.append(
                f'<text x="{left + width + 4:.1f}" y="{y + bar - 1:.1f}" font-size="11" fill="{MUTED}">'
                f"{escape(_num(value, places))}</text>"
            )
            y += bar + gap
        y += 8
    return _svg(y, body, label)


def ranking_dots(
    entries: Sequence[RankedEntry],
    *,
    places: int = 2,
    of: int | None = None,
    rank_label: str = "",
    score_label: str = "",
    label: str = "",
) -> SafeString:
    """Every unit's score in rank order as a dot, the highlighted one in red with its name and rank.
    The score axis starts near the lowest score, not at zero: 82 and 91 must look different."""
    if not entries:
        return _svg(10, [], label)
    height, top, bottom, left, right = 260.0, 24.0, 40.0, 44.0, 12.0
    scores = [float(e.score) for e in entries]
    ticks = nice_ticks(min(scores), max(scores))
    low, high = ticks[0], ticks[-1]
    tick_places = _places(ticks)
    plot_h = height - top - bottom
    plot_w = WIDTH - left - right
    n = len(entries)

    def x_of(position: int) -> float:
        return left + (position - 0.5) / n * plot_w

    def y_of(score: float) -> float:
        return top + (high - score) / (high - low) * plot_h

    body: list[str] = []
    for t in ticks:
        y = y_of(t)
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_num(t, tick_places)}</text>'
        )
    step = 10 if n > 20 else 5 if n > 8 else 1
    for position in [1, *range(step, n + 1, step)]:
        body.append(
            f'<text x="{x_of(position):.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle" '
            f'fill="{MUTED}">{position}</text>'
        )
    if rank_label:
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 6:.1f}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(rank_label)}</text>'
        )
    if score_label:
        body.append(f'<text x="{left}" y="12" fill="{MUTED}">{escape(score_label)}</text>')
    total = of or n
    highlighted = []
    for position, entry in enumerate(entries, start=1):
        cx, cy = x_of(position), y_of(float(entry.score))
        colour = HIGHLIGHT if entry.highlighted else OTHER
        radius = 5 if entry.highlighted else 3.5
        tip = f"{entry.name} — {entry.rank}/{total} · {_num(entry.score, places)}"
        body.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{colour}"><title>{escape(tip)}</title></circle>'
        )
        if entry.highlighted:
            highlighted.append((cx, cy, f"{entry.name} {entry.rank}/{total}"))
    for cx, cy, text in highlighted:  # drawn last: above the other dots
        anchor = "end" if cx > WIDTH * 0.6 else "start"
        dx = -8 if anchor == "end" else 8
        body.append(
            f'<text x="{cx + dx:.1f}" y="{max(cy - 8, 12):.1f}" text-anchor="{anchor}" fill="{HIGHLIGHT}" '
            f'font-weight="600" stroke="#fff" stroke-width="3" paint-order="stroke">{escape(text)}</text>'
        )
    return _svg(height, body, label)


def stacked_bars(rows: Sequence[str], series: Sequence[Series], *, label: str = "") -> SafeString:
    """One horizontal bar per row (its name above it), split by series (counts); the count written
    inside each part wide enough to hold it."""
    bar = 16
    largest = max((sum(int(s.values[i] or 0) for s in series) for i in range(len(rows))), default=0) or 1
    span = WIDTH - 8
    body, y = _legend(series, 14)
    for i, name in enumerate(rows):
        body.append(f'<text x="0" y="{y + 12:.1f}">{escape(_clip(name, 72))}</text>')
        y += LINE + 2
        x = 0.0
        for s in series:
            count = int(s.values[i] or 0)
            if not count:
                continue
            width = count / largest * span
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{bar}" fill="{s.colour}">'
                f"<title>{escape(name)} — {escape(s.label)}: {count}</title></rect>"
            )
            if width >= 18:
                body.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + 12:.1f}" text-anchor="middle" fill="#fff" '
                    f'font-size="11">{count}</text>'
                )
            x += width
        y += bar + 10
    return _svg(y, body, label)


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
