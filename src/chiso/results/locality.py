"""One unit, one year, every index: the locality dashboard's data (issue 12).

`overview(unit_code, year)` gathers, for a province, district, commune or department, every index
that has a published result for it that year — the built-in and imported index-years (PAPI, PCI,
PAR INDEX, SIPAS, …) and the published internal cycles that rank it (a department or commune ranked
by its organiser) — and returns plain dataclasses:

- `IndexStanding` per index: the engine's `Profile` and the one standard sentence about it
  (`chiso.engine.narrative.headline` and `mean_sentence`: score or %, rank x/N with the index's peer
  noun, change in points and ranks, group where defined, against the mean), the direction of its
  rank, its components at stake (`chiso.engine.losses.components_at_stake`), its weak criteria
  (`weak_criteria`), and its trend over the years (`YearPoint`s);
- `Counts`: how many indices rose, fell or kept their rank ("03/04 chỉ số tụt hạng");
- `StakeRow`s: where points were lost across all indices, most points at stake first (the one order
  of `chiso.engine.losses.stake`).

Nothing is recomputed per request: every analysis comes from `chiso.results.cache` (published
index-years through `services.analysis_of_sets`, all their result sets read in one query; internal
cycles by their stored version, `cycle_analysis`). The web page (`/ket-qua/dia-phuong/<code>/<year>/`),
`chiso locality` and the conference report call this service; its API is stable:

    overview(unit_code: str, year: int, language: str | None = None) -> LocalityOverview
    unit_for(unit_code: str, year: int) -> Unit            (LocalityError when unknown)
    cycle_analysis(cycle: Cycle) -> YearAnalysis          (cached, published figures)
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from chiso.engine.analysis import TOTAL, Profile, YearAnalysis
from chiso.engine.indices import BLOCK, IndexWording
from chiso.engine.losses import NodeLoss, components_at_stake, loss_analysis, stake, weak_criteria
from chiso.engine.narrative import headline, mean_sentence, rounded_difference
from chiso.engine.units import Unit as EngineUnit
from chiso.frameworks.models import Index
from chiso.units.models import Unit

UP, DOWN, SAME = "up", "down", "same"


class LocalityError(LookupError):
    """No unit with that code that year; the message says so in the active language."""


@dataclass(frozen=True)
class YearPoint:
    """One year of an index's trend for the unit."""

    year: int
    score: Decimal | None
    max_points: Decimal | None
    rank: int | None
    of: int
    framework: str


@dataclass
class IndexStanding:
    """The unit's result in one index (or internal cycle) that year."""

    key: str  # "papi", or "cycle-12" for an internal cycle
    index_code: str
    index_name: str  # the index's short name ("PAPI", "CCHC sở"), as the sentence names it
    title: str  # what the dashboard calls it: the short name, or the internal cycle's name
    year: int
    unit: EngineUnit
    profile: Profile
    wording: IndexWording
    sentence: str  # the standard sentence (Vietnamese, as the press and the report write it)
    mean_sentence: str | None
    at_stake: list[NodeLoss]  # its components with points at stake, most first
    weak: list[NodeLoss]  # its weak criteria
    trend: list[YearPoint]
    source: str
    cycle_id: int | None = None
    # The index-year's analysis (cached, published figures): the page's map of the provinces.
    analysis: YearAnalysis | None = field(default=None, repr=False, compare=False)

    @property
    def places(self) -> int:
        return self.profile.framework.display_precision

    @property
    def max_points(self) -> Decimal | None:
        return self.profile.framework.root.max_points

    @property
    def score(self) -> Decimal | None:
        return self.profile.score

    @property
    def rank(self) -> int | None:
        return self.profile.rank

    @property
    def of(self) -> int:
        return self.profile.of

    @property
    def change_score(self) -> Decimal | None:
        """The change in points (or %) between the figures as displayed, as the sentence says it."""
        change = self.profile.change
        return rounded_difference(self.score, change.previous_score if change else None, self.places)

    @property
    def change_rank(self) -> int | None:
        change = self.profile.change
        return change.rank if change else None

    @property
    def direction(self) -> str:
        """ "up", "down" or "same" in rank against the previous year; "" when nothing compares."""
        moved = self.change_rank
        if moved is None:
            return ""
        return UP if moved > 0 else DOWN if moved < 0 else SAME

    @property
    def url_args(self) -> list:
        """The arguments of its analysis pages (`results:national_losses` / `results:cycle_losses`)."""
        if self.cycle_id is not None:
            return [self.cycle_id, self.unit.code]
        return [self.index_code, self.year, self.unit.code]

    @property
    def url_prefix(self) -> str:
        return "cycle" if self.cycle_id is not None else "national"


@dataclass(frozen=True)
class Counts:
    """How many indices rose, fell or kept their rank against the previous year."""

    total: int
    compared: int
    up: int
    down: int
    same: int

    def down_text(self) -> str:
        """ "03/04 chỉ số tụt hạng" (two-digit counts, as the conference reports write them)."""
        return _("{count}/{total} chỉ số tụt hạng").format(
            count=f"{self.down:02d}", total=f"{self.total:02d}"
        )

    def up_text(self) -> str:
        return _("{count}/{total} chỉ số tăng hạng").format(count=f"{self.up:02d}", total=f"{self.total:02d}")

    def sentence(self) -> str:
        """ "Trong 04 chỉ số thì có 03 chỉ số tụt hạng, 01 chỉ số tăng hạng và 00 chỉ số giữ nguyên
        thứ hạng so với năm trước." (None compared: says so.)"""
        if not self.compared:
            return _("Trong {total} chỉ số, chưa có chỉ số nào so sánh được với năm trước.").format(
                total=f"{self.total:02d}"
            )
        text = _(
            "Trong {total} chỉ số thì có {down} chỉ số tụt hạng, {up} chỉ số tăng hạng và {same} chỉ số "
            "giữ nguyên thứ hạng so với năm trước"
        ).format(
            total=f"{self.total:02d}",
            down=f"{self.down:02d}",
            up=f"{self.up:02d}",
            same=f"{self.same:02d}",
        )
        if self.compared < self.total:
            text += _(" ({count} chỉ số chưa so sánh được)").format(count=f"{self.total - self.compared:02d}")
        return text + "."


@dataclass(frozen=True)
class StakeRow:
    """One component of one index where the unit lost points."""

    standing: IndexStanding
    node: NodeLoss
    stake: Decimal

    @property
    def share_lost(self) -> Decimal | None:
        """The points at stake as a percentage of the component's maximum (None without one)."""
        if not self.node.max_points:
            return None
        return self.stake * 100 / self.node.max_points


@dataclass
class LocalityOverview:
    """Every index of one unit in one year."""

    unit: EngineUnit
    year: int
    standings: list[IndexStanding]
    counts: Counts
    at_stake: list[StakeRow]
    years: list[int]  # the years that have results for the unit's level (the page's year selector)
    not_published: list[str] = field(default_factory=list)  # indices ranking it without its score
    counts_sentence: str = ""


# -- the unit -------------------------------------------------------------------------------------


def unit_for(unit_code: str, year: int) -> Unit:
    """The unit with that official code on 31 December of `year` (its name as of that day)."""
    from chiso.results.services import reference_date

    day = reference_date(year)
    code = unit_code.strip()
    rows = [
        row
        for row in Unit.objects.filter(code=code)
        if (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or row.valid_to >= day)
    ]
    if not rows:
        raise LocalityError(
            _("Không có đơn vị mã {code} vào ngày {day}.").format(code=code, day=day.strftime("%d/%m/%Y"))
        )
    order = {"province": 0, "district": 1, "commune": 2}
    # A territorial code's level follows its digits (22: province, 193: district, 5 digits: commune).
    expected = "province" if len(code) <= 2 else "district" if len(code) == 3 else "commune"
    rows.sort(key=lambda row: (row.level != expected, order.get(row.level, 9), row.level))
    return rows[0]


# -- the analyses ---------------------------------------------------------------------------------


def cycle_analysis(cycle) -> YearAnalysis:
    """An internal cycle's analysis at its final stage, kept in `chiso.results.cache` under the
    cycle's stored version (`chiso.assessments.standings`: moved on by every score, unit or block
    change), its framework's last change and last year's cycle with its version.

    Inside a transaction it is built and not kept: a version moved by uncommitted scores could
    otherwise be taken again, after a rollback, by other scores."""
    from django.db import connection

    from chiso.assessments import scoring, standings
    from chiso.results.cache import cached_analysis

    if connection.in_atomic_block:
        return scoring.cycle_analysis(cycle)
    last = scoring.previous_cycle(cycle)
    parts = (
        "cycle",
        cycle.pk,
        scoring.FINAL,
        standings.version_of(cycle),
        standings.key_of(cycle),
        standings.version_of(last) if last is not None else None,
    )

    def build():
        analysis = scoring.cycle_analysis(cycle)
        return analysis.current, analysis.previous, analysis.missing_previous_year

    return cached_analysis(parts, build)


def _point(analysis: YearAnalysis, unit: EngineUnit, year: int) -> YearPoint | None:
    if unit.ref not in analysis.units:
        return None
    score = analysis.current.value(unit.ref, TOTAL)
    if score is None:
        return None
    ranking = analysis.total_ranking
    return YearPoint(
        year,
        score,
        analysis.framework.root.max_points,
        ranking.rank_of(unit.ref),
        ranking.of,
        analysis.framework.code,
    )


def _standing(
    key: str,
    index: Index,
    name: str,
    analysis: YearAnalysis,
    unit: EngineUnit,
    wording: IndexWording,
    trend: list[YearPoint],
    source: str,
    cycle_id: int | None = None,
    title: str = "",
) -> IndexStanding:
    profile = analysis.profile(unit.ref)
    losses = loss_analysis(analysis, unit.ref)
    return IndexStanding(
        key=key,
        index_code=index.code,
        index_name=name,
        title=title or name,
        year=analysis.current.year,
        unit=analysis.units[unit.ref],
        profile=profile,
        wording=wording,
        sentence=headline(profile, name, wording),
        mean_sentence=mean_sentence(profile, wording),
        at_stake=components_at_stake(losses),
        weak=weak_criteria(losses),
        trend=trend,
        source=source,
        cycle_id=cycle_id,
        analysis=analysis,
    )


# The order the conference reports take the indices in (seeds 000 and 004): PAR INDEX, SIPAS,
# PAPI, PCI, e-government, DGI …; a province's or district's own variant ("par_index_district")
# with its family; any other index after them, by short name.
CONFERENCE_ORDER = ("par_index", "sipas", "papi", "pci", "egov", "dgi", "ddci", "dti")


def _conference_order(index: Index) -> tuple[int, str]:
    place = next(
        (i for i, code in enumerate(CONFERENCE_ORDER) if index.code.startswith(code)), len(CONFERENCE_ORDER)
    )
    return place, index.short_name


def _published_standings(unit: EngineUnit, year: int, not_published: list[str]) -> tuple[list, set[int]]:
    """The published index-years ranking the unit that year, each with its trend over the index's
    years up to it; and every year of the indices of the unit's level (the year selector)."""
    from chiso.results.services import analyses_of_sets, published_sets

    sets = published_sets(level=unit.level)  # the result sets ranking the unit's level
    years = {y for (_index, y) in sets}
    found = []
    indices = {rs.index_id: rs.index for (_i, y), rs in sets.items() if y == year}
    for index in sorted(indices.values(), key=_conference_order):
        shown = {y: rs for (index_id, y), rs in sets.items() if index_id == index.pk and y <= year}
        analyses = analyses_of_sets(index, sorted(shown), shown)
        analysis = analyses[year]
        if unit.ref not in analysis.units:
            continue
        if analysis.current.value(unit.ref, TOTAL) is None:
            not_published.append(index.short_name)
            continue
        trend = [p for y, each in sorted(analyses.items()) if (p := _point(each, unit, y)) is not None]
        wording = index.wording(unit.level).for_peers(analysis.current.peer_scope)
        found.append(
            _standing(
                index.code,
                index,
                index.short_name,
                analysis,
                unit,
                wording,
                trend,
                shown[year].dataset.credit,
            )
        )
    return found, years


def _cycle_standings(unit_row: Unit, unit: EngineUnit, year: int) -> tuple[list, set[int]]:
    """The published internal cycles that rank the unit: that year's as standings, every year's for
    the year selector; each cycle's trend over the published cycles of its block and index."""
    from chiso.assessments.models import Cycle

    published = list(
        Cycle.objects.filter(published_at__isnull=False, assessments__unit=unit_row)
        .select_related("framework__index")
        .order_by("year", "pk")
        .distinct()
    )
    years = {c.year for c in published}
    found = []
    for cycle in (c for c in published if c.year == year):
        index = cycle.framework.index
        analysis = cycle_analysis(cycle)
        if unit.ref not in analysis.units or analysis.current.value(unit.ref, TOTAL) is None:
            continue
        series = [
            c
            for c in published
            if c.block == cycle.block and c.framework.index_id == index.pk and c.year <= year
        ]
        trend = []
        for each in series:
            point = _point(analysis if each.pk == cycle.pk else cycle_analysis(each), unit, each.year)
            if point is not None:
                trend.append(point)
        wording = index.wording(unit.level).for_peers(BLOCK)
        found.append(
            _standing(
                f"cycle-{cycle.pk}",
                index,
                index.short_name,
                analysis,
                unit,
                wording,
                trend,
                analysis.framework.source,
                cycle_id=cycle.pk,
                title=cycle.name,
            )
        )
    return found, years


def counts_of(standings: list[IndexStanding]) -> Counts:
    """The counts of the standings' directions (`UP`, `DOWN`, `SAME`, or "" when nothing compares)."""
    return counts_of_directions([s.direction for s in standings])


def counts_of_directions(directions: list[str]) -> Counts:
    """How many rose, fell, kept their rank — the one count the page and the report both print."""
    return Counts(
        total=len(directions),
        compared=sum(1 for d in directions if d),
        up=directions.count(UP),
        down=directions.count(DOWN),
        same=directions.count(SAME),
    )


def stake_rows(standings: list[IndexStanding]) -> list[StakeRow]:
    """Every index's components with points at stake, in one list: most points at stake first
    (`chiso.engine.losses.stake`), then by index and code."""
    rows = [
        StakeRow(standing, node, stake(node) or Decimal(0))
        for standing in standings
        for node in standing.at_stake
    ]
    return sorted(rows, key=lambda r: (-r.stake, r.standing.index_name, r.node.code))


def overview(unit_code: str, year: int, language: str | None = None) -> LocalityOverview:
    """Every index of the unit with that official code in `year` (see the module's docstring).
    LocalityError when there is no such unit that year; an overview without standings when no index
    ranks it."""
    with translation.override(language) if language else nullcontext():
        unit_row = unit_for(unit_code, year)
        unit = unit_row.to_engine()
        not_published: list[str] = []
        published, years = _published_standings(unit, year, not_published)
        cycles, cycle_years = _cycle_standings(unit_row, unit, year)
        standings = published + cycles
        counts = counts_of(standings)
        return LocalityOverview(
            unit=unit,
            year=year,
            standings=standings,
            counts=counts,
            at_stake=stake_rows(standings),
            years=sorted(years | cycle_years | {year}),
            not_published=not_published,
            counts_sentence=counts.sentence() if standings else "",
        )


def overview_to_dict(data: LocalityOverview) -> dict:
    """The overview as plain JSON data (`chiso locality --format json`): numbers as JSON numbers,
    the sentences in Vietnamese as the press writes them."""
    from chiso.core.serialize import json_number

    def standing(s: IndexStanding) -> dict:
        p = s.profile
        return {
            "key": s.key,
            "index": s.index_code,
            "name": s.index_name,
            "title": s.title,
            "cycle": s.cycle_id,
            "score": json_number(s.score),
            "max": json_number(s.max_points),
            "percent": s.wording.percent,
            "rank": s.rank,
            "of": s.of,
            "peer_noun": s.wording.peer_noun,
            "previous_year": p.previous_year,
            "change_score": json_number(s.change_score),
            "change_rank": s.change_rank,
            "direction": s.direction or None,
            "group": p.group.label_vi if p.group else None,
            "mean": json_number(p.national_mean),
            "mean_label": s.wording.mean_label,
            "sentence_vi": s.sentence,
            "mean_sentence_vi": s.mean_sentence,
            "strengths": [c.code for c in p.strengths],
            "weaknesses": [c.code for c in p.weaknesses],
            "weak_criteria": [w.code for w in s.weak],
            "trend": [
                {
                    "year": t.year,
                    "score": json_number(t.score),
                    "max": json_number(t.max_points),
                    "rank": t.rank,
                    "of": t.of,
                }
                for t in s.trend
            ],
            "source": s.source,
        }

    counts = data.counts
    return {
        "unit": {"code": data.unit.code, "name": data.unit.name, "level": data.unit.level},
        "year": data.year,
        "years": data.years,
        "counts": {
            "total": counts.total,
            "compared": counts.compared,
            "up": counts.up,
            "down": counts.down,
            "same": counts.same,
            "sentence_vi": data.counts_sentence,
        },
        "indices": [standing(s) for s in data.standings],
        "at_stake": [
            {
                "index": r.standing.index_code,
                "key": r.standing.key,
                "code": r.node.code,
                "name": r.node.name_vi,
                "points": json_number(r.node.points),
                "max": json_number(r.node.max_points),
                "at_stake": json_number(r.stake),
                "rank": r.node.rank,
                "of": r.node.of,
            }
            for r in data.at_stake
        ],
        "not_published": data.not_published,
    }


__all__ = [
    "Counts",
    "IndexStanding",
    "LocalityError",
    "LocalityOverview",
    "StakeRow",
    "YearPoint",
    "counts_of",
    "cycle_analysis",
    "overview",
    "overview_to_dict",
    "stake_rows",
    "unit_for",
]
