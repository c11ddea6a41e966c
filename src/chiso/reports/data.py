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

from django.utils.translation import gettext as _

from chiso.engine.analysis import TOTAL, Profile, YearAnalysis
from chiso.engine.i18n import active_language, localized
from chiso.engine.losses import components_at_stake, criteria_rows, loss_analysis, weak_criteria
from chiso.engine.narrative import index_in_sentence, unit_phrase
from chiso.engine.numbers import format_number
from chiso.engine.periods import period_label
from chiso.engine.proforma import MEAN, METHODS, POPULATION_WEIGHTED, ProformaError, ProformaResult
from chiso.engine.units import Unit, UnitRegistry
from chiso.engine.whatif import TargetResult, WhatIfError, default_target, rank_target
from chiso.reports import narrative
from chiso.reports import tables as build_tables
from chiso.reports.charts import TrendPoint
from chiso.reports.plans import plan_rows_for
from chiso.reports.tables import Table

LOSS_LIMIT = 5  # rows in the tables
LOSS_LIMIT_TEXT = 3  # named in the paragraph
MERGER_YEAR = 2025


class ReportError(LookupError):
    """A report that cannot be made (no results, unit not ranked); the message says why."""


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
    mean_label: str = "trung bình cả nước"  # after the peer set: "trung bình của tỉnh", "trung bình khối"
    generated: date = field(default_factory=date.today)
    # The unit whose authority issues the report on `generated`: the unit itself, or the unit it was
    # merged into when it no longer exists (Ninh Thuận → Khánh Hòa from 01/07/2025).
    issuing_unit: Unit | None = None
    numbers: dict[str, str] = field(default_factory=dict)  # node code → "1", "1.2" (outline number)
    percent: bool = False  # the index is a percentage ("94,01 %"), not points out of a maximum
    period: str = ""  # a month or quarter of `year` ("2025-10", "2025-Q4"; the real-time 766 index)

    @property
    def issuer_unit(self) -> Unit:
        return self.issuing_unit or self.unit

    @property
    def when(self) -> str:
        """What the figures are of, after the index's name: "2024", "tháng 10/2025"."""
        return period_label(self.year, self.period) if self.period else str(self.year)

    province_map: Any = (
        None  # chiso.results.maps.ProvinceMap: the provinces coloured by score, the unit outlined
    )
    # A year of the 63 provinces: the same year estimated on the 34 (`maps.proforma_map`), the
    # province the unit became part of outlined; None from 2025 or for other units.
    proforma_map: Any = None


# -- building ---------------------------------------------------------------------------------------


def build_report(
    index,
    year: int,
    unit_text: str,
    *,
    target_rank: int | None = None,
    with_trend: bool = True,
    period: str = "",
    level: str | None = None,
) -> Report:
    """Read the database and assemble the report of one unit for one index-year, or for a month or
    quarter of it (`period`, the 766 index); the unit is of `level` (the index's first by default)
    and is compared with the units of its level."""
    from chiso.engine.units import UnitError
    from chiso.results.services import analyse, reference_date, result_set_of
    from chiso.units.registry import registry

    try:
        analysis = analyse(index, year, period=period, level=level)
    except LookupError as exc:
        raise ReportError(str(exc)) from exc
    level = level or index.unit_level
    when = period_label(year, period)
    units = registry((level,))
    try:
        unit = units.resolve(unit_text, level=level, on=reference_date(year, period))
    except UnitError as exc:
        hints = (
            " " + _("Gần đúng: {names}.").format(names=", ".join(exc.suggestions))
            if getattr(exc, "suggestions", None)
            else ""
        )
        raise ReportError(f"{exc}{hints}") from exc
    if unit.ref not in analysis.units:
        raise ReportError(
            _("{unit} không thuộc danh sách xếp hạng {index} {period}.").format(
                unit=unit.name, index=index.short_name, period=when
            )
        )
    profile = analysis.profile(unit.ref)
    if profile.score is None:
        raise ReportError(
            _("{unit} không có kết quả {index} {period}.").format(
                unit=unit.name, index=index.short_name, period=when
            )
        )
    framework = analysis.framework
    places = framework.display_precision
    losses = loss_analysis(analysis, unit.ref)
    by_code = {r.code: r for r in losses}
    at_stake = components_at_stake(losses)[:LOSS_LIMIT]
    said = LOSS_LIMIT_TEXT
    criteria = criteria_rows(losses)
    has_criteria = criteria and criteria[0].depth >= 2
    gaps = sorted(
        (r for r in criteria if r.gap_to_best is not None and r.gap_to_best > 0),
        key=lambda r: (-r.gap_to_best, r.code),  # type: ignore[operator]
    )[:LOSS_LIMIT]
    weak = weak_criteria(losses)

    if target_rank is None:
        target_rank, target_note = default_target(analysis, unit.ref)
    else:
        target_note = _("Mục tiêu do người dùng chọn: hạng {rank}/{of}.").format(
            rank=target_rank, of=profile.of
        )
    target = None
    if target_rank is not None:
        try:
            target = rank_target(analysis, unit.ref, target_rank, unit_name=unit_phrase(unit))
        except WhatIfError as exc:
            raise ReportError(str(exc)) from exc

    plan_rows = plan_rows_for(index.code, year, unit.code, period)
    trend = _trend(index, unit, analysis) if with_trend and not period else []
    noun = "lĩnh vực" if index.code == "par_index" else "nội dung"
    wording = index.wording(unit.level).for_peers(profile.peer_scope)
    paragraphs = {
        "headline": narrative.headline_paragraph(profile, index.short_name, wording),
        "comparison": narrative.comparison_paragraph(profile, wording),
        "components": narrative.components_paragraph(profile, noun),
        "strengths": narrative.strengths_paragraph(profile, noun),
        "weaknesses": narrative.weaknesses_paragraph(profile, noun, wording.mean_label),
        "losses": narrative.losses_paragraph(at_stake[:said], gaps[:said], places),
        "target": target.explanation_vi if target else None,
        "target_note": target_note,
        "plans": _plans_sentence(plan_rows, unit, index_in_sentence(index.short_name), when),
        # A note of the profile ("không có kết quả năm 2023 để so sánh") as a sentence of its own.
        "status": f"{profile.status_note[:1].upper()}{profile.status_note[1:]}."
        if profile.status_note
        else None,
        "trend": _trend_sentence(trend),
    }
    tables = {
        "summary": build_tables.summary_table(profile, places, wording.mean_label, wording.percent),
        "fields": build_tables.fields_table(profile, places, noun, wording.mean_label),
        "criteria": build_tables.criteria_table(
            criteria if has_criteria else [], places, profile.of, wording.mean_label
        ),
        "losses": build_tables.losses_table(at_stake, places, profile.of),
        "gaps": build_tables.gaps_table(gaps, places, profile.of),
        "target": build_tables.target_table(target, places),
        "weak": build_tables.weak_table(weak, plan_rows, places, profile.of),
        "plans": build_tables.plan_table(plan_rows),
        "trend": build_tables.trend_table(trend, places),
        "ranking": build_tables.ranking_table(analysis, places),
    }
    ranking = [
        RankingBar(analysis.units[e.unit].display_name, e.value) for e in analysis.total_ranking.entries
    ]
    national, _origin = analysis.national_mean()
    components = [
        {
            "code": c.code,
            "name": c.name,
            "score": c.score,
            "mean": c.mean,
            "best": c.best,
            "max": c.max_points,
            "lost": by_code[c.code].lost if c.code in by_code else None,
        }
        for c in profile.components
    ]
    generated = date.today()
    issuing = issuing_unit(units, unit, generated)
    who = report_unit_phrase(unit, issuing)
    title = _("BÁO CÁO PHÂN TÍCH CHỈ SỐ {index} {period} CỦA {unit}").format(
        index=index_in_sentence(index.short_name).upper(),
        period=when.upper(),
        unit=keep_together(who.upper()),
    )
    proforma_note = None if period else _proforma_note(index, year, unit, units)
    if proforma_note is not None:
        tables["proforma"] = _proforma_table(proforma_note, framework, places)
    numbers = outline_numbers(framework)
    number_codes(tables, numbers)
    if target is not None and paragraphs["target"]:
        paragraphs["target"] = narrative.without_codes(paragraphs["target"], target)
    return Report(
        index_code=index.code,
        index_name=index.short_name,
        index_full_name=localized(index.name_vi, index.name_en),
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
        sources=_sources(
            analysis, framework, result_set_of(index, year, period=period, level=level), wording.mean_label
        )
        + _population_sources(proforma_note),
        mean_label=wording.mean_label,
        places=places,
        noun=noun,
        generated=generated,
        issuing_unit=issuing,
        numbers=numbers,
        percent=wording.percent,
        province_map=_province_map(analysis, year, unit),
        proforma_map=None if period else _proforma_map(analysis, year, unit, index.short_name),
        period=period,
    )


NBSP = "\u00a0"
CODED_TABLES = ("fields", "criteria", "losses", "gaps", "target", "weak", "plans", "proforma")


def keep_together(name: str) -> str:
    """A unit's name that a line never breaks inside ("TỈNH NINH THUẬN", not "TỈNH NINH / THUẬN"):
    its spaces made non-breaking."""
    return name.replace(" ", NBSP)


def issuing_unit(units: UnitRegistry, unit: Unit, on: date) -> Unit:
    """The unit whose authority issues a report about `unit` on `on`: the unit while it exists,
    else the unit it became through the lineage (a province merged on 01/07/2025 → the new
    province). The unit itself when the lineage does not lead to exactly one unit."""
    if unit.valid_on(on):
        return unit
    return units.current_successor(unit, on) or unit


def report_unit_phrase(unit: Unit, issuing: Unit) -> str:
    """ "tỉnh Ninh Thuận (cũ)" for a unit that no longer exists on the report's date."""
    who = unit_phrase(unit)
    if issuing.ref != unit.ref:
        return _("{unit} (cũ)").format(unit=who)
    return who


def outline_numbers(framework) -> dict[str, str]:
    """Every node of the framework numbered by its place in the tree: the components "1", "2", …,
    their criteria "1.1", "1.2", … (what a reader cites; raw codes like `d1`, `entry_costs`,
    `total` stay in the data). The root is "".
    """
    numbers: dict[str, str] = {framework.root.code: ""}

    def walk(node, prefix: str) -> None:
        for i, child in enumerate(node.children, start=1):
            number = f"{prefix}{i}"
            numbers[child.code] = number
            walk(child, number + ".")

    walk(framework.root, "")
    return numbers


def number_codes(tables: dict[str, Table], numbers: dict[str, str]) -> None:
    """The tables that list nodes show (in Word and Excel) the outline number instead of the node's
    code, "Tổng" for the total; their rows keep the code."""
    shown = {code: number or _("Tổng") for code, number in numbers.items()}
    for key in CODED_TABLES:
        if key in tables:
            tables[key].numbers = shown


def _province_map(analysis: YearAnalysis, year: int, unit: Unit):
    """The map of the provinces by score with the unit outlined, when the index ranks provinces."""
    from chiso.results import maps

    if not maps.is_mappable(analysis):
        return None
    return maps.province_map(analysis, year, maps.SCORE, unit.code)


def _proforma_map(analysis: YearAnalysis, year: int, unit: Unit, index_name: str):
    """The year on the 34 provinces, estimated (pro-forma), for a year of the 63."""
    from chiso.results import maps

    if not maps.offers_proforma(analysis, year):
        return None
    return maps.proforma_map(analysis, year, index_name, maps.successor_code(unit.code, year))


def _plans_sentence(rows: list[dict[str, str]], unit: Unit, index_name: str, when: str) -> str:
    if rows:
        return _(
            "Kế hoạch cải thiện Chỉ số {index} của {unit} có {count} nhiệm vụ gắn với các tiêu chí; "
            "cơ quan chủ trì, phối hợp và thời hạn như bảng dưới đây."
        ).format(index=index_name, unit=unit_phrase(unit), count=len(rows))
    return _(
        "Chưa có kế hoạch cải thiện Chỉ số {index} {period} nào được nhập cho {unit}; cơ quan chủ trì "
        "và nhiệm vụ của từng tiêu chí sẽ hiện ở đây khi kế hoạch được nhập."
    ).format(index=index_name, period=when, unit=unit_phrase(unit))


def _trend(index, unit: Unit, current: YearAnalysis) -> list[TrendPoint]:
    """The unit's score and rank in every year of the index up to the report's that has results
    (years without a result for the unit are skipped)."""
    from chiso.engine.analysis import YearAnalysis as Analysis
    from chiso.results.models import ResultSet
    from chiso.results.services import year_results

    points = []
    # Up to the report's year: a report on 2021 does not show 2022 as its "trend".
    published = ResultSet.objects.published().annual().filter(index=index, year__lte=current.current.year)
    for year in published.order_by("year").values_list("year", flat=True):
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
                framework_label=framework_label(analysis.framework),
            )
        )
    return points


def framework_label(framework) -> str:
    """A framework as a reader names it: "khung từ năm 2018" (its scale has a column of its own)."""
    if framework.first_year:
        return _("khung từ năm {year}").format(year=framework.first_year)
    return _("khung chỉ số")


def _trend_sentence(points: list[TrendPoint]) -> str | None:
    if len(points) < 2:
        return None
    years = [p.year for p in points]
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    changes = [(b.year, b.max_points) for a, b in itertools.pairwise(points) if a.framework != b.framework]
    text = _("Biểu đồ xu hướng gồm {count} năm có kết quả ({first}–{last})").format(
        count=len(points), first=years[0], last=years[-1]
    )
    if missing:
        listed = ", ".join(map(str, missing))
        if len(missing) > 1:
            text += _("; không có số liệu các năm {years}").format(years=listed)
        else:
            text += _("; không có số liệu năm {year}").format(year=listed)
    text += "."
    for year, maximum in changes:
        text += " " + _(
            "Từ năm {year} áp dụng khung chỉ số mới (thang {scale} điểm): điểm trước và sau mốc này "
            "không so sánh trực tiếp; thứ hạng vẫn so sánh được."
        ).format(year=year, scale=format_number(maximum, 0, active_language()))
    return text


def _proforma_note(index, year: int, unit: Unit, units: UnitRegistry) -> ProformaNote | None:
    """For a province formed in 2025: its previous-year pro-forma figure. For a province merged in
    2025, in the last year before the merger: the pro-forma figure of the new province."""
    from chiso.results.proforma import build_proforma, constituents_of, merged_successor

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
    text = _(
        "Từ ngày 01/07/2025, {unit} được hình thành trên cơ sở hợp nhất các tỉnh {names}. Để có mốc so "
        "sánh, báo cáo lập số liệu năm {year} của {unit} từ kết quả của các tỉnh thành phần. Đây là "
        "{label}: không lưu vào kết quả và không dùng để xếp hạng."
    ).format(
        unit=unit_phrase(target_unit),
        names=names or _("(không rõ)"),
        year=base_year,
        label=localized(results[0].label_vi, results[0].label_en)
        if results
        else _("số liệu giả định (pro-forma), không phải số liệu chính thức"),
    )
    return ProformaNote(target_unit.display_name, base_year, text, results, refused)


def _proforma_table(note: ProformaNote, framework, places: int) -> Table:
    """One row per node (the total and its components): each constituent's value and the pro-forma
    value by each method that could be built."""
    constituents = note.results[0].constituents if note.results else ()
    by_method = {result.method: result for result in note.results}
    rows = []
    for node in [framework.root, *framework.root.children]:
        listed = "; ".join(
            f"{c.name} {format_number(c.values.get(node.code), places, active_language())}"
            for c in constituents
        )
        rows.append(
            {
                "code": node.code,
                "name": localized(node.name_vi, node.name_en),
                "constituents": listed,
                "mean": by_method[MEAN].values.get(node.code) if MEAN in by_method else None,
                "population_weighted": by_method[POPULATION_WEIGHTED].values.get(node.code)
                if POPULATION_WEIGHTED in by_method
                else None,
            }
        )
    return Table(
        "proforma",
        _("Giả định"),
        _("Số liệu giả định (pro-forma) năm {year} của {unit} — không phải số liệu chính thức").format(
            year=note.year, unit=note.unit_name
        ),
        build_tables.columns("proforma"),
        rows,
        places,
    )


def _sources(
    analysis: YearAnalysis, framework, result_set, mean_label: str = "trung bình cả nước"
) -> list[str]:
    """The report's sources: the published result set's dataset, the framework, the mean's origin."""
    sources = []
    if result_set is not None:
        dataset = result_set.dataset
        sources.append(dataset.credit)
    # The framework by its Vietnamese name (its `source` field is a note for maintainers, in English).
    sources.append(_("Khung chỉ số: {name}.").format(name=localized(framework.name_vi, framework.name_en)))
    _national, origin = analysis.national_mean()
    label = _(mean_label)
    label = label[:1].upper() + label[1:]
    if origin == "computed":
        sources.append(
            _("{label}: trung bình cộng điểm của các đơn vị được xếp hạng (chiso tính).").format(label=label)
        )
    elif origin:
        sources.append(
            _("{label}: số công bố ({origin}).").format(
                label=label, origin=origin.removeprefix("published: ")
            )
        )
    return sources


def _population_sources(note: ProformaNote | None) -> list[str]:
    """The population figures behind a population-weighted pro-forma value, each with its source."""
    lines = []
    for result in note.results if note else []:
        for c in result.constituents if result.method == POPULATION_WEIGHTED else ():
            lines.append(
                _("Dân số {unit} ({kind} năm {year}): {population} người — {source}").format(
                    unit=c.name,
                    kind=_(c.population_kind),
                    year=c.population_year,
                    population=format_number(c.population, 0, active_language()),
                    source=c.population_source,
                )
            )
    return lines
