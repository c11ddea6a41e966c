"""Maps of an index-year on the provinces: the tile grid (`chiso.engine.tilemap`) coloured by score,
rank, group or change, for the public pages (SVG, `chiso.core.svgmap`) and the Word report (the same
classes drawn as a PNG by `chiso.reports.charts.province_map_png`).

    province_map(analysis, year, mode, highlight=None) -> ProvinceMap   the classes, by code
    empty_map(year, highlight=None) -> ProvinceMap                      no published result that year
    proforma_map(analysis, year, highlight=None) -> ProvinceMap         a year of the 63 on the 34
    ProvinceMap.svg() -> SafeString

The provinces are those of the registry on the year's reference day (31/12): the 63 up to 2024, the
34 from 2025. The registry is read from the package's data files (`chiso.data.province_registry`,
cached): drawing a map costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
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
PROFORMA = "uoc-tinh-34"  # the choice of the pro-forma map on the 34 provinces (`?ban-do=`)
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
    note: str = ""  # how the figures were made (the pro-forma map's method, in plain words)

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
        legend = _score_legend(list(published.values()), breaks, places, lang)
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


def map_context(mode: str, analysis: YearAnalysis, year: int, index_name: str, highlight: str | None) -> dict:
    """What a page's map needs (`results/_map.html`): the map drawn as asked (`?ban-do=`: a colouring
    of the year's provinces, or, for a year of the 63, the pro-forma estimate on the 34) and the
    links to the other choices."""
    proforma = offers_proforma(analysis, year)
    choices = {
        "map_modes": list(MODES.items()),
        "map_proforma": (PROFORMA, PROFORMA_CHOICE) if proforma else None,
    }
    if mode == PROFORMA and proforma:
        drawn = proforma_map(analysis, year, index_name, successor_code(highlight, year))
        return {
            "map": drawn.svg(),
            "map_mode": mode,
            **choices,
            "map_title": f"{PROFORMA_LABEL} — {index_name} {year}",
            "map_note": drawn.note,
        }
    mode = mode if mode in MODES else SCORE
    drawn = province_map(analysis, year, mode, highlight)
    return {"map": drawn.svg(), "map_mode": mode, **choices}


def successor_code(code: str | None, year: int) -> str | None:
    """The province of the 34 that a province of `year` is part of (to outline it on the 34)."""
    if code is None:
        return None
    from chiso.results.proforma import MERGER_DAY, merged_successor
    from chiso.results.services import reference_date

    units = province_registry()
    try:
        unit = units.by_code(code, PROVINCE, reference_date(year))
    except LookupError:
        return code
    successor = merged_successor(units, unit)
    if successor is None:
        later = units.successors(unit)
        successor = units.get(later[0].new) if later else None
    found = successor or unit
    return found.code if found.valid_on(date(MERGER_DAY.year, 12, 31)) else code


PROFORMA_LABEL = gettext_lazy("Ước tính theo 34 tỉnh, thành phố (pro-forma)")
PROFORMA_CHOICE = gettext_lazy("34 tỉnh, thành phố (ước tính)")


def offers_proforma(analysis: YearAnalysis, year: int) -> bool:
    """A year of the 63 provinces (up to 2024) can also be shown on the 34 provinces, estimated."""
    from chiso.results.proforma import MERGER_DAY
    from chiso.results.services import reference_date

    return is_mappable(analysis) and reference_date(year) < MERGER_DAY


def proforma_map(
    analysis: YearAnalysis, year: int, index_name: str, highlight: str | None = None
) -> ProvinceMap:
    """A year of the 63 provinces drawn on the 34 (`chiso.results.proforma.proforma_34`): a merged
    province coloured by its pro-forma score from its former provinces, the others by their own
    published score; score quintiles of the 34 values. Labelled as an estimate, with its method."""
    from chiso.results.proforma import MERGER_DAY, proforma_34

    lang = _lang()
    places = analysis.framework.display_precision
    figures = proforma_34(analysis, year, province_registry())
    shown = {f.unit.code: round_half_up(f.value, places) for f in figures if f.value is not None}
    breaks = tilemap.quantile_breaks(list(shown.values()))
    entries: dict[str, MapEntry] = {}
    classes: dict[str, int | None] = {}
    for figure in figures:
        code, name = figure.unit.code, figure.unit.display_name
        value = shown.get(code)
        if value is None:
            classes[code] = None
            what = _("không ước tính được") if figure.merged else _("không có số liệu")
            entries[code] = MapEntry(tilemap.NO_DATA, f"{name} — {what}")
            continue
        cls = tilemap.class_of(value, breaks)
        classes[code] = cls
        number = format_number(value, places, lang)
        if figure.result is not None:
            parts = [
                f"{u.display_name} {format_number(figure.result.constituents[i].values.get(figure.result.total), places, lang)}"
                for i, u in enumerate(figure.predecessors)
            ]
            how = _("ước tính từ {parts}").format(parts="; ".join(parts))
        elif figure.predecessors and figure.predecessors[0].name != figure.unit.name:
            how = _("giữ nguyên điểm của {name}").format(name=figure.predecessors[0].display_name)
        else:
            how = _("giữ nguyên điểm công bố")
        entries[code] = MapEntry(
            tilemap.SEQUENTIAL[_spread(cls, len(breaks))], f"{name} — {number} ({how})", number, str(value)
        )
    legend = _score_legend(list(shown.values()), breaks, places, lang)
    if any(c is None for c in classes.values()):
        legend.append(LegendItem(tilemap.NO_DATA, _("Không có số liệu")))
    return ProvinceMap(
        year,
        shapes_of(MERGER_DAY.year),
        entries,
        legend,
        _("Điểm ước tính"),
        str(PROFORMA_LABEL),
        highlight,
        classes,
        _proforma_note(figures, index_name, year),
    )


def _proforma_note(figures: list, index_name: str, year: int) -> str:
    """The method in plain words, with the population figures used and what could not be estimated."""
    from chiso.engine.proforma import POPULATION_WEIGHTED

    weighted = [f for f in figures if f.result is not None and f.result.method == POPULATION_WEIGHTED]
    plain = [
        f.unit.display_name
        for f in figures
        if f.result is not None and f.result.method != POPULATION_WEIGHTED
    ]
    refused = [f for f in figures if f.merged and f.result is None]
    populations = sorted(
        {(c.population_kind, c.population_year) for f in weighted for c in f.result.constituents},
        key=lambda pair: (pair[1] or 0, pair[0]),
    )
    said = "; ".join(
        (
            _("dân số theo Tổng điều tra năm {year}")
            if "Tổng điều tra" in kind
            else _("dân số trung bình năm {year}")
        ).format(year=when)
        for kind, when in populations
    )
    text = _(
        "{label}: điểm {index} năm {year} của mỗi tỉnh, thành phố hình thành do hợp nhất từ ngày "
        "01/07/2025 là bình quân gia quyền theo dân số của điểm các tỉnh cũ hợp thành (tỉnh đông dân "
        "hơn có tỷ trọng lớn hơn; {population}); tỉnh, thành phố không hợp nhất giữ nguyên điểm công bố."
    ).format(
        label=PROFORMA_LABEL, index=index_name, year=year, population=said or _("không có số liệu dân số")
    )
    if plain:
        text += " " + _("Thiếu số liệu dân số, tính bằng trung bình cộng giản đơn: {names}.").format(
            names=", ".join(plain)
        )
    if refused:
        names = ", ".join(
            f"{f.unit.display_name} ({', '.join(u.display_name for u in f.lacking)})" for f in refused
        )
        text += " " + _("Không ước tính được do thiếu kết quả của tỉnh cũ: {names}.").format(names=names)
    text += " " + _("Đây là số ước tính, không phải số liệu chính thức, không dùng để xếp hạng.")
    return text


def _spread(cls: int | None, inner_breaks: int) -> int:
    """The palette index of a class when there are fewer classes than colours: spread over the palette."""
    if cls is None:
        return 0
    count = inner_breaks + 1
    if count >= tilemap.CLASSES:
        return cls
    return round(cls * (tilemap.CLASSES - 1) / max(count - 1, 1))


def _score_legend(scores: list[Decimal], breaks: list[Decimal], places: int, lang: str) -> list[LegendItem]:
    """The score classes' limits; `scores` as published (rounded)."""
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
