"""The leaves of one rule type computed together: their inputs stacked into arrays of leaves × units,
each rule parameter a column of values, one leaf per row.

The arithmetic is `leaves`' (which computes one leaf at a time, and is what a batch falls back to
when a figure does not fit); a batch only spares the per-leaf work of Python and numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from chiso.engine.columns.fixed import (
    DIGITS,
    LIMIT,
    POWERS,
    Numbers,
    Unrepresentable,
    decimals_of,
    exact_units,
)
from chiso.engine.columns.leaves import Refused, Ticks, bring, share_of_maximum
from chiso.engine.rules import Checklist, Manual, Proportional, StepTable, SurveyShare

if TYPE_CHECKING:
    from chiso.engine.columns.sources import Source
    from chiso.engine.rules import RuleType

# One leaf of a batch: its rule, its maximum, its code, which units have inputs, its numeric fields.
Leaf = tuple["RuleType", Decimal | None, str, np.ndarray, dict[str, Numbers]]
Batch = tuple[np.ndarray, np.ndarray, np.ndarray]  # values, error bounds, cells left to the rule

BATCHED = (Manual, Proportional, StepTable, SurveyShare, Checklist)


def batch(kind: type, leaves: list[Leaf], source: Source, scale: int) -> Batch:
    """Every leaf's points (rows in the order of `leaves`). Raises Refused for an input the Decimal
    path refuses, Unrepresentable when a figure does not fit (the caller then goes leaf by leaf)."""
    present = np.vstack([leaf[3] for leaf in leaves])
    if kind is Manual:
        return _manual(leaves, present, scale)
    if kind is Proportional:
        return _proportional(leaves, present, scale)
    if kind is StepTable:
        return _step_table(leaves, present, scale)
    if kind is SurveyShare:
        return _survey_share(leaves, present, scale)
    if kind is Checklist:
        return _checklist(leaves, present, source, scale)
    raise Unrepresentable


def _stack(
    columns: Sequence[Numbers], present: np.ndarray, constants: Sequence[Decimal]
) -> tuple[np.ndarray, int, np.ndarray]:
    """The columns as exact integers at one scale that holds them and the constants (leaves × units),
    and the cut cells (left to the rule)."""
    scale = max([*(column.scale for column in columns), *(decimals_of(c) for c in constants)])
    if scale > DIGITS:
        raise Unrepresentable
    matrix = np.vstack([column.at(scale)[0] for column in columns])
    cut = np.vstack([column.cut for column in columns]) & present
    return np.where(present, matrix, 0), scale, cut


def _per_leaf(values: Sequence[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)[:, None]


def _maxima(leaves: list[Leaf]) -> list[Decimal]:
    maxima = [leaf[1] for leaf in leaves]
    if any(m is None for m in maxima):
        raise Unrepresentable  # validated away for these rules; leaf by leaf if it ever happens
    return maxima  # type: ignore[return-value]


def _manual(leaves: list[Leaf], present: np.ndarray, scale: int) -> Batch:
    known = [leaf[1] for leaf in leaves if leaf[1] is not None]
    points, at, cut = _stack([leaf[4]["points"] for leaf in leaves], present, known)
    if (points[present] < 0).any():
        raise Refused
    ceiling = _per_leaf([LIMIT if leaf[1] is None else exact_units(leaf[1], at) for leaf in leaves])
    if ((points > ceiling) & present & ~cut).any():
        raise Refused
    values, exact = bring(points, at, scale)
    return values, np.where(exact, 0, 1), cut


def _proportional(leaves: list[Leaf], present: np.ndarray, scale: int) -> Batch:
    maxima = _maxima(leaves)
    numerator, n_at, n_cut = _stack([leaf[4]["numerator"] for leaf in leaves], present, [])
    denominator, d_at, d_cut = _stack([leaf[4]["denominator"] for leaf in leaves], present, [])
    if (numerator[present] < 0).any() or (denominator[present] < 0).any():
        raise Refused
    modes = [leaf[0].when_no_occurrence for leaf in leaves]  # type: ignore[attr-defined]
    zero = present & (denominator == 0)
    undecided = np.array([mode not in ("full", "zero") for mode in modes])[:, None]
    if (zero & undecided).any():
        raise Refused
    full = _per_leaf([exact_units(m, scale) for m in maxima])
    m_at = max(decimals_of(m) for m in maxima)
    m = _per_leaf([exact_units(maximum, m_at) for maximum in maxima])
    values, error = share_of_maximum(
        (numerator, n_at), (denominator, d_at), (m, m_at), full, zero | ~present, scale
    )
    if zero.any():
        when_zero = np.where(np.array([mode == "full" for mode in modes])[:, None], full, 0)
        values = np.where(zero, when_zero, values)
        error = np.where(zero, 0, error)
    return values, error, n_cut | d_cut


def _step_table(leaves: list[Leaf], present: np.ndarray, scale: int) -> Batch:
    rules: list[Any] = [leaf[0] for leaf in leaves]
    thresholds = [threshold for rule in rules for threshold, _, _ in rule.steps]
    value, at, cut = _stack([leaf[4]["value"] for leaf in leaves], present, thresholds)
    depth = max(len(rule.steps) for rule in rules)
    # Each leaf's steps, highest first, padded with steps never reached.
    limit = np.full((len(rules), depth), LIMIT, dtype=np.int64)
    strict = np.ones((len(rules), depth), dtype=bool)
    points = np.zeros((len(rules), depth), dtype=np.int64)
    for row, rule in enumerate(rules):
        for step, (threshold, is_strict, step_points) in enumerate(rule.steps):
            limit[row, step] = exact_units(threshold, at)
            strict[row, step] = is_strict
            points[row, step] = exact_units(step_points, scale)
    result = np.broadcast_to(_per_leaf([exact_units(rule.below, scale) for rule in rules]), value.shape)
    decided = np.zeros(value.shape, dtype=bool)
    for step in range(depth):
        bound = limit[:, step, None]
        reached = (value > bound) | (~strict[:, step, None] & (value == bound))
        result = np.where(reached & ~decided, points[:, step, None], result)
        decided |= reached
    return np.ascontiguousarray(result), np.zeros(value.shape, dtype=np.int64), cut


def _survey_share(leaves: list[Leaf], present: np.ndarray, scale: int) -> Batch:
    maxima = _maxima(leaves)
    percent, at, cut = _stack([leaf[4]["index_percent"] for leaf in leaves], present, [])
    if (percent[present] < 0).any() or (percent[present] > 100 * int(POWERS[at])).any():
        raise Refused
    m_at = max(decimals_of(m) for m in maxima)
    m = _per_leaf([exact_units(maximum, m_at) for maximum in maxima])
    if float(np.abs(percent).max(initial=0)) * float(m.max()) >= LIMIT / 4:
        raise Unrepresentable
    values, exact = bring(percent * m, at + m_at + 2, scale)  # percent × maximum / 100
    return values, np.where(exact, 0, 2), cut


def _checklist(leaves: list[Leaf], present: np.ndarray, source: Source, scale: int) -> Batch:
    maxima = _maxima(leaves)
    ticks = [source.done(leaf[2]) for leaf in leaves]
    if not all(isinstance(t, Ticks) for t in ticks):
        raise Unrepresentable  # lists as Python values: leaf by leaf
    rules: list[Any] = [leaf[0] for leaf in leaves]
    width = max(len(rule.items) for rule in rules)
    count = present.shape[1]
    ticked = np.zeros((len(rules), count, width), dtype=bool)
    item_points = np.zeros((len(rules), width), dtype=np.int64)
    refused = np.zeros(present.shape, dtype=bool)
    for row, (rule, tick) in enumerate(zip(rules, ticks, strict=True)):
        assert isinstance(tick, Ticks)
        ticked[row, :, : len(rule.items)] = tick.ticked
        item_points[row, : len(rule.items)] = [exact_units(p, scale) for p in rule.items.values()]
        refused[row] = tick.refused
    if (present & refused).any():
        raise Refused  # no list, or an item the rule does not know
    total = (ticked * item_points[:, None, :]).sum(axis=2)
    cap = _per_leaf([LIMIT if rule.cap is None else exact_units(rule.cap, scale) for rule in rules])
    total = np.clip(np.minimum(total, cap), 0, _per_leaf([exact_units(m, scale) for m in maxima]))
    return (
        np.where(present, total, 0),
        np.zeros(present.shape, dtype=np.int64),
        np.zeros(present.shape, dtype=bool),
    )
