"""Points of an assessment from its stored inputs, through the engine: one leaf, a stage's tree,
and a whole cycle as engine results (for ranks, groups and changes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from chiso.assessments.models import Assessment, CriterionScore, Cycle
from chiso.engine.analysis import TOTAL, YearAnalysis, YearResults
from chiso.engine.frameworks import SURVEY, Framework, Node
from chiso.engine.rules import Manual, RuleContext, build_rule
from chiso.engine.scoring import NodeScore, aggregate
from chiso.frameworks.method import method_of
from chiso.frameworks.models import Framework as FrameworkRow
from chiso.units.blocks import blocks_on, with_block

SELF = "self"
APPRAISED = "appraised"
FINAL = "final"
STAGES = (SELF, APPRAISED, FINAL)


def cycle_method(framework: FrameworkRow, recorded: str) -> dict[str, Any]:
    """The method a cycle on `framework` computes its points and ranks with (`chiso.frameworks.method`),
    for the units of the framework's scope. Recorded when the cycle is created and again when it is
    published: once a unit has started, the framework cannot change (`save_framework` refuses it), so
    the method published is the one every unit was scored with."""
    return method_of(framework, recorded, framework.scope)


def _rule(node: Node):
    if node.rule is None:
        return Manual()
    return build_rule(node.rule.type, node.rule.params, node.max_points)


def peer_values(cycle: Cycle, code: str, field: str) -> list[Decimal]:
    """Every unit's raw value of one input of a leaf (for rules that compare with the best unit)."""
    values = []
    for inputs in cycle.assessments.filter(scores__criterion=code).values_list(
        "scores__self_inputs", flat=True
    ):
        if inputs and inputs.get(field) not in (None, ""):
            values.append(Decimal(str(inputs[field])))
    return values


def leaf_points(assessment: Assessment, node: Node, inputs: Mapping[str, Any]) -> Decimal:
    """The points a leaf's rule gives these inputs (peers' values for rules that need them)."""
    rule = _rule(node)
    peer_field = getattr(rule, "peer_field", None)
    peers = {node.code: peer_values(assessment.cycle, node.code, peer_field)} if peer_field else {}
    if peer_field and inputs.get(peer_field) not in (None, ""):
        peers[node.code].append(Decimal(str(inputs[peer_field])))
    context = RuleContext(node.code, peers)
    return rule.score(inputs, node.max_points, context)


def survey_leaves(cycle: Cycle) -> list[Node]:
    return [node for node in cycle.framework.to_engine().leaves() if node.method == SURVEY]


def row_points(row: CriterionScore, stage: str) -> Decimal | None:
    """One criterion's points at a stage: self, appraised (falls back to self) or final."""
    if stage == SELF:
        return row.self_points
    if stage == APPRAISED:
        return row.appraised_or_self_points
    return row.final_points


def stage_points(assessment: Assessment, stage: str) -> dict[str, Decimal | None]:
    """Leaf code → points at a stage: self, appraised (falls back to self) or final."""
    return {row.criterion: row_points(row, stage) for row in assessment.scores.all()}


def stage_tree(
    assessment: Assessment, stage: str, framework: Framework | None = None
) -> dict[str, NodeScore]:
    """Every node's points and percent of max at a stage (parents summed from leaves; missing stays
    missing)."""
    framework = framework or assessment.cycle.framework.to_engine()
    leaf_codes = {leaf.code for leaf in framework.leaves()}
    points = {code: value for code, value in stage_points(assessment, stage).items() if code in leaf_codes}
    return aggregate(framework, points)


def cycle_results(cycle: Cycle, stage: str = FINAL) -> YearResults:
    """A cycle as engine results: the peers are the cycle's units (each with its block on 31/12 of
    the cycle's year, ranked within it), values every node's points."""
    framework = cycle.framework.to_engine()
    assessments = list(cycle.assessments.select_related("unit").prefetch_related("scores"))
    blocks = blocks_on([a.unit for a in assessments], date(cycle.year, 12, 31))
    values = {}
    peers = []
    for assessment in assessments:
        unit = with_block(assessment.unit.to_engine(), blocks.get(assessment.unit_id))
        peers.append(unit)
        tree = stage_tree(assessment, stage, framework)
        values[unit.ref] = {code: score.points for code, score in tree.items()}
    return YearResults(framework=framework, year=cycle.year, peers=peers, values=values)


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """Last year's published cycle of the same block."""
    return (
        Cycle.objects.filter(block=cycle.block, year=cycle.year - 1, published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )


def cycle_analysis(cycle: Cycle, stage: str = FINAL) -> YearAnalysis:
    """Ranks, groups and changes against last year's published cycle of the same block.

    Last year's units that are no longer in the cycle are dropped from the comparison."""
    current = cycle_results(cycle, stage)
    last = previous_cycle(cycle)
    previous = None
    if last is not None:
        previous = cycle_results(last, FINAL)
        keep = {unit.ref for unit in current.peers}
        previous.peers = [u for u in previous.peers if u.ref in keep]
    return YearAnalysis(current, previous, missing_previous_year=None if previous else cycle.year - 1)


def total_of(tree: Mapping[str, NodeScore], framework: Framework) -> NodeScore:
    return tree[framework.root.code]


def is_overdue(cycle: Cycle, today: date | None = None) -> bool:
    return (today or date.today()) > cycle.self_assessment_due


__all__ = [
    "APPRAISED",
    "FINAL",
    "SELF",
    "STAGES",
    "TOTAL",
    "cycle_analysis",
    "leaf_points",
    "row_points",
    "stage_tree",
]
