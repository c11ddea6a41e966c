"""One index-year analysed: league table, groups, means, regional ranks and a unit's profile.

Input is plain data (`YearResults`): the framework, the peer units and each unit's values per
node. Everything is computed here, in Decimal, and rounded only for display by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from chiso.engine.compare import (
    Change,
    ComponentStanding,
    Group,
    Movers,
    assign_groups,
    change,
    mean,
    movers,
    strengths_and_weaknesses,
)
from chiso.engine.frameworks import Framework, Node
from chiso.engine.i18n import gettext as _
from chiso.engine.i18n import localized
from chiso.engine.indices import NATIONAL
from chiso.engine.names import sort_key
from chiso.engine.ranking import Ranking, rank, rank_within
from chiso.engine.units import Unit, UnitRef

TOTAL = "total"

# Kinds of peer group, for ranks inside a group ("thứ 4/14 tỉnh Trung du và miền núi phía Bắc").
REGION = "region"
SUBREGION = "subregion"
CENTRAL_CITIES = "central_cities"
CENTRAL_CITIES_VI = "thành phố trực thuộc trung ương"
BLOCK = "block"  # a named group of units a province ranks separately (khối sở, ban, ngành …)


@dataclass
class YearResults:
    """The results of one index for one year."""

    framework: Framework
    year: int
    peers: list[Unit]
    values: dict[UnitRef, dict[str, Decimal | None]]
    published_groups: dict[UnitRef, str] = field(default_factory=dict)
    published_ranks: dict[UnitRef, int] = field(default_factory=dict)
    published_means: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    # Where the peers come from (`chiso.engine.indices`: national, province, district, block …).
    peer_scope: str = NATIONAL
    # "" for the whole year, else the month ("2025-10") or quarter ("2025-Q4"): `chiso.engine.periods`.
    period: str = ""

    def value(self, unit: UnitRef, node: str) -> Decimal | None:
        """A unit's value on a node; TOTAL means the framework's root, whatever its code."""
        if node == TOTAL:
            node = self.framework.root.code
        return self.values.get(unit, {}).get(node)


def comparable(current: Framework, previous: Framework) -> bool:
    """Totals compare across years when the index and the scale are the same (PAPI 2018, out of 80,
    does not compare with PAPI 2017, out of 60)."""
    return current.index == previous.index and current.root.max_points == previous.root.max_points


def node_comparable(current: Framework, previous: Framework, code: str) -> bool:
    """A component compares across years when it exists in both frameworks with the same maximum."""
    try:
        return current.node(code).max_points == previous.node(code).max_points
    except KeyError:
        return False


@dataclass(frozen=True)
class ComponentResult:
    """A unit's result on one component (dimension or field)."""

    code: str
    name_vi: str
    name_en: str
    score: Decimal | None
    max_points: Decimal | None
    rank: int | None
    of: int
    change: Change | None
    group: Group | None
    best: Decimal | None
    mean: Decimal | None

    @property
    def name(self) -> str:
        """The component's name in the active language."""
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class PeerGroupRank:
    """A unit's rank inside one of its peer groups (its region, subregion, the centrally-run cities)."""

    kind: str
    name: str
    rank: int | None
    of: int
    mean: Decimal | None


@dataclass(frozen=True)
class Profile:
    """Where a unit stands in one index-year. `strengths` and `weaknesses` follow the one rule of
    `compare.strengths_and_weaknesses`: components ranked in the top quarter, respectively the bottom
    quarter, of the ranked units — never a mid-table rank."""

    unit: Unit
    year: int
    framework: Framework
    score: Decimal | None
    rank: int | None
    of: int
    group: Group | None
    previous_year: int | None
    change: Change | None
    national_mean: Decimal | None
    national_mean_source: str | None
    regional_rank: int | None
    regional_of: int | None
    region: str | None
    regional_mean: Decimal | None
    components: list[ComponentResult]
    peer_groups: list[PeerGroupRank]
    strengths: list[ComponentResult]
    weaknesses: list[ComponentResult]
    status_note: str = ""
    peer_scope: str = NATIONAL
    period: str = ""  # of the year; the previous result is of the period before (same kind)
    previous_period: str = ""


@dataclass(frozen=True)
class LeagueRow:
    unit: Unit
    score: Decimal | None
    rank: int | None
    group: Group | None
    change: Change | None
    regional_rank: int | None
    regional_of: int | None
    block_rank: int | None = None
    block_of: int | None = None


class YearAnalysis:
    """Rankings, groups and profiles for one index-year, with the previous year for changes."""

    def __init__(
        self,
        current: YearResults,
        previous: YearResults | None = None,
        missing_previous_year: int | None = None,
    ):
        self.current = current
        self.missing_previous_year = missing_previous_year
        self.previous = previous if previous and comparable(current.framework, previous.framework) else None
        self.previous_not_comparable = previous is not None and self.previous is None
        self.units = {unit.ref: unit for unit in current.peers}
        self.framework = current.framework
        self.precision = current.framework.ranking.precision
        self._rankings: dict[tuple[str, int], Ranking[UnitRef]] = {}
        self._groups: dict[str, dict[UnitRef, Group]] = {}
        self._peer_groups: dict[str, dict[str, dict[str, Ranking[UnitRef]]]] = {}
        self._means: dict[tuple[str, tuple[UnitRef, ...] | None], Decimal | None] = {}

    # -- rankings ---------------------------------------------------------------------------------

    def _order_key(self, ref: UnitRef) -> bytes:
        unit = self.units.get(ref)
        return sort_key(unit.name) if unit else b""

    def ranking(self, node: str = TOTAL, results: YearResults | None = None) -> Ranking[UnitRef]:
        """The ranking of all peers on one node (the total, a dimension, a field), cached."""
        data = results or self.current
        key = (node, id(data))
        if key not in self._rankings:
            self._rankings[key] = rank(
                {unit.ref: data.value(unit.ref, node) for unit in data.peers},
                self.precision,
                peer_set=[unit.ref for unit in data.peers],
                of_rule=self.framework.ranking.of,
                order_key=self._order_key,
            )
        return self._rankings[key]

    def previous_ranking_of(self, node: str = TOTAL) -> Ranking[UnitRef] | None:
        """Last year's ranking on a node, when last year is comparable on that node."""
        if self.previous is None:
            return None
        if not self._is_total(node) and not node_comparable(self.framework, self.previous.framework, node):
            return None
        return self.ranking(node, self.previous)

    @property
    def total_ranking(self) -> Ranking[UnitRef]:
        return self.ranking(TOTAL)

    @property
    def previous_ranking(self) -> Ranking[UnitRef] | None:
        return self.previous_ranking_of(TOTAL)

    @cached_property
    def components(self) -> list[Node]:
        """The components a profile reports: the root's children (dimensions, fields)."""
        return list(self.framework.root.children)

    def _is_total(self, node: str) -> bool:
        return node in (TOTAL, self.framework.root.code)

    def node_of(self, code: str) -> Node:
        return self.framework.root if self._is_total(code) else self.framework.node(code)

    def groups(self, node: str = TOTAL) -> dict[UnitRef, Group]:
        if node not in self._groups:
            maximum = self.node_of(node).max_points
            published = self.current.published_groups if self._is_total(node) else None
            rule = self.framework.ranking.groups
            if not self._is_total(node) and not self._groupable(self.node_of(node)):
                self._groups[node] = {}
            else:
                self._groups[node] = assign_groups(self.ranking(node).values(), rule, maximum, published)
        return self._groups[node]

    def _groupable(self, node: Node) -> bool:
        method = self.framework.ranking.groups.method
        return method == "quartiles" or (method == "bands" and node.max_points is not None)

    @property
    def total_groups(self) -> dict[UnitRef, Group]:
        return self.groups(TOTAL)

    # -- means ------------------------------------------------------------------------------------

    def computed_mean(self, node: str = TOTAL, members: list[UnitRef] | None = None) -> Decimal | None:
        """Plain mean of the units' values on a node (all peers, or the given members), cached."""
        key = (node, None if members is None else tuple(members))
        if key not in self._means:
            refs = members if members is not None else [u.ref for u in self.current.peers]
            values = [v for ref in refs if (v := self.current.value(ref, node)) is not None]
            self._means[key] = mean(values)
        return self._means[key]

    def national_mean(self, node: str = TOTAL) -> tuple[Decimal | None, str | None]:
        """The published national mean when one is stored, else the plain mean of the units."""
        if node in self.current.published_means:
            value, source = self.current.published_means[node]
            return value, f"published: {source}"
        computed = self.computed_mean(node)
        return computed, ("computed" if computed is not None else None)

    def region_members(self, region: str) -> list[UnitRef]:
        return [u.ref for u in self.current.peers if u.region == region]

    def peer_group_rankings(self, node: str = TOTAL) -> dict[str, dict[str, Ranking[UnitRef]]]:
        """Ranks inside the peer groups the press uses: socio-economic region, subregion, the
        centrally-run cities, and the block a province ranks its units in. {kind: {group name:
        ranking}}; a kind no unit belongs to has no groups."""
        if node not in self._peer_groups:
            values = {u.ref: self.current.value(u.ref, node) for u in self.current.peers}
            memberships = {
                REGION: {u.ref: u.region for u in self.current.peers},
                SUBREGION: {u.ref: u.subregion for u in self.current.peers},
                CENTRAL_CITIES: {
                    u.ref: CENTRAL_CITIES_VI if u.is_central_city else None for u in self.current.peers
                },
                BLOCK: {u.ref: u.block for u in self.current.peers},
            }
            self._peer_groups[node] = {
                kind: rank_within(
                    values,
                    groups,
                    self.precision,
                    of_rule=self.framework.ranking.of,
                    order_key=self._order_key,
                )
                for kind, groups in memberships.items()
            }
        return self._peer_groups[node]

    @property
    def regional_rankings(self) -> dict[str, Ranking[UnitRef]]:
        return self.peer_group_rankings(TOTAL)[REGION]

    # -- outputs ----------------------------------------------------------------------------------

    def league_table(self, node: str = TOTAL) -> list[LeagueRow]:
        """Every peer on one node, ranked ones first in rank order, then those without a result."""
        ranking = self.ranking(node)
        previous = self.previous_ranking_of(node)
        regions = self.peer_group_rankings(node)[REGION]
        blocks = self.peer_group_rankings(node)[BLOCK]
        groups = self.groups(node)
        rows: list[LeagueRow] = []
        for ref in [e.unit for e in ranking.entries] + ranking.unranked:
            unit = self.units[ref]
            regional = regions.get(unit.region or "")
            block = blocks.get(unit.block or "")
            rows.append(
                LeagueRow(
                    unit=unit,
                    score=self.current.value(ref, node),
                    rank=ranking.rank_of(ref),
                    group=groups.get(ref),
                    change=change(ranking, previous, ref) if previous else None,
                    regional_rank=regional.rank_of(ref) if regional else None,
                    regional_of=regional.of if regional else None,
                    block_rank=block.rank_of(ref) if block else None,
                    block_of=block.of if block else None,
                )
            )
        return rows

    def movers(self, top: int = 3, node: str = TOTAL) -> Movers:
        return movers(self.ranking(node), self.previous_ranking_of(node), top)

    def component_result(self, ref: UnitRef, node: Node) -> ComponentResult:
        ranking = self.ranking(node.code)
        previous = self.previous_ranking_of(node.code)
        best = ranking.entries[0].value if ranking.entries else None
        return ComponentResult(
            code=node.code,
            name_vi=node.name_vi,
            name_en=node.name_en,
            score=self.current.value(ref, node.code),
            max_points=node.max_points,
            rank=ranking.rank_of(ref),
            of=ranking.of,
            change=change(ranking, previous, ref) if previous else None,
            group=self.groups(node.code).get(ref),
            best=best,
            mean=self.computed_mean(node.code),
        )

    def _peer_group_ranks(self, unit: Unit) -> list[PeerGroupRank]:
        found = []
        for kind, rankings in self.peer_group_rankings(TOTAL).items():
            for name, ranking in rankings.items():
                if unit.ref in ranking.unranked or ranking.entry(unit.ref):
                    members = [e.unit for e in ranking.entries] + ranking.unranked
                    found.append(
                        PeerGroupRank(
                            kind,
                            name,
                            ranking.rank_of(unit.ref),
                            ranking.of,
                            self.computed_mean(TOTAL, members),
                        )
                    )
        return found

    def profile(self, ref: UnitRef) -> Profile:
        if ref not in self.units:
            raise KeyError(
                _("{unit} không thuộc các đơn vị xếp hạng {index} năm {year}.").format(
                    unit=ref, index=self.framework.index, year=self.current.year
                )
            )
        unit = self.units[ref]
        ranking = self.total_ranking
        components = [self.component_result(ref, node) for node in self.components]
        standings = [ComponentStanding(c.code, c.rank, c.of) for c in components if c.rank is not None]
        strong, weak = strengths_and_weaknesses(standings)
        by_code = {c.code: c for c in components}
        regional = self.regional_rankings.get(unit.region or "")
        national, source = self.national_mean()
        score = self.current.value(ref, TOTAL)
        note = ""
        if score is None:
            note = _("không có kết quả công bố")
        elif self.previous_not_comparable:
            note = _("không so sánh với năm trước: khung tiêu chí khác")
        elif self.missing_previous_year is not None:
            note = _("không có kết quả năm {year} để so sánh").format(year=self.missing_previous_year)
        return Profile(
            unit=unit,
            year=self.current.year,
            framework=self.framework,
            score=score,
            rank=ranking.rank_of(ref),
            of=ranking.of,
            group=self.total_groups.get(ref),
            previous_year=self.previous.year if self.previous else None,
            change=change(ranking, self.previous_ranking, ref) if self.previous else None,
            national_mean=national,
            national_mean_source=source,
            regional_rank=regional.rank_of(ref) if regional else None,
            regional_of=regional.of if regional else None,
            region=unit.region,
            regional_mean=self.computed_mean(TOTAL, self.region_members(unit.region))
            if unit.region
            else None,
            components=components,
            peer_groups=self._peer_group_ranks(unit),
            strengths=[by_code[s.code] for s in strong],
            weaknesses=[by_code[s.code] for s in weak],
            status_note=note,
            peer_scope=self.current.peer_scope,
            period=self.current.period,
            previous_period=self.previous.period if self.previous else "",
        )


def node_to_rank(framework: Framework, units_with: Callable[[str], int]) -> str:
    """The node a league table ranks on, given how many units have a value on a node: the total
    when any unit has one; otherwise (a framework whose maxima are not all known yet, as the 766
    index's groups 3 and 4) level by level from the root's children, the node most units have a
    value on (the first of equals). Nothing is weighted or invented."""
    if units_with(TOTAL):
        return TOTAL
    level = list(framework.root.children)
    while level:
        counts = [(units_with(node.code), node.code) for node in level]
        best = max(count for count, _code in counts)
        if best:
            return next(code for count, code in counts if count == best)
        level = [child for node in level for child in node.children]
    return TOTAL


def ranked_node(analysis: YearAnalysis) -> str:
    """The node an analysis's league table ranks on (`node_to_rank`)."""
    peers = [unit.ref for unit in analysis.current.peers]
    return node_to_rank(
        analysis.framework, lambda code: sum(analysis.current.value(ref, code) is not None for ref in peers)
    )
    level = list(analysis.framework.root.children)
    while level:
        for node in level:
            if any(analysis.current.value(ref, node.code) is not None for ref in peers):
                return node.code
        level = [child for node in level for child in node.children]
    return TOTAL
