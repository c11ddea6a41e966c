"""Where a unit lost points: every node's points, maximum, points lost, percent of maximum, change
against last year, and how it compares with the best unit, the best of its region and the mean."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.analysis import YearAnalysis
from chiso.engine.frameworks import Node
from chiso.engine.i18n import localized
from chiso.engine.numbers import percent_of
from chiso.engine.units import UnitRef


@dataclass(frozen=True)
class NodeLoss:
    """One node of the framework for one unit."""

    code: str
    name_vi: str
    level: str
    depth: int
    points: Decimal | None
    max_points: Decimal | None
    lost: Decimal | None  # max − points; None when either is unknown
    percent: Decimal | None
    at_max: bool
    rank: int | None
    of: int
    change_points: Decimal | None
    change_rank: int | None
    best: Decimal | None
    regional_best: Decimal | None
    mean: Decimal | None
    gap_to_best: Decimal | None
    gap_to_mean: Decimal | None
    name_en: str = ""

    @property
    def name(self) -> str:
        """The node's name in the active language."""
        return localized(self.name_vi, self.name_en)


def loss_analysis(analysis: YearAnalysis, unit: UnitRef) -> list[NodeLoss]:
    """Every node of the framework for one unit, in tree order (the root first)."""
    framework = analysis.framework
    unit_obj = analysis.units[unit]
    region = [u.ref for u in analysis.current.peers if unit_obj.region and u.region == unit_obj.region]
    rows: list[NodeLoss] = []
    depth = {framework.root.code: 0}
    for node in framework.nodes():
        for child in node.children:
            depth[child.code] = depth[node.code] + 1
        rows.append(_node_loss(analysis, unit, node, depth[node.code], region))
    return rows


def _node_loss(
    analysis: YearAnalysis, unit: UnitRef, node: Node, depth: int, region: list[UnitRef]
) -> NodeLoss:
    code = node.code
    points = analysis.current.value(unit, code)
    maximum = node.max_points
    ranking = analysis.ranking(code)
    previous = analysis.previous_ranking_of(code)
    entry, old = ranking.entry(unit), previous.entry(unit) if previous else None
    best = ranking.entries[0].value if ranking.entries else None
    regional_values = [v for ref in region if (v := analysis.current.value(ref, code)) is not None]
    mean = analysis.computed_mean(code)
    return NodeLoss(
        code=code,
        name_vi=node.name_vi,
        name_en=node.name_en,
        level=node.level,
        depth=depth,
        points=points,
        max_points=maximum,
        lost=(maximum - points) if points is not None and maximum is not None else None,
        percent=percent_of(points, maximum) if points is not None and maximum else None,
        at_max=points is not None and maximum is not None and points >= maximum,
        rank=entry.rank if entry else None,
        of=ranking.of,
        change_points=(entry.value - old.value) if entry and old else None,
        change_rank=(old.rank - entry.rank) if entry and old else None,
        best=best,
        regional_best=max(regional_values) if regional_values else None,
        mean=mean,
        gap_to_best=(best - points) if best is not None and points is not None else None,
        gap_to_mean=(points - mean) if mean is not None and points is not None else None,
    )


def points_at_stake(rows: list[NodeLoss], only: set[str] | None = None) -> list[NodeLoss]:
    """Nodes ordered by points lost, most first (where maxima are known), the root excluded;
    `only` restricts to some codes (e.g. the framework's leaves, or the root's children)."""
    candidates = [r for r in rows if r.depth > 0 and r.lost is not None and r.lost > 0]
    if only is not None:
        candidates = [r for r in candidates if r.code in only]
    return sorted(candidates, key=lambda r: (-r.lost, r.code))  # type: ignore[operator]
