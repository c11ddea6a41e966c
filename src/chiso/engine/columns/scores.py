"""Scoring units from their inputs column-wise: each leaf's rule applied to a whole column of
inputs, then the tree rolled up as in `table`.

The common rule types are computed on integers here (`manual`, `choice`, `checklist`,
`proportional`, `step_table`, `survey_share`); any other rule — `normalised_to_best`, a rule
registered later — and any cell whose inputs the integers cannot hold exactly (a value with more
than 18 digits, a checklist given as a mapping) is scored by the rule itself, in Decimal, one cell
at a time. When an input would be refused, the whole batch goes through the Decimal path, so that
the error is the one it raises, for the same unit and criterion.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
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
    read_numbers,
    to_decimals,
)
from chiso.engine.columns.table import UNKNOWN, Layout, PointTable, roll_up
from chiso.engine.numbers import ZERO
from chiso.engine.rules import Checklist, Choice, Manual, Proportional, StepTable, SurveyShare

if TYPE_CHECKING:
    from chiso.engine.rules import RuleContext, RuleType
    from chiso.engine.scoring import ScoringPlan, UnitScore

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


def _bring(values: np.ndarray, scale: int, target: int) -> tuple[np.ndarray, np.ndarray]:
    """Integers at `scale` brought to `target` decimals: the values (floored) and whether exact."""
    if abs(target - scale) > DIGITS:
        raise Unrepresentable
    if target >= scale:
        factor = int(POWERS[target - scale])
        if len(values) and int(np.abs(values).max()) > LIMIT // factor:
            raise Unrepresentable
        return values * factor, np.ones(len(values), dtype=bool)
    quotient, remainder = np.divmod(values, int(POWERS[scale - target]))
    return quotient, remainder == 0


def _divide(top: np.ndarray, bottom: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """top / bottom (both ≥ 0, bottom > 0) at `scale` decimals, floored, by long division in chunks of
    digits small enough for the integers; and whether exact."""
    chunk = DIGITS if not len(bottom) else int(np.floor(np.log10(LIMIT / float(bottom.max()))))
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
    column.values, exact = _bring(points, at, scale)
    column.error = np.where(exact, 0, 1)


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
    # numerator/10**n_at × m/10**m_at / (denominator/10**d_at) = top / bottom, in integers
    m_at = decimals_of(maximum)
    m = exact_units(maximum, m_at)
    shift = d_at - n_at - m_at
    if float(np.abs(numerator).max(initial=0)) * m * 10.0 ** max(shift, 0) >= LIMIT:
        raise Unrepresentable
    if float(np.abs(denominator).max(initial=0)) * 10.0 ** max(-shift, 0) >= LIMIT:
        raise Unrepresentable
    top = numerator * (m * int(POWERS[max(shift, 0)]))
    bottom = np.where(zero | ~present, 1, denominator * int(POWERS[max(-shift, 0)]))
    quotient, exact = _divide(top, bottom, scale)
    same = max(n_at, d_at)
    over, _ = _bring(numerator, n_at, same)
    under, _ = _bring(denominator, d_at, same)
    above = over > under  # the share exceeds 1: the maximum
    values = np.where(above, full, quotient)
    error = np.where(above | exact, 0, 2)
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
    column.values, exact = _bring(percent * m, at + m_at + 2, scale)  # percent × maximum / 100
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


def _leaf(
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


# -- where the inputs come from ---------------------------------------------------------------------


class _Inputs:
    """Inputs as the Decimal path takes them: unit → leaf code → {field: value}."""

    def __init__(self, plan: ScoringPlan, inputs_by_unit: Mapping[Hashable, Mapping[str, Mapping[str, Any]]]):
        self.plan = plan
        self.units = list(inputs_by_unit)
        self.unit_rows = [inputs_by_unit[unit] for unit in self.units]
        inputs = plan.input_codes
        if any(not row.keys() <= inputs for row in self.unit_rows):
            raise Refused  # a code that is not a leaf or an adjustment
        self._leaf_rows: dict[str, list[Any]] = {}

    def peer_inputs(self) -> Mapping[Hashable, Mapping[str, Mapping[str, Any]]]:
        return dict(zip(range(len(self.units)), self.unit_rows, strict=True))

    def leaf_rows(self, code: str) -> list[Any]:
        """Every unit's inputs of one leaf (None: none)."""
        if code not in self._leaf_rows:
            self._leaf_rows[code] = [row.get(code) for row in self.unit_rows]
        return self._leaf_rows[code]

    def present(self, code: str) -> np.ndarray:
        return np.fromiter(
            (leaf is not None for leaf in self.leaf_rows(code)), dtype=bool, count=len(self.units)
        )

    def numbers(self, wanted: list[tuple[str, str]]) -> list[tuple[Numbers, np.ndarray]]:
        """The numeric fields (leaf code, field) of every unit, read in one batch."""
        count = len(self.units)
        flat: list[object] = []
        for code, name in wanted:
            flat.extend([None if leaf is None else leaf.get(name) for leaf in self.leaf_rows(code)])
        read = read_numbers(flat)
        return [
            (read.numbers(n * count, (n + 1) * count), read.bad[n * count : (n + 1) * count])
            for n in range(len(wanted))
        ]

    def unit_inputs(self, j: int) -> Mapping[str, Mapping[str, Any]]:
        return self.unit_rows[j]

    def choices(self, code: str) -> list[Any] | pl.Series:
        return [None if leaf is None else leaf.get("choice") for leaf in self.leaf_rows(code)]

    def done(self, code: str) -> list[Any] | pl.Series:
        return [None if leaf is None else leaf.get("done") for leaf in self.leaf_rows(code)]


_SEPARATOR = "\x1f"  # between a leaf code and a field name in the unnested frame


class Ticks:
    """A checklist's items ticked, read column-wise: `ticked[unit, item]`, and the units whose list
    the rule refuses (no list, an unknown item, an item that is None)."""

    def __init__(self, ticked: np.ndarray, refused: np.ndarray) -> None:
        self.ticked = ticked
        self.refused = refused


class _Frame:
    """Inputs as columns: one row per unit, a column naming the unit, and a struct column per leaf
    (or adjustment) code holding its input fields; a null struct is a leaf without inputs.

    Numbers as integer or decimal fields, a checklist's `done` as a list of texts and a choice as
    text are read in one polars query; fields of any other type are read value by value."""

    def __init__(self, plan: ScoringPlan, frame: pl.DataFrame, unit: str):
        self.plan = plan
        self.frame = frame
        self.units = frame[unit].to_list()
        self.columns = [name for name in frame.columns if name != unit]
        if any(name not in plan.input_codes for name in self.columns):
            raise Refused  # the Decimal path names the code
        self.fields: dict[str, dict[str, Any]] = {}  # leaf code → field name → polars type
        schema = frame.schema
        for name in self.columns:
            dtype = schema[name]
            if not isinstance(dtype, pl.Struct):
                raise TypeError(f"column {name!r}: expected a struct of input fields, not {dtype}")
            self.fields[name] = {field.name: field.dtype for field in dtype.fields}
        self._rows: dict[str, list[Any]] = {}
        self._unit_rows: dict[int, dict[str, Any]] = {}
        self._read()

    def _read(self) -> None:
        """Everything the integers need from the frame, in a few whole-frame operations: the struct
        columns unnested, the integer and decimal fields as 64-bit units, the checklists' lists."""
        structs = self.columns
        self._present = (
            dict(zip(structs, self.frame.select(pl.col(structs).is_not_null()).to_numpy().T, strict=True))
            if structs
            else {}
        )
        flat = self.frame.select(structs).unnest(structs, separator=_SEPARATOR) if structs else pl.DataFrame()
        decimals: list[str] = []
        integers: list[str] = []
        checklists: list[tuple[str, list[str]]] = []
        self._scales: dict[tuple[str, str], int] = {}
        for _, code, rule, _ in self.plan.leaf_rules:
            fields = self.fields.get(code, {})
            for name in NUMERIC_FIELDS.get(type(rule), ()):
                dtype = fields.get(name)
                column = f"{code}{_SEPARATOR}{name}"
                if dtype is not None and dtype.is_integer():
                    integers.append(column)
                    self._scales[(code, name)] = 0
                elif isinstance(dtype, pl.Decimal) and (dtype.scale or 0) <= DIGITS:
                    decimals.append(column)
                    self._scales[(code, name)] = dtype.scale or 0
            if type(rule) is Checklist and fields.get("done") == pl.List(pl.String):
                checklists.append((code, list(rule.items)))
        self._flat = flat
        self._numeric: dict[str, int] = {}
        if decimals or integers:
            names = decimals + integers
            units = flat.select(
                pl.col(decimals).to_physical().cast(pl.Int64, strict=False),
                pl.col(integers).cast(pl.Int64, strict=False),
            )
            given = flat.select(pl.col(names).is_not_null()).to_numpy()
            if (units.select(pl.all().is_null()).to_numpy() & given).any():
                raise Unrepresentable  # a value beyond 64 bits
            self._units = units.fill_null(0).to_numpy()
            self._given = given
            self._numeric = {name: k for k, name in enumerate(names)}
        self._ticks = self._tick(checklists)

    def _tick(self, checklists: list[tuple[str, list[str]]]) -> dict[str, Ticks]:
        """Every checklist's ticks at once: the lists of all checklist leaves end to end, exploded,
        each item looked up among its leaf's items."""
        if not checklists:
            return {}
        count = len(self.units)
        lists = pl.concat([self._flat[f"{code}{_SEPARATOR}done"] for code, _ in checklists])
        lengths = lists.list.len().fill_null(0).to_numpy()
        known = sorted({item for _, names in checklists for item in names})
        items = lists.explode(empty_as_null=False, keep_nulls=False)
        # Item codes as positions among all known codes; an unknown item (or None) is null.
        found = (
            items.cast(pl.Enum(known), strict=False)
            .to_physical()
            .cast(pl.Int64)
            .fill_null(len(known))
            .to_numpy()
        )
        rows = np.repeat(np.arange(len(lists)), lengths)
        local = np.full((len(checklists), len(known) + 1), -1, dtype=np.int64)  # last column: unknown
        for n, (_, names) in enumerate(checklists):
            local[n, [known.index(name) for name in names]] = np.arange(len(names))
        position = local[rows // count, found]
        refused = lists.is_null().to_numpy()
        refused[rows[position < 0]] = True
        ticked = np.zeros((len(lists), max(len(names) for _, names in checklists)), dtype=bool)
        good = position >= 0
        ticked[rows[good], position[good]] = True
        return {
            code: Ticks(
                ticked[n * count : (n + 1) * count, : len(names)], refused[n * count : (n + 1) * count]
            )
            for n, (code, names) in enumerate(checklists)
        }

    def leaf_rows(self, code: str) -> list[Any]:
        if code not in self._rows:
            self._rows[code] = (
                self.frame[code].to_list() if code in self.columns else [None] * len(self.units)
            )
        return self._rows[code]

    def peer_inputs(self) -> Mapping[Hashable, Mapping[str, Mapping[str, Any]]]:
        codes = [code for code, _ in self.plan.peer_leaves]
        columns = {code: self.leaf_rows(code) for code in codes}
        return {
            j: {code: columns[code][j] for code in codes if columns[code][j] is not None}
            for j in range(len(self.units))
        }

    def present(self, code: str) -> np.ndarray:
        if code not in self.columns:
            return np.zeros(len(self.units), dtype=bool)
        return self._present[code]

    def numbers(self, wanted: list[tuple[str, str]]) -> list[tuple[Numbers, np.ndarray]]:
        count = len(self.units)
        nothing = np.zeros(count, dtype=bool)
        read = []
        for code, name in wanted:
            k = self._numeric.get(f"{code}{_SEPARATOR}{name}")
            if k is not None:
                given = self._given[:, k]
                read.append((Numbers(self._units[:, k], self._scales[(code, name)], given, nothing), nothing))
            elif code in self.columns and name in self.fields[code]:
                read.append(numbers_of_series(self.frame[code].struct.field(name)))
            else:
                read.append((Numbers(np.zeros(count, dtype=np.int64), 0, nothing, nothing), nothing))
        return read

    def unit_inputs(self, j: int) -> Mapping[str, Mapping[str, Any]]:
        if j not in self._unit_rows:
            row = self.frame.row(j, named=True)
            self._unit_rows[j] = {code: row[code] for code in self.columns if row[code] is not None}
        return self._unit_rows[j]

    def choices(self, code: str) -> list[Any] | pl.Series:
        if self.fields.get(code, {}).get("choice") == pl.String:
            return self.frame[code].struct.field("choice")
        return [None if leaf is None else leaf.get("choice") for leaf in self.leaf_rows(code)]

    def done(self, code: str) -> list[Any] | Ticks:
        if code in self._ticks:
            return self._ticks[code]
        return [None if leaf is None else leaf.get("done") for leaf in self.leaf_rows(code)]


def _units(field: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, int, pl.Expr | None]:
    """An integer or decimal field as Int64 units of 10**-scale (null where a value does not fit),
    the scale, and which values were cut (None: none can be)."""
    if dtype.is_integer():
        return field.cast(pl.Int64, strict=False), 0, None
    scale = dtype.scale or 0  # type: ignore[attr-defined]
    physical = field.to_physical()
    if scale <= DIGITS:
        return physical.cast(pl.Int64, strict=False), scale, None
    divisor = pl.lit(10 ** (scale - DIGITS), dtype=pl.Int128)
    return (physical // divisor).cast(pl.Int64, strict=False), DIGITS, (physical % divisor) != 0


def numbers_of_series(series: pl.Series) -> tuple[Numbers, np.ndarray]:
    """A polars column read exactly: integers and decimals directly, any other type value by value
    as the Decimal path reads it (text in either notation, floats by their shortest repr)."""
    dtype = series.dtype
    if not (dtype.is_integer() or isinstance(dtype, pl.Decimal)):
        read = read_numbers(series.to_list())
        return read.numbers(), read.bad
    units, scale, cut = _units(pl.col("v"), dtype)
    given = pl.col("v").is_not_null()
    parts = pl.DataFrame({"v": series}).select(
        given=given,
        units=units.fill_null(0),
        overflow=units.is_null() & given,
        cut=(cut.fill_null(False) if cut is not None else pl.lit(False)) & given,
    )
    if parts["overflow"].any():
        raise Unrepresentable
    nothing = np.zeros(len(series), dtype=bool)
    return Numbers(
        parts["units"].to_numpy(), scale, parts["given"].to_numpy(), parts["cut"].to_numpy()
    ), nothing


Source = _Inputs | _Frame


# -- scoring -----------------------------------------------------------------------------------------


def score_table(
    plan: ScoringPlan, inputs_by_unit: Mapping[Hashable, Mapping[str, Mapping[str, Any]]]
) -> ScoreTable:
    """`score_units` for every unit at once: the figures of `plan.score_all(inputs_by_unit)`,
    column-wise. Raises what the Decimal path raises."""
    try:
        source: Source = _Inputs(plan, inputs_by_unit)
    except Refused:
        plan.score_all(inputs_by_unit)  # raises, naming the code
        raise
    return _scored(plan, source)


def score_frame(plan: ScoringPlan, frame: pl.DataFrame, unit: str = "unit") -> ScoreTable:
    """Score units given as columns (see `_Frame`): the figures the Decimal path gives the same
    inputs as Python values (`frame.row(j, named=True)`)."""
    try:
        source: Source = _Frame(plan, frame, unit)
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
    for k, (i, code, rule, maximum) in enumerate(leaves):
        column = _leaf(rule, maximum, source, code, present[k], fields[k], scale)
        values[i], error[i] = column.values, column.error
        if column.by_rule.any():
            by_rule.append((k, np.flatnonzero(column.by_rule)))
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
