"""Scoring units from their inputs column-wise: each leaf's rule applied to a whole column of
inputs (`leaves`), then the tree rolled up as in `table`.

When an input would be refused, the whole batch goes through the Decimal path, so that the error
is the one it raises, for the same unit and criterion; a batch the integers cannot hold is scored
by the Decimal path too (`ScoreTable.via_decimal`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from chiso.engine.columns.batches import BATCHED, batch
from chiso.engine.columns.fixed import Unrepresentable, exact_units, read_numbers, to_decimals
from chiso.engine.columns.leaves import NUMERIC_FIELDS, Refused, leaf_column
from chiso.engine.columns.sources import FrameInputs, MappingInputs, Source
from chiso.engine.columns.table import UNKNOWN, Layout, PointTable, roll_up
from chiso.engine.numbers import ZERO

if TYPE_CHECKING:
    from chiso.engine.columns.fixed import Numbers
    from chiso.engine.rules import RuleContext
    from chiso.engine.scoring import ScoringPlan, UnitScore


class ScoreTable(PointTable):
    """A `PointTable` scored from inputs, with what `UnitScore` adds: the leaves without input, the
    adjustments and the adjusted total of each unit."""

    plan: ScoringPlan
    source: Source  # each unit's inputs
    contexts: Mapping[str, RuleContext]
    via_decimal: bool  # True when the integers could not hold the batch: every figure is the Decimal path's
    leaf_given: np.ndarray  # [leaves, units]
    unit_adjustments: list[dict[str, Decimal]]
    adjusted: tuple[np.ndarray, np.ndarray, np.ndarray]  # values, known, error
    _unit_scores: dict[int, UnitScore]

    @classmethod
    def of_points(
        cls,
        base: PointTable,
        plan: ScoringPlan,
        source: Source,
        contexts: Mapping[str, RuleContext],
    ) -> ScoreTable:
        table = cls.__new__(cls)
        table.__dict__.update(base.__dict__)
        table.plan = plan
        table.source = source
        table.via_decimal = False
        table.contexts = contexts
        table._unit_scores = {}
        table._reference = table._scored_points
        return table

    def _scored_points(self, j: int) -> list[Decimal | None]:
        return list(self.scored(j)._values)

    def scored(self, j: int) -> UnitScore:
        """Unit j scored by the Decimal path (remembered): the reference for what the integers
        cannot give exactly."""
        if j not in self._unit_scores:
            self._unit_scores[j] = self.plan.score(self.units[j], self.source.unit_inputs(j), self.contexts)
        return self._unit_scores[j]

    def unit_scores(self) -> dict[Hashable, UnitScore]:
        """Every unit's `UnitScore`, each building its Decimals on first use."""
        from chiso.engine.scoring import UnitScore

        tree = self.layout.tree
        return {unit: UnitScore.of_source(unit, tree, _Unit(self, j)) for j, unit in enumerate(self.units)}

    def missing(self, j: int) -> tuple[str, ...]:
        codes = self.plan.leaf_rules
        return tuple(
            code for (_, code, _, _), given in zip(codes, self.leaf_given[:, j], strict=True) if not given
        )

    def adjusted_total(self, j: int) -> Decimal | None:
        values, known, error = self.adjusted
        if not known[j]:
            return None
        if error[j] > 0:
            return self.scored(j).adjusted_total
        return to_decimals(values[j : j + 1], known[j : j + 1], self.scale)[0]


class _Unit:
    """A `UnitSource`: one unit of a ScoreTable."""

    __slots__ = ("j", "table")

    def __init__(self, table: ScoreTable, j: int) -> None:
        self.table = table
        self.j = j

    def points(self) -> list[Decimal | None]:
        return self.table.row(self.j)

    def total(self) -> Decimal | None:
        return self.table.point(0, self.j)

    def missing(self) -> tuple[str, ...]:
        return self.table.missing(self.j)

    def adjustments(self) -> dict[str, Decimal]:
        return dict(self.table.unit_adjustments[self.j])

    def adjusted_total(self) -> Decimal | None:
        return self.table.adjusted_total(self.j)


# -- scoring -----------------------------------------------------------------------------------------


def score_table(
    plan: ScoringPlan, inputs_by_unit: Mapping[Hashable, Mapping[str, Mapping[str, Any]]]
) -> ScoreTable:
    """`score_units` for every unit at once: the figures of `plan.score_all(inputs_by_unit)`,
    column-wise. Raises what the Decimal path raises."""
    try:
        source: Source = MappingInputs(plan, inputs_by_unit)
    except Refused:
        plan.score_all(inputs_by_unit)  # raises, naming the code
        raise
    return _scored(plan, source)


def score_frame(plan: ScoringPlan, frame: pl.DataFrame, unit: str = "unit") -> ScoreTable:
    """Score units given as columns (see `FrameInputs`): the figures the Decimal path gives the same
    inputs as Python values (`frame.row(j, named=True)`)."""
    try:
        source: Source = FrameInputs(plan, frame, unit)
    except Refused:
        rows: dict[Hashable, dict[str, Any]] = {
            j: {c: v for c, v in r.items() if c != unit and v is not None}
            for j, r in enumerate(frame.iter_rows(named=True))
        }
        plan.score_all(rows)  # raises, naming the code
        raise
    return _scored(plan, source)


def _scored(plan: ScoringPlan, source: Source) -> ScoreTable:
    contexts = (
        plan.contexts_for(plan.peer_values(source.peer_inputs()))
        if plan.peer_leaves
        else plan.contexts_for(None)
    )
    try:
        return _score_table(plan, Layout(plan.framework, plan.tree), source, contexts)
    except (Refused, Unrepresentable, AttributeError, TypeError):
        return _decimal_table(plan, source, contexts)


def _decimal_table(plan: ScoringPlan, source: Source, contexts: Mapping[str, RuleContext]) -> ScoreTable:
    """The Decimal path's figures in a table (raises its error, if any)."""
    units = source.units
    ordered = [plan.score(unit, source.unit_inputs(j), contexts) for j, unit in enumerate(units)]
    layout = Layout(plan.framework, plan.tree)
    base = PointTable.of_decimals(layout, units, [list(score._values) for score in ordered])
    table = ScoreTable.of_points(base, plan, source, contexts)
    table._unit_scores = dict(enumerate(ordered))
    table.leaf_given = np.array(
        [[code not in score.missing for score in ordered] for _, code, _, _ in plan.leaf_rules], dtype=bool
    ).reshape(len(plan.leaf_rules), len(units))
    table.unit_adjustments = [score.adjustments for score in ordered]
    count = len(units)
    table.adjusted = (
        np.zeros(count, dtype=np.int64),
        np.array([score.adjusted_total is not None for score in ordered], dtype=bool),
        np.full(count, UNKNOWN, dtype=np.int64),
    )
    table.via_decimal = True
    return table


def _score_table(
    plan: ScoringPlan, layout: Layout, source: Source, contexts: Mapping[str, RuleContext]
) -> ScoreTable:
    units = source.units
    count = len(units)
    leaves = plan.leaf_rules
    present = np.zeros((len(leaves), count), dtype=bool)
    for k, (_, code, _, _) in enumerate(leaves):
        present[k] = source.present(code)
    # Every numeric input of the leaves computed here, read in one batch.
    wanted = [
        (k, name) for k, (_, _, rule, _) in enumerate(leaves) for name in NUMERIC_FIELDS.get(type(rule), ())
    ]
    fields: list[dict[str, Numbers]] = [{} for _ in leaves]
    read = source.numbers([(leaves[k][1], name) for k, name in wanted])
    for (k, name), (numbers, bad) in zip(wanted, read, strict=True):
        if (bad | (present[k] & ~numbers.given)).any():
            raise Refused  # a value missing or not a number, where the leaf has inputs
        fields[k][name] = numbers
    bounds = [0.0] * layout.size
    for k, (i, _, _, maximum) in enumerate(leaves):
        bounds[i] = (
            float(abs(maximum)) if maximum is not None else max(n.magnitude() for n in fields[k].values())
        )
    adjustment_room = sum(float(abs(maximum)) for _, _, maximum in plan.adjustments)
    framework = plan.framework
    limits = [float(abs(v)) for v in (framework.adjusted_floor, framework.adjusted_cap) if v is not None]
    scale = layout.scale_for(bounds, [layout.bounds(bounds)[0] + adjustment_room, *limits])

    values = np.zeros((layout.size, count), dtype=np.int64)
    error = np.zeros((layout.size, count), dtype=np.int64)
    by_rule: list[tuple[int, np.ndarray]] = []
    kinds: dict[type, list[int]] = {}
    for k, (_, _, rule, _) in enumerate(leaves):
        kinds.setdefault(type(rule), []).append(k)
    for kind, ks in kinds.items():
        done = False
        if kind in BATCHED and len(ks) > 1:
            chosen = [(leaves[k][2], leaves[k][3], leaves[k][1], present[k], fields[k]) for k in ks]
            try:
                batch_values, batch_error, batch_by_rule = batch(kind, chosen, source, scale)
            except Unrepresentable:  # one leaf at a time, each falling back on its own
                pass
            else:
                rows = [leaves[k][0] for k in ks]
                values[rows], error[rows] = batch_values, batch_error
                by_rule.extend(
                    (k, np.flatnonzero(cells))
                    for k, cells in zip(ks, batch_by_rule, strict=True)
                    if cells.any()
                )
                done = True
        if not done:
            for k in ks:
                i, code, rule, maximum = leaves[k]
                column = leaf_column(rule, maximum, source, code, present[k], fields[k], scale)
                values[i], error[i] = column.values, column.error
                if column.by_rule.any():
                    by_rule.append((k, np.flatnonzero(column.by_rule)))
    by_rule.sort(key=lambda item: item[0])
    if by_rule:
        _score_by_rule(plan, source, by_rule, contexts, scale, bounds, values, error)
    known = np.zeros((layout.size, count), dtype=bool)
    known[[i for i, _, _, _ in leaves]] = present
    values[~known] = 0
    error[~known] = 0
    roll_up(layout, values, known, error)

    base = PointTable(layout, units, scale, values, known, error, lambda j: [])
    table = ScoreTable.of_points(base, plan, source, contexts)
    table.leaf_given = present
    table.adjusted, table.unit_adjustments = _adjustments(plan, source, values[0], known[0], error[0], scale)
    return table


def _score_by_rule(
    plan: ScoringPlan,
    source: Source,
    by_rule: list[tuple[int, np.ndarray]],
    contexts: Mapping[str, RuleContext],
    scale: int,
    bounds: list[float],
    values: np.ndarray,
    error: np.ndarray,
) -> None:
    """The cells left to the rules, scored one by one in Decimal and brought into the columns."""
    scored: list[object] = []
    for k, cells in by_rule:
        _, code, rule, maximum = plan.leaf_rules[k]
        context = contexts[code]
        rows = source.leaf_rows(code)
        for j in cells.tolist():
            try:
                scored.append(rule.score(rows[j], maximum, context))  # type: ignore[arg-type]
            except Exception:
                raise Refused from None  # the Decimal path raises it, for the first unit it meets
    read = read_numbers(scored)
    if read.bad.any():
        raise Unrepresentable
    start = 0
    for k, cells in by_rule:
        i = plan.leaf_rules[k][0]
        stop = start + len(cells)
        numbers = read.numbers(start, stop)
        if numbers.magnitude() > bounds[i] * (1 + 1e-9) + 1:
            raise Unrepresentable  # a rule gave more than its maximum: the bounds do not hold
        values[i, cells], error[i, cells] = numbers.at(scale)
        start = stop


def _adjustments(
    plan: ScoringPlan,
    source: Source,
    total: np.ndarray,
    total_known: np.ndarray,
    total_error: np.ndarray,
    scale: int,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], list[dict[str, Decimal]]]:
    """Bonus and penalty items (scored by their rules, in Decimal: few units have them) and the
    adjusted totals, column-wise: total + adjustments, held within the floor and the cap."""
    count = len(source.units)
    per_unit: list[dict[str, Decimal]] = [{} for _ in range(count)]
    for code, rule, maximum in plan.adjustments:
        context = plan._adjustment_contexts[code]
        for j, given in enumerate(source.leaf_rows(code)):
            if given is not None:
                try:
                    per_unit[j][code] = rule.score(given, maximum, context)
                except Exception:
                    raise Refused from None
    adjusted = total.copy()
    adjusted_error = total_error.copy()
    with_items = [j for j in range(count) if per_unit[j]]
    if with_items:
        read = read_numbers([sum(per_unit[j].values(), ZERO) for j in with_items])
        if read.bad.any():
            raise Unrepresentable
        sums, sums_error = read.numbers().at(scale)
        adjusted[with_items] += sums
        adjusted_error[with_items] += sums_error + (sums_error > 0)
    framework = plan.framework
    if framework.adjusted_floor is not None:
        adjusted = np.maximum(adjusted, exact_units(framework.adjusted_floor, scale))
    if framework.adjusted_cap is not None:
        adjusted = np.minimum(adjusted, exact_units(framework.adjusted_cap, scale))
    return (adjusted, total_known.copy(), adjusted_error), per_unit
