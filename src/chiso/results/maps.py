"""Maps of an index-year on the provinces: the tile grid (`chiso.engine.tilemap`) coloured by score,
rank, group or change, for the public pages (SVG, `chiso.core.svgmap`) and the Word report (the same
classes drawn as a PNG by `chiso.reports.charts.province_map_png`).

    province_map(analysis, year, mode, highlight=None) -> ProvinceMap   the classes, by code
    empty_map(year, highlight=None) -> ProvinceMap                      no published result that year
    ProvinceMap.svg() -> SafeString

The provinces are those of the registry on the year's reference day (31/12): the 63 up to 2024, the
34 from 2025. The registry is read from the package's data files (`chiso.data.province_registry`,
cached): drawing a map costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from chiso.core.svgmap import LegendItem, MapEntry, tile_map
from chiso.data import province_registry
from chiso.engine import tilemap
from chiso.engine.analysis import LeagueRow, YearAnalysis
from chiso.engine.numbers import format_number, format_rank, format_signed, round_half_up
from chiso.engine.units import PROVINCE

SCORE, RANK, GROUP, CHANGE = "diem", "hang", "nhom", "thay-doi"
MODES = {
    SCORE: gettext_lazy("Điểm"),
    RANK: gettext_lazy("Hạng"),
    GROUP: gettext_lazy("Nhóm"),
    CHANGE: gettext_lazy("Thay đổi điểm"),
}


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@dataclass
class ProvinceMap:
    """A map ready to draw: the shapes of the year's provinces, each province's entry, the legend."""

    year: int
    shapes: list[tilemap.Shape]
    entries: dict[str, MapEntry]
    legend: list[LegendItem]
    legend_title: str
    label: str
    highlight: str | None = None
    classes: dict[str, int | None] = field(default_factory=dict)  # code → class, for the tests and the PNG

    def svg(self) -> SafeString:
        return tile_map(
            self.shapes,
            self.entries,
            self.legend,
            legend_title=self.legend_title,
            highlight=self.highlight,
            label=self.label,
        )


def shapes_of(year: int) -> list[tilemap.Shape]:
    from chiso.results.services import reference_date

    return tilemap.shapes(province_registry(), reference_date(year))


def is_mappable(analysis: YearAnalysis) -> bool:
    return bool(analysis.current.peers) and all(u.level == PROVINCE for u in analysis.current.peers[:1])


def _tip(row: LeagueRow, of: int, places: int, lang: str) -> str:
    parts = [row.unit.display_name, format_number(row.score, places, lang)]
    if row.rank is not None:
        parts.append(_("hạng {rank}").format(rank=format_rank(row.rank, of)))
    if row.group is not None:
        parts.append(row.group.label)
    if row.change is not None and row.change.score is not None:
        parts.append(
            _("{change} điểm so với năm trước").format(change=format_signed(row.change.score, places, lang))
        )
    return f"{parts[0]} — " + " · ".join(parts[1:])


def province_map(
    analysis: YearAnalysis, year: int, mode: str = SCORE, highlight: str | None = None
) -> ProvinceMap:
    """The index-year's provinces coloured by `mode`: score quintiles (the classes' limits in the
    legend), rank quintiles, the index's groups, or the change in points on a diverging scale."""
    lang = _lang()
    places = analysis.framework.display_precision
    rows = [r for r in analysis.league_table() if r.score is not None]
    of = analysis.total_ranking.of
    entries: dict[str, MapEntry] = {}
    classes: dict[str, int | None] = {}
    legend: list[LegendItem] = []
    mode = mode if mode in MODES else SCORE

    def put(row: LeagueRow, cls: int | None, colour: str, shown: str) -> None:
        classes[row.unit.code] = cls
        entries[row.unit.code] = MapEntry(
            colour if cls is not None else tilemap.NO_DATA,
            _tip(row, of, places, lang),
            shown,
            "" if row.score is None else str(round_half_up(row.score, places)),
        )

    if mode == SCORE:
        # Classes of the scores as published (rounded to the framework's places): the legend's limits
        # are then exactly the figures people read.
        published = {r.unit.code: round_half_up(r.score, places) for r in rows if r.score is not None}
        breaks = tilemap.quantile_breaks(list(published.values()))
        for row in rows:
            cls = tilemap.class_of(published.get(row.unit.code), breaks)
            put(
                row,
                cls,
                tilemap.SEQUENTIAL[_spread(cls, len(breaks))],
                format_number(row.score, places, lang),
            )
        legend = _score_legend(rows, breaks, places, lang)
        title = _("Điểm")
    elif mode == RANK:
        ranks = [Decimal(r.rank) for r in rows if r.rank is not None]
        breaks = tilemap.quantile_breaks(ranks)
        for row in rows:
            cls = tilemap.class_of(None if row.rank is None else Decimal(row.rank), breaks)
            colour = tilemap.SEQUENTIAL[len(tilemap.SEQUENTIAL) - 1 - _spread(cls, len(breaks))]
            put(row, cls, colour, str(row.rank) if row.rank is not None else "")
        bounds = [min(ranks, default=Decimal(1)), *breaks, max(ranks, default=Decimal(1)) + 1]
        legend = [
            LegendItem(
                tilemap.SEQUENTIAL[len(tilemap.SEQUENTIAL) - 1 - _spread(i, len(breaks))],
                _("Hạng {first}–{last}").format(first=int(bounds[i]), last=int(bounds[i + 1]) - 1),
            )
            for i in range(len(bounds) - 1)
        ]
        title = _("Hạng")
    elif mode == GROUP:
        seen: dict[int, str] = {}
        for row in rows:
            position = row.group.position if row.group else None
            colour = tilemap.GROUPS[min(position, len(tilemap.GROUPS) - 1)] if position is not None else ""
            put(row, position, colour, format_number(row.score, places, lang))
            if row.group is not None:
                seen[row.group.position] = row.group.label
        legend = [
            LegendItem(tilemap.GROUPS[min(p, len(tilemap.GROUPS) - 1)], label)
            for p, label in sorted(seen.items())
        ]
        title = _("Nhóm")
    else:
        moved = {
            r.unit.code: round_half_up(r.change.score, places)
            for r in rows
            if r.change is not None and r.change.score is not None
        }
        step = tilemap.change_step(list(moved.values()))
        for row in rows:
            value = moved.get(row.unit.code)
            cls = tilemap.change_class(value, step)
            shown = format_signed(value, places, lang) if value is not None else ""
            put(row, cls, tilemap.DIVERGING[cls] if cls is not None else "", shown)
        size = format_number(step, places, lang)
        labels = [
            _("giảm từ {size} điểm").format(size=size),
            _("giảm dưới {size} điểm").format(size=size),
            _("không đổi"),
            _("tăng dưới {size} điểm").format(size=size),
            _("tăng từ {size} điểm").format(size=size),
        ]
        legend = [LegendItem(c, label) for c, label in zip(tilemap.DIVERGING, labels, strict=True)]
        title = _("Thay đổi so với năm trước")
    shapes = shapes_of(year)
    if any(classes.get(s.code) is None for s in shapes):
        legend.append(LegendItem(tilemap.NO_DATA, _("Không có số liệu")))
    return ProvinceMap(
        year,
        shapes,
        entries,
        legend,
        title,
        _("Bản đồ {what} theo tỉnh, thành phố, năm {year}").format(what=str(MODES[mode]).lower(), year=year),
        highlight,
        classes,
    )


def empty_map(year: int, highlight: str | None = None) -> ProvinceMap:
    """The year's provinces with no published result: every province in the no-data colour, the
    legend saying so."""
    return ProvinceMap(
        year,
        shapes_of(year),
        {},
        [LegendItem(tilemap.NO_DATA, _("Chưa có kết quả công bố năm {year}").format(year=year))],
        "",
        _("Bản đồ tỉnh, thành phố năm {year}: chưa có kết quả công bố").format(year=year),
        highlight,
        {},
    )


def _spread(cls: int | None, inner_breaks: int) -> int:
    """The palette index of a class when there are fewer classes than colours: spread over the palette."""
    if cls is None:
        return 0
    count = inner_breaks + 1
    if count >= tilemap.CLASSES:
        return cls
    return round(cls * (tilemap.CLASSES - 1) / max(count - 1, 1))


def _score_legend(rows: list[LeagueRow], breaks: list[Decimal], places: int, lang: str) -> list[LegendItem]:
    scores = [round_half_up(r.score, places) for r in rows if r.score is not None]
    if not scores:
        return []
    low, high = min(scores), max(scores)
    bounds = [low, *breaks]
    items = []
    for i, start in enumerate(bounds):
        colour = tilemap.SEQUENTIAL[_spread(i, len(breaks))]
        if i + 1 < len(bounds):
            text = _("{low} đến dưới {high}").format(
                low=format_number(start, places, lang), high=format_number(bounds[i + 1], places, lang)
            )
        else:
            text = _("{low} đến {high}").format(
                low=format_number(start, places, lang), high=format_number(high, places, lang)
            )
        items.append(LegendItem(colour, text))
    return items
