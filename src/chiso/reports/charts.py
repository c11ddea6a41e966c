"""The report's charts as PNG files (matplotlib, no display needed).

Font: DejaVu Sans, which ships with matplotlib and has every Vietnamese letter (Debian's
Liberation Sans 2.1 lacks the precomposed ones such as "ệ", "ở").
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator

from chiso.engine.i18n import active_language
from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import format_number

if TYPE_CHECKING:
    from chiso.results.maps import ProvinceMap

DPI = 170
HIGHLIGHT = "#c0392b"
BASE = "#7f8c8d"
MEAN_COLOUR = "#2c3e50"
BEST_COLOUR = "#27ae60"
UNIT_COLOUR = "#2b6cb0"

plt.rcParams.update(
    {
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
    }
)


def _vn(value: Decimal | float | None, places: int = 2) -> str:
    return format_number(Decimal(str(value)) if value is not None else None, places, active_language())


def _tick(value: float, _position: object = None) -> str:
    """An axis tick in the labels' format ("47,5", not "47.5"; "47.5" in English): as many decimals
    as the tick has (at most 2), through `format_number`."""
    number = Decimal(str(round(value, 6))).normalize()
    places = min(max(-number.as_tuple().exponent, 0), 2)  # type: ignore[operator]
    return format_number(number, places, active_language())


COMMA_TICKS = FuncFormatter(_tick)


@dataclass(frozen=True)
class TrendPoint:
    year: int
    score: Decimal | None
    max_points: Decimal | None
    rank: int | None
    of: int | None
    framework: str
    framework_label: str = ""  # as a reader names it; `framework` is the code that tells a change


def ranking_chart(
    names: list[str],
    scores: list[Decimal],
    highlight: str,
    mean: Decimal | None,
    title: str,
    path: Path,
    places: int = 2,
    mean_label: str = "Trung bình cả nước",
) -> Path:
    """Every ranked unit as a horizontal bar, best at the top, the unit in red, the mean as a line."""
    count = len(names)
    height = min(8.4, max(4.0, 0.15 * count + 1.2))  # with its caption, fits one A4 page
    fig, ax = plt.subplots(figsize=(6.6, height))
    positions = list(range(count))[::-1]
    colours = [HIGHLIGHT if name == highlight else BASE for name in names]
    values = [float(s) for s in scores]
    ax.barh(positions, values, color=colours, height=0.72)
    ax.set_yticks(positions)
    ax.set_yticklabels([f"{i + 1}. {n}" for i, n in enumerate(names)], fontsize=6.3 if count <= 50 else 5.6)
    for tick, name in zip(ax.get_yticklabels(), names, strict=True):
        if name == highlight:
            tick.set_color(HIGHLIGHT)
            tick.set_fontweight("bold")
    low, high = min(values), max(values)
    margin = (high - low) * 0.15 or 1
    ax.set_xlim(max(0, low - margin), high + margin * 0.6)
    ax.set_ylim(-0.7, count - 0.3)
    if mean is not None:
        ax.axvline(
            float(mean),
            color=MEAN_COLOUR,
            linestyle="--",
            linewidth=0.9,
            label=f"{mean_label} {_vn(mean, places)}",
        )
        ax.legend(loc="lower right", fontsize=7, frameon=True)
    for pos, value, name in zip(positions, values, names, strict=True):
        if name == highlight:
            ax.text(
                value, pos, f" {_vn(value, places)}", va="center", fontsize=7, color=HIGHLIGHT, weight="bold"
            )
    ax.set_xlabel(_("Điểm"), fontsize=8)
    ax.xaxis.set_major_formatter(COMMA_TICKS)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(title, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def components_chart(
    labels: list[str],
    unit_values: list[Decimal | None],
    means: list[Decimal | None],
    bests: list[Decimal | None],
    unit_name: str,
    title: str,
    path: Path,
    places: int = 2,
    mean_label: str = "Trung bình cả nước",
) -> Path:
    """Grouped bars per component: the unit, the national mean, the best unit."""
    count = len(labels)
    fig, ax = plt.subplots(figsize=(6.6, 3.9))
    width = 0.27
    xs = list(range(count))

    def floats(values: list[Decimal | None]) -> list[float]:
        return [float(v) if v is not None else 0.0 for v in values]

    ax.bar([x - width for x in xs], floats(unit_values), width, label=unit_name, color=UNIT_COLOUR)
    ax.bar(xs, floats(means), width, label=mean_label, color="#a0aec0")
    ax.bar([x + width for x in xs], floats(bests), width, label=_("Cao nhất"), color=BEST_COLOUR)
    for x, value in zip(xs, unit_values, strict=True):
        if value is not None:
            ax.text(
                x - width, float(value), _vn(value, places), ha="center", va="bottom", fontsize=6, rotation=90
            )
    ax.set_xticks(xs)
    ax.set_xticklabels([textwrap.fill(label, 14) for label in labels], fontsize=6.3)
    ax.tick_params(axis="y", labelsize=7)
    ax.yaxis.set_major_formatter(COMMA_TICKS)
    ax.set_ylabel(_("Điểm"), fontsize=8)
    top = max(floats(bests) + floats(unit_values) or [1.0])
    ax.set_ylim(0, top * 1.18)
    ax.legend(fontsize=7, ncol=3, loc="upper left", frameon=False)
    ax.set_title(title, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def trend_chart(points: list[TrendPoint], unit_name: str, title: str, path: Path, places: int = 2) -> Path:
    """Score (left axis, one line per framework: a new scale starts a new line) and rank (right
    axis, 1 at the top) over the years with a result; a dashed line marks each framework change."""
    fig, ax = plt.subplots(figsize=(6.6, 3.4))
    ax_rank = ax.twinx()
    ax_rank.spines["right"].set_visible(True)
    segments: list[list[TrendPoint]] = []
    for point in points:
        if point.score is None:
            continue
        if not segments or segments[-1][-1].framework != point.framework:
            segments.append([])
        segments[-1].append(point)
    for i, segment in enumerate(segments):
        years = [p.year for p in segment]
        ax.plot(
            years,
            [float(p.score) for p in segment],  # type: ignore[arg-type]
            marker="o",
            color=UNIT_COLOUR,
            linewidth=1.6,
            markersize=4,
            label=_("Điểm") if i == 0 else None,
        )
        if i > 0:
            boundary = (segments[i - 1][-1].year + segment[0].year) / 2
            ax.axvline(boundary, color="#555555", linestyle=":", linewidth=1)
            scale = (
                format_number(segment[0].max_points, 0, active_language())
                if segment[0].max_points is not None
                else "?"
            )
            ax.text(
                boundary,
                1.0,
                " "
                + _("khung mới {year}").format(year=segment[0].year)
                + "\n "
                + _("(thang {scale} điểm)").format(scale=scale),
                transform=ax.get_xaxis_transform(),
                fontsize=6.5,
                va="top",
                color="#555555",
            )
    ranked = [(p.year, p.rank, p.of or p.rank) for p in points if p.rank is not None]
    if ranked:
        ax_rank.plot(
            [year for year, _, _ in ranked],
            [rank for _, rank, _ in ranked],
            marker="s",
            color=HIGHLIGHT,
            linewidth=1.1,
            linestyle="--",
            markersize=3.5,
            label=_("Hạng"),
        )
        worst = max(of for _, _, of in ranked)
        # Room above rank 1 for the note of a new framework, so that the two never overlap.
        ax_rank.set_ylim(worst + 2, -max(worst * 0.15, 1))
        ticks = MaxNLocator(integer=True).tick_values(1, worst)
        ax_rank.set_yticks([1] + [int(t) for t in ticks if 1 < t <= worst])
    ax_rank.set_ylabel(_("Hạng (1 = cao nhất)"), fontsize=8, color=HIGHLIGHT)
    ax_rank.tick_params(axis="y", labelsize=7, colors=HIGHLIGHT)
    ax.set_ylabel(_("Điểm"), fontsize=8, color=UNIT_COLOUR)
    ax.yaxis.set_major_formatter(COMMA_TICKS)
    ax_rank.yaxis.set_major_formatter(COMMA_TICKS)
    ax.tick_params(axis="y", labelsize=7)
    years = [p.year for p in points]
    if years:
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years], fontsize=7, rotation=0)
        ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
    scores = [float(p.score) for p in points if p.score is not None]
    if scores:
        top = max(scores) * 1.08
        scales = [float(p.max_points) for p in points if p.max_points is not None]
        if scales and max(scores) < max(scales) < top:
            top = max(scales)  # no axis above the maximum ("102,5 %" of a percentage)
        ax.set_ylim(min(scores) * 0.9, top)
    _label_scores(ax, ax_rank, points, places)
    handles = ax.get_legend_handles_labels()
    rank_handles = ax_rank.get_legend_handles_labels()
    ax.legend(handles[0] + rank_handles[0], handles[1] + rank_handles[1], fontsize=7, loc="lower left")
    ax.set_title(f"{title} — {unit_name}", loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _label_scores(ax, ax_rank, points: list[TrendPoint], places: int) -> None:
    """Each score written above its point, or below it when the rank's marker of the same year sits
    just above (the two lines share the height of the chart: a label must not hide under a marker)."""

    def height(axis, value: float) -> float:
        low, high = axis.get_ylim()
        return (value - low) / (high - low) if high != low else 0.0

    for p in points:
        if p.score is None:
            continue
        score_at = height(ax, float(p.score))
        rank_at = height(ax_rank, float(p.rank)) if p.rank is not None else -1.0
        below = 0 <= rank_at - score_at <= 0.12
        ax.annotate(
            _vn(p.score, places),
            (p.year, float(p.score)),
            textcoords="offset points",
            xytext=(0, -11 if below else 6),
            ha="center",
            fontsize=6,
            color=UNIT_COLOUR,
        )


def province_map_png(drawn: ProvinceMap, title: str, path: Path) -> Path:
    """The tile-grid map of the provinces (`chiso.results.maps.ProvinceMap`: the same shapes,
    colours, legend and archipelagos as the web page's SVG) as a PNG for the Word report."""
    from matplotlib.patches import Rectangle

    from chiso.engine.tilemap import ARCHIPELAGOS, COLUMNS, NO_DATA, ROWS, is_dark

    gap = 0.07
    fig, ax = plt.subplots(figsize=(5.6, 9.4))
    ax.set_xlim(-0.2, COLUMNS + 0.2)
    ax.set_ylim(ROWS + 0.2, -0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10, wrap=True)
    by_code = {s.code: s for s in drawn.shapes}
    for shape in drawn.shapes:
        entry = drawn.entries.get(shape.code)
        colour = entry.colour if entry else NO_DATA
        tiles = set(shape.tiles)
        for column, row in shape.tiles:
            ax.add_patch(Rectangle((column, row), 1 - gap, 1 - gap, facecolor=colour, edgecolor="none"))
            if (column + 1, row) in tiles:
                ax.add_patch(
                    Rectangle((column + 1 - gap, row), gap, 1 - gap, facecolor=colour, edgecolor="none")
                )
            if (column, row + 1) in tiles:
                ax.add_patch(
                    Rectangle((column, row + 1 - gap), 1 - gap, gap, facecolor=colour, edgecolor="none")
                )
        if drawn.highlight == shape.code:
            for column, row in shape.tiles:
                ax.add_patch(
                    Rectangle(
                        (column, row), 1 - gap, 1 - gap, facecolor="none", edgecolor=HIGHLIGHT, linewidth=2
                    )
                )
        column, row = shape.label_tile
        ink = "white" if is_dark(colour) else "#1c2430"
        ax.text(
            column + 0.46,
            row + 0.36,
            shape.short,
            ha="center",
            va="center",
            fontsize=6.5,
            color=ink,
            weight="bold",
        )
        if entry and entry.shown:
            ax.text(column + 0.46, row + 0.68, entry.shown, ha="center", va="center", fontsize=5.5, color=ink)
    for island in ARCHIPELAGOS:
        owner = by_code.get(island.province_code)
        entry = drawn.entries.get(island.province_code)
        colour = entry.colour if entry else NO_DATA
        x0, y0 = island.place
        for dx, dy in ((0, 0), (0.28, 0.1), (0.1, 0.28), (0.45, 0.32), (0.6, 0.08), (0.75, 0.3)):
            ax.add_patch(
                Rectangle(
                    (x0 + dx, y0 + dy), 0.15, 0.15, facecolor=colour, edgecolor="#1c2430", linewidth=0.5
                )
            )
        ax.text(x0 + 0.45, y0 + 0.95, island.name, ha="center", va="center", fontsize=6.5)
        ax.text(
            x0 + 0.45,
            y0 + 1.25,
            f"({owner.unit.name if owner else ''})",
            ha="center",
            va="center",
            fontsize=6.5,
        )
    y = 15.2
    if drawn.legend_title:
        ax.text(5, y, drawn.legend_title, fontsize=7.5, weight="bold", va="center")
        y += 0.45
    for item in drawn.legend:
        ax.add_patch(
            Rectangle((5, y - 0.16), 0.32, 0.32, facecolor=item.colour, edgecolor="#1c2430", linewidth=0.4)
        )
        ax.text(5.45, y, item.label, fontsize=7, va="center")
        y += 0.45
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
