"""Where the column-wise scorer reads inputs from: the Decimal path's mappings (unit → leaf code →
{field: value}), or a polars frame with a struct column per leaf."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from chiso.engine.columns.fixed import DIGITS, Numbers, Unrepresentable, read_numbers
from chiso.engine.columns.leaves import NUMERIC_FIELDS, Refused, Ticks
from chiso.engine.rules import Checklist

if TYPE_CHECKING:
    from chiso.engine.scoring import ScoringPlan


class MappingInputs:
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


class FrameInputs:
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
        ticked = np.zeros((len(lists), len(known) + 1), dtype=bool)  # last column: unknown items
        ticked[rows, found] = True
        refused = lists.is_null().to_numpy()
        ticks = {}
        for n, (code, names) in enumerate(checklists):
            mine = ticked[n * count : (n + 1) * count]
            columns = [known.index(name) for name in names]
            others = [k for k in range(len(known) + 1) if k not in columns]
            wrong = refused[n * count : (n + 1) * count] | mine[:, others].any(axis=1)
            ticks[code] = Ticks(mine[:, columns], wrong)
        return ticks

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


Source = MappingInputs | FrameInputs
