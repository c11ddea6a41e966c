"""Where a unit lost points: every node's points, maximum, points lost, percent of maximum, change
against last year, and how it compares with the best unit, the best of its region and the mean."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.engine.analysis import YearAnalysis
from chiso.engine.compare import is_weakness
from chiso.engine.frameworks import Framework, Node
from chiso.engine.i18n import localized
from chiso.engine.numbers import ZERO, percent_of
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


def stake(row: NodeLoss) -> Decimal | None:
    """The points at stake on a node: the points lost against its maximum, or, where the node has
    no maximum (PAPI's sub-dimensions), the gap to the best unit. None when neither is known."""
    return row.lost if row.lost is not None else row.gap_to_best


def _stake_key(row: NodeLoss) -> tuple[bool, Decimal, str]:
    value = stake(row)
    return (value is None, -(value or ZERO), row.code)


def points_at_stake(rows: list[NodeLoss], only: set[str] | None = None) -> list[NodeLoss]:
    """The one order of points at stake: nodes with points at stake (`stake`), most first, then by
    code; the root excluded. `only` restricts to some codes (e.g. the root's children)."""
    candidates = [r for r in rows if r.depth > 0 and (stake(r) or ZERO) > 0]
    if only is not None:
        candidates = [r for r in candidates if r.code in only]
    return sorted(candidates, key=_stake_key)


def components_at_stake(rows: list[NodeLoss]) -> list[NodeLoss]:
    """The components (the root's children) with points at stake, most first."""
    return points_at_stake([r for r in rows if r.depth == 1])


def tree_by_stake(rows: list[NodeLoss], framework: Framework) -> list[NodeLoss]:
    """The tree in display order: the root, then each node followed by its children, siblings in the
    order of points at stake (most first; nodes without a figure last)."""
    by_code = {r.code: r for r in rows}
    out = [by_code[framework.root.code]]

    def visit(node: Node) -> None:
        for child in sorted(node.children, key=lambda c: _stake_key(by_code[c.code])):
            out.append(by_code[child.code])
            visit(child)

    visit(framework.root)
    return out


def criteria_level(rows: list[NodeLoss]) -> int:
    """The depth of the framework's criteria: two levels below the total (PAPI's sub-dimensions,
    PCI's indicators), or one when the framework has no deeper level."""
    deepest = max((r.depth for r in rows), default=0)
    return 2 if deepest >= 2 else 1


def criteria_rows(rows: list[NodeLoss]) -> list[NodeLoss]:
    """The criteria: the nodes at `criteria_level`, in tree order."""
    level = criteria_level(rows)
    return [r for r in rows if r.depth == level]


def weak_criteria(rows: list[NodeLoss]) -> list[NodeLoss]:
    """The weak criteria — one definition for the loss page, `chiso losses` and the Word report.

    A criterion (a node at `criteria_level`) is weak when the unit's rank on it is in the bottom
    quarter of the ranked units, the same rule as a component's weakness (`compare.is_weakness`:
    rank > n − ⌈n/4⌉, ≥ 48 of 63). Worst rank first, then the widest gap to the best unit, then code.
    """
    weak = [r for r in criteria_rows(rows) if r.points is not None and is_weakness(r.rank, r.of)]
    return sorted(weak, key=lambda r: (-(r.rank or 0), -(r.gap_to_best or ZERO), r.code))
