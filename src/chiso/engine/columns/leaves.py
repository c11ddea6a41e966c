"""Leaf rules applied to whole columns of inputs, on integers.

The common rule types are computed here (`manual`, `choice`, `checklist`, `proportional`,
`step_table`, `survey_share`); any other rule — `normalised_to_best`, a rule registered later —
and any cell whose inputs the integers cannot hold exactly (a value with more than 18 decimals, a
checklist given as a mapping) is left to the rule itself (`by_rule`), which the caller scores in
Decimal, one cell at a time. An input the Decimal path would refuse raises `Refused`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from chiso.engine.columns.fixed import (
    DIGITS,
    LIMIT,
    POWERS,
    Numbers,
    Unrepresentable,
    decimals_of,
    exact_units,
)
from chiso.engine.rules import Checklist, Choice, Manual, Proportional, StepTable, SurveyShare

if TYPE_CHECKING:
    from chiso.engine.columns.sources import Source
    from chiso.engine.rules import RuleType

# The input fields each rule type computed here reads as numbers.
NUMERIC_FIELDS: dict[type, tuple[str, ...]] = {
    Manual: ("points",),
    Proportional: ("numerator", "denominator"),
    StepTable: ("value",),
    SurveyShare: ("index_percent",),
}


class Refused(Exception):
    """An input the Decimal path refuses: the batch is scored by it, to raise its error."""


class LeafColumn:
    """One leaf's points for every unit: integers at the table's scale, their error bounds, and the
    cells left to the rule itself (`by_rule`)."""

    def __init__(self, count: int) -> None:
        self.values = np.zeros(count, dtype=np.int64)
        self.error = np.zeros(count, dtype=np.int64)
        self.by_rule = np.zeros(count, dtype=bool)


def _common(numbers: Numbers, present: np.ndarray, constants: Sequence[Decimal]) -> tuple[np.ndarray, int]:
    """The column's values as exact integers at the fewest decimals that hold them and the constants
    they are compared with; cut cells hold their truncated value (the caller leaves them to the rule)."""
    scale = max([numbers.scale, *(decimals_of(c) for c in constants)])
    if scale > DIGITS:
        raise Unrepresentable
    values, _ = numbers.at(scale)
    return np.where(present, values, 0), scale


def bring(values: np.ndarray, scale: int, target: int) -> tuple[np.ndarray, np.ndarray]:
    """Integers at `scale` brought to `target` decimals: the values (floored) and whether exact."""
    if abs(target - scale) > DIGITS:
        raise Unrepresentable
    if target >= scale:
        factor = int(POWERS[target - scale])
        if values.size and int(np.abs(values).max()) > LIMIT // factor:
            raise Unrepresentable
        return values * factor, np.ones(values.shape, dtype=bool)
    quotient, remainder = np.divmod(values, int(POWERS[scale - target]))
    return quotient, remainder == 0


def divide(top: np.ndarray, bottom: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """top / bottom (both ≥ 0, bottom > 0) at `scale` decimals, floored, by long division in chunks of
    digits small enough for the integers; and whether exact."""
    chunk = DIGITS if not bottom.size else int(np.floor(np.log10(LIMIT / float(bottom.max()))))
    if chunk < 1:
        raise Unrepresentable
    result, remainder = np.divmod(top, bottom)
    if float(result.max(initial=0)) * 10.0**scale >= LIMIT:
        raise Unrepresentable
    done = 0
    while done < scale:
        step = min(chunk, scale - done)
        digits, remainder = np.divmod(remainder * int(POWERS[step]), bottom)
        result = result * int(POWERS[step]) + digits
        done += step
    return result, remainder == 0


def _manual(
    column: LeafColumn, fields: dict[str, Numbers], present: np.ndarray, maximum: Decimal | None, scale: int
) -> None:
    numbers = fields["points"]
    points, at = _common(numbers, present, [maximum] if maximum is not None else [])
    if (points[present] < 0).any():
        raise Refused
    if maximum is not None and (points[present & ~numbers.cut] > exact_units(maximum, at)).any():
        raise Refused
    column.values, exact = bring(points, at, scale)
    column.error = np.where(exact, 0, 1)


def share_of_maximum(
    numerator: tuple[np.ndarray, int],
    denominator: tuple[np.ndarray, int],
    maximum: tuple[Any, int],
    full: Any,
    skip: np.ndarray,
    scale: int,
) -> tuple[np.ndarray, np.ndarray]:
    """numerator / denominator × maximum at `scale`, capped at `full` when the share exceeds 1, with the
    error flag (0 exact, 2 rounded) — each figure given as (integers, decimals). The maximum is one
    integer or a column of one per leaf; cells in `skip` (no denominator) are left to the caller."""
    n, n_at = numerator
    d, d_at = denominator
    m, m_at = maximum
    # n/10**n_at × m/10**m_at / (d/10**d_at) = top / bottom, in integers
    shift = d_at - n_at - m_at
    if float(np.abs(n).max(initial=0)) * float(np.max(m)) * 10.0 ** max(shift, 0) >= LIMIT:
        raise Unrepresentable
    if float(np.abs(d).max(initial=0)) * 10.0 ** max(-shift, 0) >= LIMIT:
        raise Unrepresentable
    top = n * (m * int(POWERS[max(shift, 0)]))
    bottom = np.where(skip, 1, d * int(POWERS[max(-shift, 0)]))
    quotient, exact = divide(top, bottom, scale)
    same = max(n_at, d_at)
    over, _ = bring(n, n_at, same)
    under, _ = bring(d, d_at, same)
    above = over > under  # the share exceeds 1: the maximum
    return np.where(above, full, quotient), np.where(above | exact, 0, 2)


def _proportional(
    rule: Proportional,
    column: LeafColumn,
    fields: dict[str, Numbers],
    present: np.ndarray,
    maximum: Decimal,
    scale: int,
) -> None:
    numerator, n_at = _common(fields["numerator"], present, [])
    denominator, d_at = _common(fields["denominator"], present, [])
    if (numerator[present] < 0).any() or (denominator[present] < 0).any():
        raise Refused
    full = exact_units(maximum, scale)
    zero = present & (denominator == 0)
    if zero.any() and rule.when_no_occurrence not in ("full", "zero"):
        raise Refused
    m_at = decimals_of(maximum)
    values, error = share_of_maximum(
        (numerator, n_at),
        (denominator, d_at),
        (exact_units(maximum, m_at), m_at),
        full,
        zero | ~present,
        scale,
    )
    if zero.any():
        values = np.where(zero, full if rule.when_no_occurrence == "full" else 0, values)
        error = np.where(zero, 0, error)
    column.values, column.error = values, error


def _step_table(
    rule: StepTable, column: LeafColumn, fields: dict[str, Numbers], present: np.ndarray, scale: int
) -> None:
    constants = [threshold for threshold, _, _ in rule.steps]
    value, at = _common(fields["value"], present, constants)
    result = np.full(len(value), exact_units(rule.below, scale), dtype=np.int64)
    decided = np.zeros(len(value), dtype=bool)
    for threshold, strict, points in rule.steps:  # highest first
        limit = exact_units(threshold, at)
        reached = (value > limit) | ((value == limit) if not strict else False)
        result = np.where(reached & ~decided, exact_units(points, scale), result)
        decided |= reached
    column.values = result


def _survey_share(
    column: LeafColumn, fields: dict[str, Numbers], present: np.ndarray, maximum: Decimal, scale: int
) -> None:
    percent, at = _common(fields["index_percent"], present, [])
    if (percent[present] < 0).any() or (percent[present] > 100 * int(POWERS[at])).any():
        raise Refused
    m_at = decimals_of(maximum)
    m = exact_units(maximum, m_at)
    if float(np.abs(percent).max(initial=0)) * m >= LIMIT / 4:
        raise Unrepresentable
    column.values, exact = bring(percent * m, at + m_at + 2, scale)  # percent × maximum / 100
    column.error = np.where(exact, 0, 2)


def _choice(
    rule: Choice, column: LeafColumn, source: Source, code: str, present: np.ndarray, scale: int
) -> None:
    options = {option: exact_units(points, scale) for option, points in rule.points.items()}
    choices = source.choices(code)
    if isinstance(choices, pl.Series):
        points = choices.replace_strict(
            list(options), list(options.values()), default=None, return_dtype=pl.Int64
        )
        if (present & points.is_null().to_numpy()).any():
            raise Refused  # no choice, or one that is not an option
        column.values = np.where(present, points.fill_null(0).to_numpy(), 0)
        return
    values = []
    for choice, given in zip(choices, present.tolist(), strict=True):
        if not given:
            values.append(0)
            continue
        if choice is None or choice == "":
            raise Refused
        key = choice if type(choice) is str else str(choice)
        if key not in options:
            raise Refused
        values.append(options[key])
    column.values = np.array(values, dtype=np.int64)


def _checklist(
    rule: Checklist,
    column: LeafColumn,
    source: Source,
    code: str,
    present: np.ndarray,
    maximum: Decimal,
    scale: int,
) -> None:
    index = {item: k for k, item in enumerate(rule.items)}
    item_points = np.array([exact_units(p, scale) for p in rule.items.values()], dtype=np.int64)
    done = source.done(code)
    if isinstance(done, Ticks):
        if (present & done.refused).any():
            raise Refused  # no list, or an item the rule does not know
        cells = np.flatnonzero(present)
        ticked = done.ticked[cells]
    else:
        listed = (list, tuple, set, frozenset)
        dones: list[Any] = []
        chosen: list[int] = []
        for j, (items, given) in enumerate(zip(done, present.tolist(), strict=True)):
            if not given:
                continue
            if items is None:
                raise Refused
            if type(items) in listed:
                dones.append(items)
                chosen.append(j)
            else:  # a mapping of item → done, or something the rule refuses: the rule decides
                column.by_rule[j] = True
        lengths = [len(items) for items in dones]
        try:
            found = [index[item] for item in chain.from_iterable(dones)]
        except (KeyError, TypeError):
            raise Refused from None  # an unknown item (or one named by a number: the rule reads it)
        ticked = np.zeros((len(dones), len(item_points)), dtype=bool)
        ticked[np.repeat(np.arange(len(dones)), lengths), found] = True
        cells = np.array(chosen, dtype=np.int64)
    total = ticked.astype(np.int64) @ item_points
    if rule.cap is not None:
        total = np.minimum(total, exact_units(rule.cap, scale))
    total = np.clip(total, 0, exact_units(maximum, scale))
    column.values[cells] = total


def leaf_column(
    rule: RuleType,
    maximum: Decimal | None,
    source: Source,
    code: str,
    present: np.ndarray,
    fields: dict[str, Numbers],
    scale: int,
) -> LeafColumn:
    column = LeafColumn(len(present))
    try:
        _by_type(rule, maximum, source, code, present, fields, scale, column)
    except Unrepresentable:  # figures too large for these integers: the rule decides every cell
        column = LeafColumn(len(present))
        column.by_rule[:] = present
        return column
    for numbers in fields.values():  # digits beyond what the integers hold: the rule decides
        column.by_rule |= numbers.cut & present
    return column


def _by_type(
    rule: RuleType,
    maximum: Decimal | None,
    source: Source,
    code: str,
    present: np.ndarray,
    fields: dict[str, Numbers],
    scale: int,
    column: LeafColumn,
) -> None:
    kind = type(rule)
    if kind is Manual:
        _manual(column, fields, present, maximum, scale)
    elif kind is Proportional:
        assert maximum is not None  # validated: the rule needs the maximum
        _proportional(rule, column, fields, present, maximum, scale)  # type: ignore[arg-type]
    elif kind is StepTable:
        _step_table(rule, column, fields, present, scale)  # type: ignore[arg-type]
    elif kind is SurveyShare:
        assert maximum is not None
        _survey_share(column, fields, present, maximum, scale)
    elif kind is Choice:
        _choice(rule, column, source, code, present, scale)  # type: ignore[arg-type]
    elif kind is Checklist:
        assert maximum is not None
        _checklist(rule, column, source, code, present, maximum, scale)  # type: ignore[arg-type]
    else:
        column.by_rule[:] = present


class Ticks:
    """A checklist's items ticked, read column-wise: `ticked[unit, item]`, and the units whose list
    the rule refuses (no list, an unknown item, an item that is None)."""

    def __init__(self, ticked: np.ndarray, refused: np.ndarray) -> None:
        self.ticked = ticked
        self.refused = refused
