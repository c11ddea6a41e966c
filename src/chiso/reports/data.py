"""Everything a report says, as plain data: paragraphs, tables and the data of its charts.

`build_report(index, year, unit)` reads the database once and returns a `Report`; the Word,
Excel and chart writers only format what is here, so that every output says the same thing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from chiso.engine.analysis import TOTAL, Profile, YearAnalysis
from chiso.engine.losses import NodeLoss, loss_analysis, points_at_stake
from chiso.engine.narrative import unit_phrase
from chiso.engine.numbers import format_number, format_rank, format_signed, percent_of
from chiso.engine.proforma import MEAN, METHODS, POPULATION_WEIGHTED, ProformaError, ProformaResult
from chiso.engine.units import Unit, UnitRegistry
from chiso.engine.whatif import TargetResult, WhatIfError, rank_target
from chiso.reports import narrative
from chiso.reports.charts import TrendPoint
from chiso.reports.plans import plan_rows_for

# Column kinds: how a value is shown in Word and formatted in Excel.
TEXT, NUMBER, INTEGER, SIGNED, SIGNED_INT, RANK, PERCENT, MAXIMUM = (
    "text",
    "number",
    "integer",
    "signed",
    "signed_int",
    "rank",
    "percent",
    "maximum",
)
TARGET_LADDER = (30, 20, 10, 5, 3, 1)
WEAK_LIMIT = 8
LOSS_LIMIT = 5  # rows in the tables
LOSS_LIMIT_TEXT = 3  # named in the paragraph
MERGER_YEAR = 2025


class ReportError(LookupError):
    """A report that cannot be made (no results, unit not ranked); the message says why."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width_cm: float = 1.5


COLUMNS: dict[str, list[Column]] = {
    "summary": [Column("item", "Nội dung", TEXT, 6.0), Column("value", "Kết quả", TEXT, 9.5)],
    "fields": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Nội dung", TEXT, 4.2),
        Column("score", "Điểm", NUMBER, 1.4),
        Column("max", "Tối đa", MAXIMUM, 1.2),
        Column("percent", "% tối đa", PERCENT, 1.3),
        Column("rank", "Hạng", RANK, 1.5),
        Column("change_score", "± điểm", SIGNED, 1.5),
        Column("change_rank", "± bậc", SIGNED_INT, 1.2),
        Column("best", "Cao nhất", NUMBER, 1.5),
        Column("mean", "TB cả nước", NUMBER, 1.6),
    ],
    "criteria": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Tiêu chí", TEXT, 5.6),
        Column("score", "Điểm", NUMBER, 1.4),
        Column("rank", "Hạng", RANK, 1.4),
        Column("change_score", "± điểm", SIGNED, 1.5),
        Column("change_rank", "± bậc", SIGNED_INT, 1.2),
        Column("best", "Cao nhất", NUMBER, 1.5),
        Column("mean", "TB cả nước", NUMBER, 1.6),
    ],
    "losses": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Nội dung", TEXT, 6.4),
        Column("score", "Điểm", NUMBER, 1.5),
        Column("max", "Tối đa", MAXIMUM, 1.5),
        Column("lost", "Điểm bị mất", NUMBER, 1.9),
        Column("rank", "Hạng", RANK, 1.5),
        Column("gap_to_best", "Kém cao nhất", NUMBER, 2.0),
    ],
    "gaps": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Tiêu chí", TEXT, 6.4),
        Column("score", "Điểm", NUMBER, 1.6),
        Column("best", "Cao nhất", NUMBER, 1.7),
        Column("gap_to_best", "Kém cao nhất", NUMBER, 2.1),
        Column("rank", "Hạng", RANK, 1.6),
    ],
    "target": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Nội dung", TEXT, 6.9),
        Column("points", "Cần tăng", NUMBER, 2.4),
        Column("total_points", "Đóng góp vào tổng", NUMBER, 2.7),
        Column("feasible", "Tăng tối đa khả thi", NUMBER, 2.8),
    ],
    "weak": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Tiêu chí", TEXT, 5.0),
        Column("score", "Điểm", NUMBER, 1.4),
        Column("rank", "Hạng", RANK, 1.4),
        Column("change_rank", "± bậc", SIGNED_INT, 1.2),
        Column("gap_to_best", "Kém cao nhất", NUMBER, 1.7),
        Column("lead", "Cơ quan chủ trì", TEXT, 3.7),
    ],
    "plans": [
        Column("code", "Mã", TEXT, 1.1),
        Column("action", "Nhiệm vụ", TEXT, 5.0),
        Column("lead", "Chủ trì", TEXT, 2.6),
        Column("supporters", "Phối hợp", TEXT, 2.6),
        Column("deadline", "Thời hạn", TEXT, 2.3),
        Column("status", "Tình trạng", TEXT, 2.1),
    ],
    "trend": [
        Column("year", "Năm", INTEGER, 1.6),
        Column("framework", "Khung chỉ số", TEXT, 3.4),
        Column("score", "Điểm", NUMBER, 2.2),
        Column("max", "Thang điểm", MAXIMUM, 2.2),
        Column("rank", "Hạng", INTEGER, 2.0),
        Column("of", "Số đơn vị", INTEGER, 2.0),
    ],
    "ranking": [
        Column("rank", "Hạng", INTEGER, 1.2),
        Column("code", "Mã", TEXT, 1.0),
        Column("name", "Đơn vị", TEXT, 3.5),
        Column("score", "Điểm", NUMBER, 1.5),
        Column("change_score", "± điểm", SIGNED, 1.5),
        Column("change_rank", "± bậc", SIGNED_INT, 1.2),
        Column("group", "Nhóm", TEXT, 3.0),
        Column("region", "Vùng", TEXT, 3.5),
    ],
    "proforma": [
        Column("code", "Mã", TEXT, 1.1),
        Column("name", "Nội dung", TEXT, 4.8),
        Column("constituents", "Các tỉnh thành phần", TEXT, 4.4),
        Column("mean", "Giả định: trung bình cộng", NUMBER, 2.6),
        Column("population_weighted", "Giả định: theo dân số", NUMBER, 2.6),
    ],
}


@dataclass
class Table:
    """One table of the report: Word shows `display_rows()`, Excel writes `rows` as numbers."""

    key: str
    sheet: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    places: int = 2
    of: int | None = None  # the "/N" of rank columns

    def display(self, column: Column, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if column.kind == NUMBER:
            return format_number(value, self.places)
        if column.kind == MAXIMUM:
            return format_number(value, 0 if value == value.to_integral_value() else self.places)
        if column.kind == INTEGER and isinstance(value, Decimal):
            return format_number(value, 0)
        if column.kind == PERCENT:
            return format_number(value, 1)
        if column.kind == SIGNED:
            return format_signed(value, self.places)
        if column.kind == SIGNED_INT:
            return f"+{value}" if value > 0 else str(value)
        if column.kind == RANK:
            return format_rank(value, self.of)
        return str(value)

    def display_rows(self) -> list[dict[str, str]]:
        return [{c.key: self.display(c, row.get(c.key)) for c in self.columns} for row in self.rows]


@dataclass
class RankingBar:
    name: str
    score: Decimal


@dataclass
class ProformaNote:
    """A labelled pro-forma figure for a merged province, with every method that could be built."""

    unit_name: str
    year: int
    text: str
    results: list[ProformaResult] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass
class Report:
    index_code: str
    index_name: str
    index_full_name: str
    year: int
    unit: Unit
    unit_phrase: str
    profile: Profile
    title: str
    paragraphs: dict[str, str | None]
    tables: dict[str, Table]
    ranking: list[RankingBar]
    national_mean: Decimal | None
    components: list[dict[str, Any]]
    trend: list[TrendPoint]
    target: TargetResult | None
    target_note: str
    plan_rows: list[dict[str, str]]
    proforma: ProformaNote | None
    sources: list[str]
    places: int
    noun: str = "nội dung"
    generated: date = field(default_factory=date.today)


# -- choices the report makes -----------------------------------------------------------------------


def default_target(analysis: YearAnalysis, profile: Profile) -> tuple[int | None, str]:
    """The rank the report aims at when none is given: entering the next better group (the rank of
    the lowest unit of that group), else the next of top 30, 20, 10, 5, 3, 1."""
    if profile.rank is None:
        return None, ""
    groups = analysis.total_groups
    group = profile.group
    if group is not None and group.position > 0:
        better = [ref for ref, g in groups.items() if g.position == group.position - 1]
        target = sum(1 for g in groups.values() if g.position < group.position)
        if better and 0 < target < profile.rank:
            label = next(g.label_vi for ref, g in groups.items() if g.position == group.position - 1)
            return target, (
                f"Mục tiêu: vào {label[:1].lower() + label[1:]} — hạng {target}/{profile.of}, "
                f"thứ hạng của địa phương thấp nhất trong nhóm này năm {profile.year}."
            )
    for step in TARGET_LADDER:
        if step < profile.rank:
            return step, f"Mục tiêu: vào tốp {step} — hạng {step}/{profile.of}." if step > 1 else (
                f"Mục tiêu: đứng đầu — hạng 1/{profile.of}."
            )
    return None, f"{profile.unit.name} đang đứng đầu; không đặt mục tiêu thứ hạng."


def criteria_rows(rows: list[NodeLoss]) -> list[NodeLoss]:
    """The criteria: nodes two levels below the total (one level when the framework has no more)."""
    deepest = max((r.depth for r in rows), default=0)
    level = 2 if deepest >= 2 else 1
    return [r for r in rows if r.depth == level]


def weak_criteria(rows: list[NodeLoss], limit: int = WEAK_LIMIT) -> list[NodeLoss]:
    """Criteria ranked in the lower half, worst rank first (at least the three worst ranked)."""
    ranked = [r for r in criteria_rows(rows) if r.rank is not None and r.points is not None]
    ranked.sort(key=lambda r: (-(r.rank or 0), -(r.gap_to_best or 0), r.code))
    lower = [r for r in ranked if r.rank * 2 > r.of]  # type: ignore[operator]
    return (lower or ranked[:3])[:limit]


# -- building ---------------------------------------------------------------------------------------


def build_report(
    index,
    year: int,
    unit_text: str,
    *,
    target_rank: int | None = None,
    with_trend: bool = True,
) -> Report:
    """Read the database and assemble the report of one unit for one index-year."""
    from chiso.engine.units import UnitError
    from chiso.results.models import ResultSet
    from chiso.results.services import analyse, reference_date
    from chiso.units.registry import registry

    try:
        analysis = analyse(index, year)
    except LookupError as exc:
        raise ReportError(str(exc)) from exc
    units = registry((index.unit_level,))
    try:
        unit = units.resolve(unit_text, level=index.unit_level, on=reference_date(year))
    except UnitError as exc:
        hints = (
            f" Gần đúng / closest: {', '.join(exc.suggestions)}." if getattr(exc, "suggestions", None) else ""
        )
        raise ReportError(f"{exc}{hints}") from exc
    if unit.ref not in analysis.units:
        raise ReportError(
            f"{unit.name} không thuộc danh sách xếp hạng {index.short_name} năm {year} / not ranked that year."
        )
    profile = analysis.profile(unit.ref)
    if profile.score is None:
        raise ReportError(
            f"{unit.name} không có kết quả {index.short_name} năm {year} / no result for that unit and year."
        )
    framework = analysis.framework
    places = framework.display_precision
    losses = loss_analysis(analysis, unit.ref)
    by_code = {r.code: r for r in losses}
    component_codes = {c.code for c in profile.components}
    at_stake = points_at_stake(losses, only=component_codes)[:LOSS_LIMIT]
    said = LOSS_LIMIT_TEXT
    criteria = criteria_rows(losses)
    has_criteria = criteria and criteria[0].depth >= 2
    gaps = sorted(
        (r for r in criteria if r.gap_to_best is not None and r.gap_to_best > 0),
        key=lambda r: (-r.gap_to_best, r.code),  # type: ignore[operator]
    )[:LOSS_LIMIT]
    weak = weak_criteria(losses)

    if target_rank is None:
        target_rank, target_note = default_target(analysis, profile)
    else:
        target_note = f"Mục tiêu do người dùng chọn: hạng {target_rank}/{profile.of}."
    target = None
    if target_rank is not None:
        try:
            target = rank_target(analysis, unit.ref, target_rank, unit_name=unit_phrase(unit))
        except WhatIfError as exc:
            raise ReportError(str(exc)) from exc

    plan_rows = plan_rows_for(index.code, year, unit.code)
    trend = _trend(index, unit, analysis) if with_trend else []
    noun = "lĩnh vực" if index.code == "par_index" else "nội dung"
    paragraphs = {
        "headline": narrative.headline_paragraph(profile, index.short_name),
        "comparison": narrative.comparison_paragraph(profile),
        "components": narrative.components_paragraph(profile, noun),
        "strengths": narrative.strengths_paragraph(profile, noun),
        "weaknesses": narrative.weaknesses_paragraph(profile, noun),
        "losses": narrative.losses_paragraph(at_stake[:said], gaps[:said], places),
        "target": target.explanation_vi if target else None,
        "target_note": target_note,
        "plans": _plans_sentence(plan_rows, unit, index.short_name, year),
        "status": profile.status_note or None,
        "trend": _trend_sentence(trend),
    }
    tables = {
        "summary": _summary_table(profile, places),
        "fields": _fields_table(profile, places, noun),
        "criteria": _criteria_table(criteria if has_criteria else [], places, profile.of),
        "losses": _losses_table(at_stake, places, profile.of),
        "gaps": _gaps_table(gaps, places, profile.of),
        "target": _target_table(target, places),
        "weak": _weak_table(weak, plan_rows, places, profile.of),
        "plans": _plan_table(plan_rows),
        "trend": _trend_table(trend, places),
        "ranking": _ranking_table(analysis, places),
    }
    ranking = [RankingBar(analysis.units[e.unit].name, e.value) for e in analysis.total_ranking.entries]
    national, _ = analysis.national_mean()
    components = [
        {
            "code": c.code,
            "name": c.name_vi,
            "score": c.score,
            "mean": c.mean,
            "best": c.best,
            "max": c.max_points,
            "lost": by_code[c.code].lost if c.code in by_code else None,
        }
        for c in profile.components
    ]
    who = unit_phrase(unit)
    title = f"BÁO CÁO PHÂN TÍCH CHỈ SỐ {index.short_name.upper()} NĂM {year} CỦA {who.upper()}"
    proforma_note = _proforma_note(index, year, unit, units)
    if proforma_note is not None:
        tables["proforma"] = _proforma_table(proforma_note, framework, places)
    return Report(
        index_code=index.code,
        index_name=index.short_name,
        index_full_name=index.name_vi,
        year=year,
        unit=unit,
        unit_phrase=who,
        profile=profile,
        title=title,
        paragraphs=paragraphs,
        tables=tables,
        ranking=ranking,
        national_mean=national,
        components=components,
        trend=trend,
        target=target,
        target_note=target_note,
        plan_rows=plan_rows,
        proforma=proforma_note,
        sources=_sources(index, year, framework, analysis, ResultSet) + _population_sources(proforma_note),
        places=places,
        noun=noun,
    )


def _plans_sentence(rows: list[dict[str, str]], unit: Unit, index_name: str, year: int) -> str:
    if rows:
        return (
            f"Kế hoạch cải thiện Chỉ số {index_name} của {unit_phrase(unit)} có {len(rows)} nhiệm vụ "
            "gắn với các tiêu chí; cơ quan chủ trì, phối hợp và thời hạn như bảng dưới đây."
        )
    return (
        f"Chưa có kế hoạch cải thiện Chỉ số {index_name} năm {year} nào được nhập cho {unit_phrase(unit)}; "
        "cơ quan chủ trì và nhiệm vụ của từng tiêu chí sẽ hiện ở đây khi kế hoạch được nhập."
    )


def _trend(index, unit: Unit, current: YearAnalysis) -> list[TrendPoint]:
    """The unit's score and rank in every year of the index that has results (years without a
    result for the unit are skipped)."""
    from chiso.engine.analysis import YearAnalysis as Analysis
    from chiso.results.models import ResultSet
    from chiso.results.services import year_results

    points = []
    for year in ResultSet.objects.filter(index=index).order_by("year").values_list("year", flat=True):
        if year == current.current.year:
            analysis = current
        else:
            results = year_results(index, year)
            if results is None or unit.ref not in results.values:
                continue
            analysis = Analysis(results)
        score = analysis.current.value(unit.ref, TOTAL)
        if score is None:
            continue
        ranking = analysis.total_ranking
        points.append(
            TrendPoint(
                year=year,
                score=score,
                max_points=analysis.framework.root.max_points,
                rank=ranking.rank_of(unit.ref),
                of=ranking.of,
                framework=analysis.framework.code,
            )
        )
    return points


def _trend_sentence(points: list[TrendPoint]) -> str | None:
    if len(points) < 2:
        return None
    years = [p.year for p in points]
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    changes = [(b.year, b.max_points) for a, b in itertools.pairwise(points) if a.framework != b.framework]
    text = f"Biểu đồ xu hướng gồm {len(points)} năm có kết quả ({years[0]}–{years[-1]})"
    if missing:
        text += (
            f"; không có số liệu {'các năm' if len(missing) > 1 else 'năm'} {', '.join(map(str, missing))}"
        )
    text += "."
    for year, maximum in changes:
        text += (
            f" Từ năm {year} áp dụng khung chỉ số mới (thang {format_number(maximum, 0)} điểm): "
            "điểm trước và sau mốc này không so sánh trực tiếp; thứ hạng vẫn so sánh được."
        )
    return text


def _summary_table(profile: Profile, places: int) -> Table:
    change = profile.change
    rows: list[dict[str, Any]] = [
        {"item": "Điểm tổng hợp", "value": format_number(profile.score, places)},
        {"item": "Điểm tối đa", "value": format_number(profile.framework.root.max_points, 0)},
        {"item": "Xếp hạng", "value": format_rank(profile.rank, profile.of)},
        {"item": "Nhóm", "value": profile.group.label_vi if profile.group else "–"},
        {
            "item": "Trung bình cả nước",
            "value": format_number(profile.national_mean, places),
        },
    ]
    if change is not None and profile.previous_year is not None:
        diff = narrative.rounded_difference(profile.score, change.previous_score, places)
        rows += [
            {
                "item": f"Năm {profile.previous_year}",
                "value": f"{format_number(change.previous_score, places)} điểm, hạng "
                f"{format_rank(change.previous_rank, profile.of)}",
            },
            {
                "item": f"Thay đổi so với {profile.previous_year}",
                "value": f"{format_signed(diff, places)} điểm; "
                + (f"{change.rank:+d} bậc" if change.rank is not None else "–"),
            },
        ]
    for group in profile.peer_groups:
        rows.append({"item": f"Hạng trong {group.name}", "value": format_rank(group.rank, group.of)})
    return Table(
        "summary",
        "Tổng hợp",
        "Kết quả tổng hợp",
        COLUMNS["summary"],
        rows,
        places,
    )


def _fields_table(profile: Profile, places: int, noun: str) -> Table:
    rows = []
    for c in profile.components:
        previous = c.change.previous_score if c.change else None
        rows.append(
            {
                "code": c.code,
                "name": c.name_vi,
                "score": c.score,
                "max": c.max_points,
                "percent": percent_of(c.score, c.max_points)
                if c.score is not None and c.max_points
                else None,
                "rank": c.rank,
                "change_score": narrative.rounded_difference(c.score, previous, places),
                "change_rank": c.change.rank if c.change else None,
                "best": c.best,
                "mean": c.mean,
            }
        )
    return Table(
        "fields",
        "Lĩnh vực" if noun == "lĩnh vực" else "Nội dung",
        f"Kết quả theo từng {noun}",
        COLUMNS["fields"],
        rows,
        places,
        profile.of,
    )


def _criteria_table(rows: list[NodeLoss], places: int, of: int) -> Table:
    return Table(
        "criteria",
        "Tiêu chí",
        "Kết quả theo từng tiêu chí (nội dung thành phần)",
        COLUMNS["criteria"],
        [
            {
                "code": r.code,
                "name": r.name_vi,
                "score": r.points,
                "rank": r.rank,
                "change_score": narrative.rounded_difference(
                    r.points,
                    r.points - r.change_points
                    if r.points is not None and r.change_points is not None
                    else None,
                    places,
                ),
                "change_rank": r.change_rank,
                "best": r.best,
                "mean": r.mean,
            }
            for r in rows
            if r.points is not None
        ],
        places,
        of,
    )


def _losses_table(rows: list[NodeLoss], places: int, of: int) -> Table:
    return Table(
        "losses",
        "Điểm bị mất",
        "Các nội dung mất nhiều điểm nhất",
        COLUMNS["losses"],
        [
            {
                "code": r.code,
                "name": r.name_vi,
                "score": r.points,
                "max": r.max_points,
                "lost": r.lost,
                "rank": r.rank,
                "gap_to_best": r.gap_to_best,
            }
            for r in rows
        ],
        places,
        of,
    )


def _gaps_table(rows: list[NodeLoss], places: int, of: int) -> Table:
    return Table(
        "gaps",
        "Khoảng cách tiêu chí",
        "Các tiêu chí cách xa địa phương đạt điểm cao nhất",
        COLUMNS["gaps"],
        [
            {
                "code": r.code,
                "name": r.name_vi,
                "score": r.points,
                "best": r.best,
                "gap_to_best": r.gap_to_best,
                "rank": r.rank,
            }
            for r in rows
        ],
        places,
        of,
    )


def _target_table(target: TargetResult | None, places: int) -> Table:
    rows = []
    for gain in target.gains if target else []:
        rows.append(
            {
                "code": gain.code,
                "name": gain.name_vi,
                "points": gain.points,
                "total_points": gain.total_points,
                "feasible": gain.feasible,
            }
        )
    return Table(
        "target",
        "Mục tiêu hạng",
        "Mức tăng điểm tối thiểu để đạt hạng mục tiêu",
        COLUMNS["target"],
        rows,
        places,
    )


def _weak_table(weak: list[NodeLoss], plans: list[dict[str, str]], places: int, of: int) -> Table:
    leads: dict[str, list[str]] = {}
    for row in plans:
        if row["lead"] and row["lead"] not in leads.setdefault(row["code"], []):
            leads[row["code"]].append(row["lead"])
    return Table(
        "weak",
        "Tiêu chí yếu",
        "Các tiêu chí có thứ hạng thấp và cơ quan chủ trì",
        COLUMNS["weak"],
        [
            {
                "code": r.code,
                "name": r.name_vi,
                "score": r.points,
                "rank": r.rank,
                "change_rank": r.change_rank,
                "gap_to_best": r.gap_to_best,
                "lead": "; ".join(leads.get(r.code, [])) or "Chưa phân công",
            }
            for r in weak
        ],
        places,
        of,
    )


def _plan_table(plans: list[dict[str, str]]) -> Table:
    return Table(
        "plans",
        "Kế hoạch",
        "Nhiệm vụ cải thiện theo tiêu chí",
        COLUMNS["plans"],
        [dict(row) for row in plans],
    )


def _trend_table(points: list[TrendPoint], places: int) -> Table:
    return Table(
        "trend",
        "Xu hướng",
        "Điểm và thứ hạng qua các năm",
        COLUMNS["trend"],
        [
            {
                "year": p.year,
                "framework": p.framework,
                "score": p.score,
                "max": p.max_points,
                "rank": p.rank,
                "of": p.of,
            }
            for p in points
        ],
        places,
    )


def _ranking_table(analysis: YearAnalysis, places: int) -> Table:
    rows = []
    for row in analysis.league_table():
        rows.append(
            {
                "rank": row.rank,
                "code": row.unit.code,
                "name": row.unit.name,
                "score": row.score,
                "change_score": row.change.score if row.change else None,
                "change_rank": row.change.rank if row.change else None,
                "group": row.group.label_vi if row.group else None,
                "region": row.unit.region,
            }
        )
    return Table(
        "ranking",
        "Xếp hạng",
        "Bảng xếp hạng",
        COLUMNS["ranking"],
        rows,
        places,
        analysis.total_ranking.of,
    )


def _proforma_note(index, year: int, unit: Unit, units: UnitRegistry) -> ProformaNote | None:
    """For a province formed in 2025: its previous-year pro-forma figure. For a province merged in
    2025, in the last year before the merger: the pro-forma figure of the new province."""
    from chiso.reports.proforma import build_proforma, constituents_of, merged_successor

    if len(constituents_of(units, unit)) >= 2:
        target_unit, base_year = unit, year - 1
    else:
        successor = merged_successor(units, unit)
        if successor is None or year < MERGER_YEAR - 1:
            return None
        target_unit, base_year = successor, year
    results: list[ProformaResult] = []
    refused: list[str] = []
    for method in METHODS:
        try:
            results.append(build_proforma(index, base_year, target_unit, units, method))
        except ProformaError as exc:
            refused.append(str(exc))
    names = ", ".join(c.name for c in results[0].constituents) if results else ""
    text = (
        f"Từ ngày 01/07/2025, {unit_phrase(target_unit)} được hình thành trên cơ sở hợp nhất các tỉnh "
        f"{names or '(không rõ)'}. Để có mốc so sánh, báo cáo lập số liệu năm {base_year} của "
        f"{unit_phrase(target_unit)} từ kết quả của các tỉnh thành phần. Đây là {results[0].label_vi if results else 'số liệu giả định (pro-forma), không phải số liệu chính thức'}: "
        "không lưu vào kết quả và không dùng để xếp hạng."
    )
    return ProformaNote(target_unit.name, base_year, text, results, refused)


def _proforma_table(note: ProformaNote, framework, places: int) -> Table:
    """One row per node (the total and its components): each constituent's value and the pro-forma
    value by each method that could be built."""
    constituents = note.results[0].constituents if note.results else ()
    by_method = {result.method: result for result in note.results}
    rows = []
    for node in [framework.root, *framework.root.children]:
        listed = "; ".join(f"{c.name} {format_number(c.values.get(node.code), places)}" for c in constituents)
        rows.append(
            {
                "code": node.code,
                "name": node.name_vi,
                "constituents": listed,
                "mean": by_method[MEAN].values.get(node.code) if MEAN in by_method else None,
                "population_weighted": by_method[POPULATION_WEIGHTED].values.get(node.code)
                if POPULATION_WEIGHTED in by_method
                else None,
            }
        )
    return Table(
        "proforma",
        "Giả định",
        f"Số liệu giả định (pro-forma) năm {note.year} của {note.unit_name} — không phải số liệu chính thức",
        COLUMNS["proforma"],
        rows,
        places,
    )


def _sources(index, year: int, framework, analysis: YearAnalysis, ResultSet) -> list[str]:
    sources = []
    result_set = ResultSet.objects.filter(index=index, year=year).select_related("dataset").first()
    if result_set is not None:
        dataset = result_set.dataset
        sources.append(dataset.attribution or dataset.title)
    if framework.source and framework.source not in sources:
        sources.append(f"Khung chỉ số {framework.code}: {framework.source}")
    _national, origin = analysis.national_mean()
    if origin == "computed":
        sources.append("Trung bình cả nước: trung bình cộng điểm của các địa phương (chiso tính).")
    elif origin:
        sources.append(f"Trung bình cả nước: số công bố ({origin.removeprefix('published: ')}).")
    return sources


def _population_sources(note: ProformaNote | None) -> list[str]:
    """The population figures behind a population-weighted pro-forma value, each with its source."""
    lines = []
    for result in note.results if note else []:
        for c in result.constituents if result.method == POPULATION_WEIGHTED else ():
            lines.append(
                f"Dân số {c.name} ({c.population_kind} năm {c.population_year}): "
                f"{format_number(c.population, 0)} người — {c.population_source}"
            )
    return lines
