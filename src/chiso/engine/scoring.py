"""Points up the tree: published figures (`aggregate`) and scoring units from their inputs
(`score_unit`, `score_units`).

A parent's points are the sum of its children's (or their mean, for a framework whose
`aggregation` is "mean", as SIPAS; with "weighted", whose weights the framework does not hold, as
PCI, a parent has only its published value). A value that is not there is *missing* — explicitly None, never
zero — and so is every ancestor that needs it. Component indices are each node's points as a
percentage of its maximum, unrounded (rounding is the framework's published precision, applied
when figures are shown or ranked).

Scoring many units reuses one `ScoringPlan`: the tree flattened once into lists (codes, maxima,
child indices, leaves with their built rules), so the per-unit loop only touches lists of Decimals;
`aggregate_units` does the same for published tables. `chiso.engine.columns` computes the same
figures for a whole peer set on integer columns, for answers wanted as columns (ranks, indices).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from chiso.engine.frameworks import MEAN, WEIGHTED, Framework, FrameworkError
from chiso.engine.i18n import gettext
from chiso.engine.numbers import HUNDRED, ZERO, NumberError, parse_decimal
from chiso.engine.rules import RULE_TYPES, Manual, RuleContext, RuleType, ScoringInputError
from chiso.engine.validation import errors, validate_framework

K = TypeVar("K", bound=Hashable)

PUBLISHED = "published"
COMPUTED = "computed"
MISSING = "missing"
SCORED = "scored"


@dataclass(frozen=True, slots=True)
class NodeScore:
    """One node's figure for one unit. `percent` = points / max × 100, unrounded; None when the
    points are missing or the maximum is unknown (or 0)."""

    code: str
    points: Decimal | None
    max_points: Decimal | None
    percent: Decimal | None
    status: str  # published | computed | missing | scored


def _percent(points: Decimal | None, maximum: Decimal | None) -> Decimal | None:
    if points is None or not maximum:
        return None
    return points * HUNDRED / maximum


class _Tree:
    """The framework's tree as parallel lists, in pre-order (every parent before its children)."""

    def __init__(self, framework: Framework) -> None:
        nodes = list(framework.nodes())
        self.codes: list[str] = [node.code for node in nodes]
        self.index: dict[str, int] = {}
        for i, code in enumerate(self.codes):
            self.index.setdefault(code, i)
        self.maxima: list[Decimal | None] = [node.max_points for node in nodes]
        position = {id(node): i for i, node in enumerate(nodes)}
        self.children: list[tuple[int, ...]] = [
            tuple(position[id(c)] for c in node.children) for node in nodes
        ]
        # Parents in reverse pre-order: every child is final before its parent is computed.
        self.parents_bottom_up: list[int] = [i for i in range(len(nodes) - 1, -1, -1) if self.children[i]]
        self.leaves: list[int] = [i for i in range(len(nodes)) if not self.children[i]]
        self.mean = framework.aggregation == MEAN
        self.weighted = framework.aggregation == WEIGHTED
        self.weights: list[Decimal | None] = [node.weight for node in nodes]
        # With `weighted`, a parent follows from its children only when every child has a weight.
        self.derivable_parents: frozenset[int] = frozenset(
            i
            for i in self.parents_bottom_up
            if not self.weighted or all(self.weights[c] is not None for c in self.children[i])
        )
        self.derivable = bool(self.derivable_parents)

    def roll_up(self, points: list[Decimal | None], computed: list[bool] | None = None) -> None:
        """Fill every parent that has no figure yet from its children (in place)."""
        if not self.derivable:
            return
        children = self.children
        mean = self.mean
        weights = self.weights if self.weighted else None
        for i in self.parents_bottom_up:
            if points[i] is not None or i not in self.derivable_parents:
                continue
            kids = children[i]
            try:
                if weights is not None:
                    total = sum([weights[c] * points[c] for c in kids], ZERO)  # type: ignore[operator]
                else:
                    total = sum([points[c] for c in kids], ZERO)  # type: ignore[type-var]
            except TypeError:  # a child is missing (None), so is the parent
                continue
            points[i] = total / len(kids) if mean else total
            if computed is not None:
                computed[i] = True


def aggregate(framework: Framework, values: Mapping[str, Decimal | None]) -> dict[str, NodeScore]:
    """Published figures up the tree.

    Any node may carry a published value (status "published"). A parent without one is the sum
    (or mean) of its children when every child has a value ("computed"), otherwise None
    ("missing"). Codes not in the framework raise ScoringInputError.
    """
    tree = _Tree(framework)
    points = _published(tree, values)
    published = [p is not None for p in points]
    tree.roll_up(points)
    result: dict[str, NodeScore] = {}
    for i, code in enumerate(tree.codes):
        value = points[i]
        status = PUBLISHED if published[i] else (MISSING if value is None else COMPUTED)
        result[code] = NodeScore(code, value, tree.maxima[i], _percent(value, tree.maxima[i]), status)
    return result


def _published(tree: _Tree, values: Mapping[str, Any]) -> list[Decimal | None]:
    """The published figures in tree order (None where there is none), read as numbers."""
    unknown = [code for code in values if code not in tree.index]
    if unknown:
        raise ScoringInputError(", ".join(unknown), "code", gettext("mã không có trong khung tiêu chí"))
    points: list[Decimal | None] = [None] * len(tree.codes)
    for code, value in values.items():
        if value is None:
            continue
        try:
            points[tree.index[code]] = parse_decimal(value)
        except NumberError:
            raise ScoringInputError(
                code, "value", gettext("{value} không phải số").format(value=repr(value))
            ) from None
    return points


def aggregate_points(tree: _Tree, values: Mapping[str, Any]) -> list[Decimal | None]:
    """`aggregate`'s points only, in tree order, for a tree already built."""
    points = _published(tree, values)
    tree.roll_up(points)
    return points


def aggregate_units(
    framework: Framework, values_by_unit: Mapping[K, Mapping[str, Any]]
) -> dict[K, dict[str, Decimal | None]]:
    """`aggregate` for many units: unit → node code → points (None: missing), in tree order.

    Equal to `{unit: {code: s.points for code, s in aggregate(framework, values).items()}}`, with
    the tree flattened once instead of once per unit (3,321 communes × 130 nodes: 0.2 s instead
    of 1.4 s). A Decimal per node and unit is what the caller asks for, so this stays in Decimal:
    reading the same Decimals into integer columns and back costs more than the sums
    (`chiso.engine.columns.aggregate_table` is the column-wise form, for ranks and indices).
    """
    tree = _Tree(framework)
    codes = tree.codes
    return {
        unit: dict(zip(codes, aggregate_points(tree, values), strict=True))
        for unit, values in values_by_unit.items()
    }


# -- scoring from inputs ----------------------------------------------------------------------------


class ScoringPlan:
    """A framework made ready to score units: validated once, rules built once.

    Raises FrameworkError when the framework has errors. A leaf without a rule is scored as
    `manual` (its points entered directly).
    """

    def __init__(self, framework: Framework) -> None:
        problems = errors(validate_framework(framework))
        if problems:
            listed = "; ".join(f"{p.code}: {p.message}" for p in problems[:10])
            raise FrameworkError(
                gettext("Khung tiêu chí {code} có lỗi, không chấm điểm được: {problems}").format(
                    code=framework.code, problems=listed
                )
            )
        self.framework = framework
        self.tree = tree = _Tree(framework)
        nodes = list(framework.nodes())
        self.leaf_rules: list[tuple[int, str, RuleType, Decimal | None]] = []
        for i in tree.leaves:
            node = nodes[i]
            rule = RULE_TYPES[node.rule.type](node.rule.params) if node.rule is not None else Manual()
            self.leaf_rules.append((i, node.code, rule, node.max_points))
        self.adjustments: list[tuple[str, RuleType, Decimal]] = []
        for adjustment in framework.adjustments:
            rule_name = adjustment.rule.type if adjustment.rule is not None else adjustment.kind
            params = adjustment.rule.params if adjustment.rule is not None else {}
            self.adjustments.append((adjustment.code, RULE_TYPES[rule_name](params), adjustment.max_points))
        self.input_codes = frozenset(code for _, code, _, _ in self.leaf_rules) | {
            code for code, _, _ in self.adjustments
        }
        self.peer_leaves = [
            (code, rule.peer_field) for _, code, rule, _ in self.leaf_rules if rule.peer_field
        ]
        self._contexts = {code: RuleContext(code=code) for _, code, _, _ in self.leaf_rules}
        self._adjustment_contexts = {code: RuleContext(code=code) for code, _, _ in self.adjustments}
        self._steps_cache: tuple[Mapping[str, RuleContext], list] | None = None

    def peer_values(
        self, inputs_by_unit: Mapping[Hashable, Mapping[str, Mapping[str, Any]]]
    ) -> dict[str, list[Decimal]]:
        """Per peer-compared leaf, every unit's value of the compared field (units without it skipped)."""
        gathered: dict[str, list[Decimal]] = {code: [] for code, _ in self.peer_leaves}
        for unit_inputs in inputs_by_unit.values():
            for code, field_name in self.peer_leaves:
                leaf_inputs = unit_inputs.get(code)
                if leaf_inputs is None or leaf_inputs.get(field_name) in (None, ""):
                    continue
                value = leaf_inputs[field_name]
                try:
                    gathered[code].append(value if isinstance(value, Decimal) else parse_decimal(value))
                except NumberError:
                    raise ScoringInputError(
                        code, field_name, gettext("{value} không phải số").format(value=repr(value))
                    ) from None
        return gathered

    def contexts_for(self, peer_values: Mapping[str, Iterable[Decimal]] | None) -> dict[str, RuleContext]:
        if not self.peer_leaves:
            return self._contexts
        contexts = dict(self._contexts)
        for code, _ in self.peer_leaves:
            values = list((peer_values or {}).get(code) or ())
            best = {code: max(values)} if values else {}
            contexts[code] = RuleContext(code=code, peer_values={code: values}, peer_best=best)
        return contexts

    def _steps(
        self, contexts: Mapping[str, RuleContext]
    ) -> list[tuple[int, str, Any, Decimal | None, RuleContext]]:
        """The leaf loop's work list, with bound score methods and contexts (cached per contexts)."""
        cached = self._steps_cache
        if cached is not None and cached[0] is contexts:
            return cached[1]
        steps = [(i, code, rule.score, maximum, contexts[code]) for i, code, rule, maximum in self.leaf_rules]
        self._steps_cache = (contexts, steps)
        return steps

    def score_all(
        self, inputs_by_unit: Mapping[Hashable, Mapping[str, Mapping[str, Any]]]
    ) -> dict[Hashable, UnitScore]:
        """Every unit by the Decimal path, one at a time (`score_units` chooses the path)."""
        contexts = self.contexts_for(self.peer_values(inputs_by_unit)) if self.peer_leaves else None
        score = self.score
        return {unit: score(unit, unit_inputs, contexts) for unit, unit_inputs in inputs_by_unit.items()}

    def score(
        self,
        unit: Hashable,
        inputs: Mapping[str, Mapping[str, Any]],
        contexts: Mapping[str, RuleContext] | None = None,
    ) -> UnitScore:
        """Score one unit. `contexts` (from `contexts_for`) carries the peer values."""
        if contexts is None:
            contexts = self._contexts
        extra = inputs.keys() - self.input_codes
        if extra:
            codes = ", ".join(sorted(map(str, extra)))
            raise ScoringInputError(
                codes,
                "code",
                gettext("không phải tiêu chí lá hay điểm thưởng/trừ của khung"),
            )
        tree = self.tree
        points: list[Decimal | None] = [None] * len(tree.codes)
        missing: list[str] = []
        get = inputs.get
        for i, code, score, maximum, context in self._steps(contexts):
            leaf_inputs = get(code)
            if leaf_inputs is None:
                missing.append(code)
                continue
            points[i] = score(leaf_inputs, maximum, context)
        tree.roll_up(points)
        adjustments: dict[str, Decimal] = {}
        for code, rule, maximum in self.adjustments:
            adjustment_inputs = inputs.get(code)
            if adjustment_inputs is not None:
                adjustments[code] = rule.score(adjustment_inputs, maximum, self._adjustment_contexts[code])
        total = points[0]
        adjusted = None
        if total is not None:
            adjusted = total + sum(adjustments.values(), ZERO) if adjustments else total
            framework = self.framework
            if framework.adjusted_floor is not None and adjusted < framework.adjusted_floor:
                adjusted = framework.adjusted_floor
            if framework.adjusted_cap is not None and adjusted > framework.adjusted_cap:
                adjusted = framework.adjusted_cap
        return UnitScore(unit, tree, points, tuple(missing), adjustments, adjusted)


class UnitSource(Protocol):
    """Where a `UnitScore` scored column-wise takes its figures from, when first asked."""

    def points(self) -> list[Decimal | None]: ...
    def total(self) -> Decimal | None: ...
    def missing(self) -> tuple[str, ...]: ...
    def adjustments(self) -> dict[str, Decimal]: ...
    def adjusted_total(self) -> Decimal | None: ...


class UnitScore:
    """One unit's result: `total` (the root's points, before adjustments), `adjustments`
    (code → signed points), `adjusted_total` (after floor and cap), `missing` (leaf codes
    without input) and every node's figure through `node(code)` or `nodes`.

    A unit scored column-wise (`UnitScore.of_source`) builds its Decimals on first use."""

    __slots__ = (
        "_adjusted_total",
        "_adjustments",
        "_missing",
        "_nodes",
        "_points",
        "_source",
        "_tree",
        "unit",
    )

    def __init__(
        self,
        unit: Hashable,
        tree: _Tree,
        points: list[Decimal | None],
        missing: tuple[str, ...],
        adjustments: dict[str, Decimal],
        adjusted_total: Decimal | None,
    ) -> None:
        self.unit = unit
        self._tree = tree
        self._points: list[Decimal | None] | None = points
        self._missing: tuple[str, ...] | None = missing
        self._adjustments: dict[str, Decimal] | None = adjustments
        self._adjusted_total = adjusted_total
        self._source: UnitSource | None = None
        self._nodes: dict[str, NodeScore] | None = None

    @classmethod
    def of_source(cls, unit: Hashable, tree: _Tree, source: UnitSource) -> UnitScore:
        """A unit whose figures come from `source` when they are first asked for."""
        score = cls.__new__(cls)
        score.unit = unit
        score._tree = tree
        score._points = score._missing = score._adjustments = score._nodes = None
        score._adjusted_total = None
        score._source = source
        return score

    @property
    def _values(self) -> list[Decimal | None]:
        if self._points is None:
            assert self._source is not None
            self._points = self._source.points()
        return self._points

    @property
    def missing(self) -> tuple[str, ...]:
        if self._missing is None:
            assert self._source is not None
            self._missing = self._source.missing()
        return self._missing

    @property
    def adjustments(self) -> dict[str, Decimal]:
        if self._adjustments is None:
            assert self._source is not None
            self._adjustments = self._source.adjustments()
            self._adjusted_total = self._source.adjusted_total()
        return self._adjustments

    @property
    def adjusted_total(self) -> Decimal | None:
        if self._adjustments is None:
            self.adjustments  # noqa: B018 — loads both
        return self._adjusted_total

    @property
    def total(self) -> Decimal | None:
        if self._points is None and self._source is not None:
            return self._source.total()
        return self._values[0]

    @property
    def max_points(self) -> Decimal | None:
        return self._tree.maxima[0]

    @property
    def percent(self) -> Decimal | None:
        """The index value: total (before adjustments) as a percentage of the maximum."""
        return _percent(self.total, self._tree.maxima[0])

    @property
    def adjusted_percent(self) -> Decimal | None:
        return _percent(self.adjusted_total, self._tree.maxima[0])

    def points(self, code: str) -> Decimal | None:
        return self._values[self._tree.index[code]]

    def node(self, code: str) -> NodeScore:
        tree = self._tree
        i = tree.index[code]
        value = self._values[i]
        status = MISSING if value is None else COMPUTED if tree.children[i] else SCORED
        return NodeScore(code, value, tree.maxima[i], _percent(value, tree.maxima[i]), status)

    @property
    def codes(self) -> list[str]:
        """The framework's node codes in tree order (the order of `percents()`)."""
        return self._tree.codes

    def percents(self) -> list[Decimal | None]:
        """Every node's points as a percentage of its maximum (the component indices), in the order
        of `codes`; None where the points are missing or the maximum is unknown. Cheaper than `nodes`
        when only the indices are needed for thousands of units."""
        hundred = HUNDRED
        return [
            None if value is None or not maximum else value * hundred / maximum
            for value, maximum in zip(self._values, self._tree.maxima, strict=True)
        ]

    @property
    def nodes(self) -> dict[str, NodeScore]:
        """Every node's figure, in tree order (built on first use, in one pass)."""
        if self._nodes is None:
            tree = self._tree
            built: dict[str, NodeScore] = {}
            for code, value, maximum, kids in zip(
                tree.codes, self._values, tree.maxima, tree.children, strict=True
            ):
                status = MISSING if value is None else COMPUTED if kids else SCORED
                built[code] = NodeScore(code, value, maximum, _percent(value, maximum), status)
            self._nodes = built
        return self._nodes

    def __repr__(self) -> str:
        return f"UnitScore({self.unit!r}, total={self.total}, adjusted_total={self.adjusted_total})"


def prepare(framework: Framework) -> ScoringPlan:
    """Validate and compile a framework once, to score many units (or many batches) with it."""
    return ScoringPlan(framework)


def score_unit(
    framework: Framework | ScoringPlan,
    inputs: Mapping[str, Mapping[str, Any]],
    *,
    unit: Hashable = None,
    peer_values: Mapping[str, Iterable[Decimal]] | None = None,
) -> UnitScore:
    """Score one unit from its inputs (leaf code → {field: value}; adjustment code → {points}).

    `peer_values` (leaf code → every unit's value) is needed only by `normalised_to_best` leaves;
    to score a whole peer set use `score_units`, which gathers them.
    """
    plan = framework if isinstance(framework, ScoringPlan) else ScoringPlan(framework)
    return plan.score(unit, inputs, plan.contexts_for(peer_values))


def score_units(
    framework: Framework | ScoringPlan,
    inputs_by_unit: Mapping[Hashable, Mapping[str, Mapping[str, Any]]],
) -> dict[Hashable, UnitScore]:
    """Score every unit; leaves compared with the best unit use the values of all units given."""
    plan = framework if isinstance(framework, ScoringPlan) else ScoringPlan(framework)
    return plan.score_all(inputs_by_unit)
