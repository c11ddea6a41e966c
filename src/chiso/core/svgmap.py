"""The tile-grid map of the provinces drawn on the server as SVG, with the conventions of
`chiso.core.svgcharts`: colours as SVG attributes (the Content Security Policy forbids style), a
<title> tooltip on every province, numbers already formatted by the caller, a viewBox 480 wide.

    tile_map(shapes, entries, legend, ...)   one square per province (`chiso.engine.tilemap`), the
                                             merged provinces of 2025 as one shape, both archipelagos

Each province is one <path class="province" data-code="…"> (its squares and the bridges between
them), so a merged province reads as one shape; the archipelagos are <g class="archipelago"> marks at
sea, coloured like the province they belong to, and labelled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chiso.core.svgcharts import FONT, HIGHLIGHT, TEXT, WIDTH
from chiso.engine.i18n import localized
from chiso.engine.tilemap import ARCHIPELAGOS, COLUMNS, NO_DATA, ROWS, Shape, border, is_dark

TILE = 44
GAP = 3
PITCH = TILE + GAP
LEFT = (WIDTH - COLUMNS * PITCH + GAP) / 2
TOP = 4.0
# The islands' marks: small squares around the archipelago's place, as on printed maps.
_ISLETS = {
    "hoang-sa": ((0, 0), (13, 5), (5, 13), (21, 15), (29, 4), (35, 13)),
    "truong-sa": ((0, 0), (11, 11), (23, 5), (17, 22), (31, 17), (38, 30), (6, 30)),
}


@dataclass(frozen=True)
class MapEntry:
    """What one province shows: its fill, its tooltip, the value written under its short label
    (formatted, may be empty) and the value kept in data-value (plain text, for tests and copying)."""

    colour: str
    tip: str
    shown: str = ""
    value: str = ""


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str


def _x(column: float) -> float:
    return LEFT + column * PITCH


def _y(row: float) -> float:
    return TOP + row * PITCH


def _outline(shape: Shape) -> str:
    """The path of a shape: its squares and the gaps between two of its squares side by side."""
    tiles = set(shape.tiles)
    parts = []
    for column, row in shape.tiles:
        x, y = _x(column), _y(row)
        parts.append(f"M{x:.1f} {y:.1f}h{TILE}v{TILE}h-{TILE}z")
        if (column + 1, row) in tiles:
            parts.append(f"M{x + TILE:.1f} {y:.1f}h{GAP}v{TILE}h-{GAP}z")
        if (column, row + 1) in tiles:
            parts.append(f"M{x:.1f} {y + TILE:.1f}h{TILE}v{GAP}h-{TILE}z")
    return "".join(parts)


def _border(shape: Shape) -> str:
    """The outer border of a shape (`chiso.engine.tilemap.border`) as a path: the page's unit outlined."""
    return "".join(
        f"M{LEFT + x1:.1f} {TOP + y1:.1f}L{LEFT + x2:.1f} {TOP + y2:.1f}"
        for x1, y1, x2, y2 in border(shape.tiles, TILE, GAP)
    )


def tile_map(
    shapes: Sequence[Shape],
    entries: Mapping[str, MapEntry],
    legend: Sequence[LegendItem],
    *,
    legend_title: str = "",
    highlight: str | None = None,
    label: str = "",
) -> SafeString:
    """The provinces as tiles coloured by `entries` (by official code; a province without an entry
    is drawn as having no data), the archipelagos beside Đà Nẵng and Khánh Hòa, and the legend in the
    sea off the southern coast. `highlight`: the code of a province to outline (the page's unit)."""
    body: list[str] = []
    by_code = {s.code: s for s in shapes}
    for shape in shapes:
        entry = entries.get(shape.code) or MapEntry(NO_DATA, shape.unit.display_name)
        body.append(
            f'<path class="province" data-code="{escape(shape.code)}" data-value="{escape(entry.value)}" '
            f'fill="{entry.colour}" d="{_outline(shape)}"><title>{escape(entry.tip)}</title></path>'
        )
        column, row = shape.label_tile
        cx, cy = _x(column) + TILE / 2, _y(row) + TILE / 2
        ink = "#fff" if is_dark(entry.colour) else TEXT
        if entry.shown:
            body.append(
                f'<text x="{cx:.1f}" y="{cy - 3:.1f}" text-anchor="middle" font-size="13" font-weight="600" '
                f'fill="{ink}" pointer-events="none">{escape(shape.short)}</text>'
                f'<text x="{cx:.1f}" y="{cy + 12:.1f}" text-anchor="middle" font-size="11.5" fill="{ink}" '
                f'pointer-events="none">{escape(entry.shown)}</text>'
            )
        else:
            body.append(
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-size="13" font-weight="600" '
                f'fill="{ink}" pointer-events="none">{escape(shape.short)}</text>'
            )
    if highlight and highlight in by_code:
        body.append(
            f'<path class="highlight" data-code="{escape(highlight)}" d="{_border(by_code[highlight])}" fill="none" '
            f'stroke="{HIGHLIGHT}" stroke-width="3" stroke-linecap="square" pointer-events="none"/>'
        )
    for island in ARCHIPELAGOS:
        owner = by_code.get(island.province_code)
        found = entries.get(island.province_code) if owner else None
        colour = found.colour if found else NO_DATA
        owner_name = owner.unit.display_name if owner else ""
        name = localized(island.name, island.name_en)
        tip = f"{name} ({owner_name})" + (f" — {found.tip}" if found else "")
        x0, y0 = _x(island.place[0]), _y(island.place[1])
        islets = "".join(
            f'<rect x="{x0 + dx:.1f}" y="{y0 + dy:.1f}" width="7" height="7"/>'
            for dx, dy in _ISLETS[island.key]
        )
        body.append(
            f'<g class="archipelago" data-archipelago="{island.key}" data-code="{island.province_code}" '
            f'fill="{colour}" stroke="{TEXT}" stroke-width="0.7"><title>{escape(tip)}</title>{islets}</g>'
        )
        cx = x0 + 22
        below = y0 + max(dy for _dx, dy in _ISLETS[island.key]) + 20
        body.append(
            f'<text class="archipelago-label" x="{cx:.1f}" y="{below:.1f}" text-anchor="middle" font-size="12">'
            f"{escape(name)}</text>"
            f'<text x="{cx:.1f}" y="{below + 13:.1f}" text-anchor="middle" font-size="12">({escape(owner_name)})</text>'
        )
    # The legend, in the sea east of the Mekong delta.
    x, y = _x(5), _y(15) + 4
    if legend_title:
        body.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-weight="600">{escape(_clip(legend_title, 34))}</text>'
        )
        y += 20
    for item in legend:
        body.append(
            f'<g class="legend-item"><rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" fill="{item.colour}" '
            f'stroke="{TEXT}" stroke-width="0.5"/><text x="{x + 20:.1f}" y="{y:.1f}">{escape(_clip(item.label, 34))}</text></g>'
        )
        y += 19
    height = max(_y(ROWS), y + 6)
    return mark_safe(
        f'<svg class="chart map" viewBox="0 0 {WIDTH} {math.ceil(height)}" role="img" '
        f'aria-label="{escape(label)}" font-size="{FONT}" fill="{TEXT}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )  # every value above is a number, a colour of ours or escaped


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
