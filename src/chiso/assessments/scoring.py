"""Points of an assessment from its stored inputs, through the engine: one leaf, a stage's tree,
and a whole cycle as engine results (for ranks, groups and changes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from chiso.assessments.models import Assessment, CriterionScore, Cycle
from chiso.engine.analysis import TOTAL, YearAnalysis, YearResults
from chiso.engine.frameworks import SURVEY, Framework, Node
from chiso.engine.rules import Manual, RuleContext, build_rule
from chiso.engine.scoring import NodeScore, aggregate, aggregate_units
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


def _value(inputs: Mapping[str, Any] | None, field: str) -> Decimal | None:
    if not inputs or inputs.get(field) in (None, ""):
        return None
    return Decimal(str(inputs[field]))


def peer_values(cycle: Cycle, code: str, field: str, exclude: Assessment | None = None) -> list[Decimal]:
    """Every unit's raw value of one input of a leaf (for rules that compare with the best unit), but
    that of `exclude` (the unit whose new inputs are being scored)."""
    rows = CriterionScore.objects.filter(assessment__cycle=cycle, criterion=code)
    if exclude is not None:
        rows = rows.exclude(assessment=exclude)
    return [
        v for inputs in rows.values_list("self_inputs", flat=True) if (v := _value(inputs, field)) is not None
    ]


def leaf_points(assessment: Assessment, node: Node, inputs: Mapping[str, Any]) -> Decimal:
    """The points a leaf's rule gives these inputs: for a rule that compares with the best unit, the
    other units' stored values and these inputs' (the unit's own stored value is replaced)."""
    rule = _rule(node)
    peer_field = rule.peer_field
    peers = (
        {node.code: peer_values(assessment.cycle, node.code, peer_field, assessment)} if peer_field else {}
    )
    if peer_field and (own := _value(inputs, peer_field)) is not None:
        peers[node.code].append(own)
    context = RuleContext(node.code, peers)
    return rule.score(inputs, node.max_points, context)


# -- points relative to the other units ------------------------------------------------------------
#
# A rule that compares a unit with the best one (`normalised_to_best`) gives points that depend on
# every unit's value: when one unit saves, every other unit's points of that criterion may change.
# They are re-scored in the same transaction (not at read time: the stored points are what every
# page, export, audit entry and check reads), under a lock on the cycle so that two units saving at
# once are scored one after the other.


def lock_peers(assessment: Assessment, node: Node) -> None:
    """Before a unit's inputs of a peer-compared leaf are scored: lock the cycle, so that saves of
    that leaf in the cycle run one at a time (no effect for other rules)."""
    if _rule(node).peer_field:
        list(Cycle.objects.select_for_update().filter(pk=assessment.cycle_id).values_list("pk"))


@dataclass
class PeerChange:
    """The points of another unit that a unit's save changed, at each stage, for the audit log."""

    assessment: Assessment
    criterion: str
    before: dict[str, Decimal | None]
    after: dict[str, Decimal | None]

    def audit_fields(self) -> dict[str, Any]:
        return {
            "assessment": self.assessment,
            "criterion": self.criterion,
            "field": "peer",
            "before": self.before,
            "after": self.after,
            "reason": _(
                "Tính lại theo giá trị cao nhất của các đơn vị trong kỳ (tiêu chí {criterion})."
            ).format(criterion=self.criterion),
        }


def _following(old: Decimal | None, derived_from: Decimal | None, new: Decimal | None) -> Decimal | None:
    """A later stage's points after the stage they were taken from changed from `derived_from` to
    `new`: they follow when they were equal to it (copied or accepted), else they are a person's
    decision and stay."""
    if old is None or old != derived_from:
        return old
    return new


def rescore_peers(assessment: Assessment, node: Node) -> list[PeerChange]:
    """After `assessment` saved its inputs of `node`: every other unit's points of that leaf, scored
    again against the best value of the whole cycle. The self points follow the rule; the appraised
    and final points follow them where they were taken from them (copied at the sending of the
    appraisal or the council's approval, or accepted unchanged), and stay where an appraiser decided
    other points. Returns the changes (the caller audits them)."""
    rule = _rule(node)
    field = rule.peer_field
    if not field:
        return []
    rows = list(
        CriterionScore.objects.select_for_update()
        .filter(assessment__cycle_id=assessment.cycle_id, criterion=node.code)
        .select_related("assessment")
        .order_by("pk")
    )
    values = [v for row in rows if (v := _value(row.self_inputs, field)) is not None]
    context = RuleContext(node.code, {node.code: values})
    changes = []
    for row in rows:
        if row.assessment_id == assessment.pk or _value(row.self_inputs, field) is None:
            continue
        before = {"self": row.self_points, "appraised": row.appraised_points, "final": row.final_points}
        points = rule.score(row.self_inputs, node.max_points, context)
        appraised = _following(row.appraised_points, row.self_points, points)
        final = _following(
            row.final_points, row.appraised_or_self_points, appraised if appraised is not None else points
        )
        after = {"self": points, "appraised": appraised, "final": final}
        if after == before:
            continue
        row.self_points, row.appraised_points, row.final_points = points, appraised, final
        row.save(update_fields=["self_points", "appraised_points", "final_points", "updated_at"])
        changes.append(PeerChange(row.assessment, node.code, before, after))
    return changes


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


def cycle_points(cycle: Cycle, stage: str, framework: Framework) -> dict[int, dict[str, Decimal | None]]:
    """Assessment id → leaf code → points at a stage (`row_points`), for every unit of the cycle, in
    one query of the stored scores (rows of codes no longer leaves of the framework are left out, as
    `stage_tree` leaves them out)."""
    leaves = {leaf.code for leaf in framework.leaves()}
    rows = CriterionScore.objects.filter(assessment__cycle=cycle).values_list(
        "assessment_id", "criterion", "self_points", "appraised_points", "final_points"
    )
    points: dict[int, dict[str, Decimal | None]] = {}
    for assessment_id, code, own, appraised, final in rows.iterator(chunk_size=10_000):
        if code not in leaves:
            continue
        if stage == SELF:
            value = own
        elif stage == APPRAISED:
            value = appraised if appraised is not None else own
        else:
            value = final
        points.setdefault(assessment_id, {})[code] = value
    return points


def cycle_results(cycle: Cycle, stage: str = FINAL) -> YearResults:
    """A cycle as engine results: the peers are the cycle's units (each with its block on 31/12 of
    the cycle's year, ranked within it), values every node's points.

    Every unit's tree at once (`aggregate_units`: the framework's tree flattened once), from the
    points read in one query: the same figures as `stage_tree` of each assessment."""
    framework = cycle.framework.to_engine()
    assessments = list(cycle.assessments.select_related("unit"))
    blocks = blocks_on([a.unit for a in assessments], date(cycle.year, 12, 31))
    points = cycle_points(cycle, stage, framework)
    peers = []
    raw: dict[Any, dict[str, Decimal | None]] = {}
    for assessment in assessments:
        unit = with_block(assessment.unit.to_engine(), blocks.get(assessment.unit_id))
        peers.append(unit)
        raw[unit.ref] = points.get(assessment.pk, {})
    values = aggregate_units(framework, raw)
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
