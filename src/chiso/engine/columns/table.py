"""Every node's points for many units at once, as columns of integers, and what is read from them:
Decimals, values rounded at a precision, ranks with ties, component indices.

A `PointTable` holds, per node and unit, the points as an integer count of 10**-scale, whether
they are known, and an error bound (in the same units) against the Decimal path's figure: 0 where
the integer is that figure exactly. Any answer the integers cannot give for certain — a rounding
too close to its half-way point, a unit whose points are approximate and are asked for as Decimals —
is taken from the Decimal path for that unit (`reference`), so every answer equals the Decimal
path's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from chiso.engine.columns.fixed import (
    DIGITS,
    LIMIT,
    POWERS,
    Unrepresentable,
    decimals_of,
    exact_units,
    read_numbers,
    to_decimal,
    to_decimals,
)
from chiso.engine.columns.ranks import competition_ranks, league
from chiso.engine.frameworks import MEAN, WEIGHTED, Framework
from chiso.engine.numbers import HUNDRED, round_half_up
from chiso.engine.ranking import PEER_SET, Ranking

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

    from chiso.engine.scoring import _Tree

MIN_SCALE = 6  # with fewer decimals the integers could not decide much: the Decimal path is used
UNKNOWN = LIMIT  # the error bound of a figure the integers do not hold at all


def _tree(framework: Framework) -> _Tree:
    from chiso.engine.scoring import _Tree

    return _Tree(framework)


class Layout:
    """A framework's tree prepared for columns: parents bottom-up, weights as exact integers."""

    def __init__(self, framework: Framework, tree: _Tree | None = None) -> None:
        """Raises Unrepresentable when a weight has more decimals than the integers can carry."""
        self.framework = framework
        self.tree = tree if tree is not None else _tree(framework)
        self.codes: list[str] = self.tree.codes
        self.size = len(self.codes)
        self.mean = framework.aggregation == MEAN
        self.weighted = framework.aggregation == WEIGHTED
        self.maxima: list[Decimal | None] = self.tree.maxima
        self.weight_scale = 0
        self.weight_units: list[int] = [0] * self.size
        self.carries_weights = True
        try:
            self._weights()
        except Unrepresentable:
            self.carries_weights = False

    @classmethod
    def of_tree(cls, framework: Framework, tree: _Tree) -> Layout:
        return cls(framework, tree)

    def _weights(self) -> None:
        weights = [
            self.tree.weights[c]
            for i in self.tree.derivable_parents
            for c in self.tree.children[i]
            if self.weighted
        ]
        self.weight_scale = max((decimals_of(w) for w in weights if w is not None), default=0)
        if self.weight_scale > DIGITS:
            raise Unrepresentable
        self.weight_units = [
            exact_units(w, self.weight_scale) if self.weighted and w is not None else 0
            for w in self.tree.weights
        ]

    def bounds(self, bounds: Sequence[float]) -> list[float]:
        """Upper bounds of |points| per node: the given ones (a node's own data or published
        figure) and, for parents, what their children can add up to."""
        return self._propagate(bounds, [])

    def scale_for(self, bounds: Sequence[float], extra: Iterable[float] = ()) -> int:
        """The most decimals the integers can hold given an upper bound of |points| per node (own
        data or published figures), propagated up the tree, and any `extra` magnitude to hold."""
        if not self.carries_weights:
            raise Unrepresentable
        needs = [*extra, *(float(abs(m)) for m in self.maxima if m is not None)]
        needs.extend(self._propagate(bounds, needs))
        largest = max(needs, default=0.0)
        if not math.isfinite(largest):
            raise Unrepresentable
        scale = DIGITS if largest <= 0 else min(DIGITS, math.floor(math.log10(LIMIT / (4 * largest))))
        if scale < MIN_SCALE:
            raise Unrepresentable
        return scale

    def _propagate(self, bounds: Sequence[float], needs: list[float]) -> list[float]:
        tree = self.tree
        bound = list(bounds)
        for i in tree.parents_bottom_up:
            if i not in tree.derivable_parents:
                continue
            kids = tree.children[i]
            if self.weighted:
                products = sum(bound[c] * abs(self.weight_units[c]) for c in kids)
                needs.append(products)  # the products, before they are brought back to scale
                computed = products / 10**self.weight_scale
            elif self.mean:
                computed = max(bound[c] for c in kids)
                needs.append(sum(bound[c] for c in kids))
            else:
                computed = sum(bound[c] for c in kids)
            bound[i] = max(bound[i], computed)
        return bound


def roll_up(layout: Layout, values: np.ndarray, known: np.ndarray, error: np.ndarray) -> None:
    """Fill every derivable parent that is not known yet from its children, in place: the sum (or
    mean, or weighted sum) of the integers, with the error bounds carried up."""
    tree = layout.tree
    for i in tree.parents_bottom_up:  # every child is final before its parent
        if i not in tree.derivable_parents:
            continue
        todo = ~known[i]
        if not todo.any():
            continue
        kids = list(tree.children[i])
        kids_known = known[kids].all(axis=0)
        kids_error = error[kids]
        if layout.weighted:
            weights = np.array([layout.weight_units[c] for c in kids], dtype=np.int64)
            total = (values[kids] * weights[:, None]).sum(axis=0)
            carried = (kids_error * np.abs(weights)[:, None]).sum(axis=0)
            divisor = int(POWERS[layout.weight_scale])
        else:
            total = values[kids].sum(axis=0)
            carried = kids_error.sum(axis=0)
            divisor = len(kids) if layout.mean else 1
        if divisor == 1:
            result, bound = total, carried + (carried > 0)
        else:
            result, remainder = np.divmod(total, divisor)
            bound = -(-carried // divisor) + 2 * ((remainder != 0) | (carried > 0))
        fill = todo & kids_known
        values[i] = np.where(fill, result, values[i])
        error[i] = np.where(fill, np.minimum(bound, UNKNOWN), error[i])
        known[i] |= fill


class PointTable:
    """Every node's points for `units`, column-wise (rows: nodes in tree order, columns: units).

    `reference(j)` gives unit j's points on every node by the Decimal path; it is called only for
    the units whose figures the integers cannot give exactly, and remembered.
    """

    def __init__(
        self,
        layout: Layout,
        units: list[Hashable],
        scale: int,
        values: np.ndarray,
        known: np.ndarray,
        error: np.ndarray,
        reference: Callable[[int], list[Decimal | None]],
    ) -> None:
        self.layout = layout
        self.units = units
        self.codes = layout.codes
        self.scale = scale
        self.values = values
        self.known = known
        self.error = error
        self._reference = reference
        self._references: dict[int, list[Decimal | None]] = {}
        self._positions: dict[Hashable, int] | None = None

    @classmethod
    def of_decimals(
        cls, layout: Layout, units: list[Hashable], rows: Sequence[list[Decimal | None]]
    ) -> PointTable:
        """A table the integers cannot hold: every answer comes from these Decimal rows."""
        shape = (layout.size, len(units))
        known = np.array([[value is not None for value in row] for row in rows], dtype=bool).reshape(
            len(units), layout.size
        )
        return cls(
            layout,
            units,
            MIN_SCALE,
            np.zeros(shape, dtype=np.int64),
            known.T.copy(),
            np.full(shape, UNKNOWN, dtype=np.int64),
            lambda j: list(rows[j]),
        )

    # -- lookups ------------------------------------------------------------------------------------

    def position(self, unit: Hashable) -> int:
        if self._positions is None:
            self._positions = {unit: j for j, unit in enumerate(self.units)}
        return self._positions[unit]

    def node(self, code: str) -> int:
        return self.layout.tree.index[code]

    def reference(self, j: int) -> list[Decimal | None]:
        """Unit j's points on every node, by the Decimal path (remembered)."""
        if j not in self._references:
            self._references[j] = self._reference(j)
        return self._references[j]

    def exact_unit(self, j: int) -> bool:
        return not (self.error[:, j] > 0).any()

    # -- Decimals -----------------------------------------------------------------------------------

    def row(self, j: int) -> list[Decimal | None]:
        """Unit j's points on every node (tree order), as the Decimal path gives them."""
        if not self.exact_unit(j):
            return self.reference(j)
        return to_decimals(self.values[:, j], self.known[:, j], self.scale)

    def rows(self) -> list[list[Decimal | None]]:
        """Every unit's points on every node: `rows()[j]` is `row(j)`."""
        flat = to_decimals(self.values.T.ravel(), self.known.T.ravel(), self.scale)
        size = self.layout.size
        inexact = set(np.flatnonzero((self.error > 0).any(axis=0)).tolist())
        return [
            self.reference(j) if j in inexact else flat[j * size : (j + 1) * size]
            for j in range(len(self.units))
        ]

    def column(self, code: str, positions: Sequence[int] | None = None) -> list[Decimal | None]:
        """Every unit's points on one node (or those of the units at `positions`)."""
        i = self.node(code)
        chosen = np.arange(len(self.units)) if positions is None else np.asarray(positions, dtype=np.int64)
        decimals = to_decimals(self.values[i, chosen], self.known[i, chosen], self.scale)
        for k in np.flatnonzero(self.error[i, chosen] > 0).tolist():
            decimals[k] = self.reference(int(chosen[k]))[i]
        return decimals

    def point(self, i: int, j: int) -> Decimal | None:
        """Unit j's points on node i."""
        if not self.known[i, j]:
            return None
        if self.error[i, j] > 0:
            return self.reference(j)[i]
        return to_decimal(int(self.values[i, j]), self.scale)

    # -- rounding and ranking -----------------------------------------------------------------------

    def rounded(self, code: str, places: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every unit's points on one node rounded half-up to `places` decimals, as integer counts of
        10**-places; whether known; whether the unrounded value is negative (for the sign of -0)."""
        i = self.node(code)
        values, known, error = self.values[i], self.known[i], self.error[i]
        negative = values < 0
        if places >= self.scale:  # never with a usable scale (≥ 6 decimals); left to the Decimal path
            rounded = np.zeros(len(values), dtype=np.int64)
            uncertain = known.copy()
        else:
            unit = int(POWERS[self.scale - places])
            half = unit // 2
            magnitude = np.abs(values)
            quotient = (magnitude + half) // unit
            rounded = np.where(negative, -quotient, quotient)
            uncertain = known & (error > 0) & (np.abs(magnitude % unit - half) <= error)
        cells = np.flatnonzero(uncertain).tolist()
        decided = []
        for j in cells:
            value = self.reference(j)[i]
            assert value is not None  # known cells are known on both paths
            exact = round_half_up(value, places)
            decided.append(int(exact.scaleb(places)))
            negative[j] = exact.is_signed()
        if any(abs(whole) >= LIMIT for whole in decided):  # beyond 64 bits: Python integers
            rounded = rounded.astype(object)
        if cells:
            rounded[cells] = decided
        return rounded, known, negative

    def ranks(self, code: str, precision: int, *, higher_is_better: bool = True) -> np.ndarray:
        """Every unit's rank on one node (standard competition ranking at `precision`), 0 where it
        has no value: the ranks of `ranking` without building its entries."""
        rounded, known, _ = self.rounded(code, precision)
        ranks = np.zeros(len(self.units), dtype=np.int64)
        scored = np.flatnonzero(known)
        keys = rounded[scored] * (-1 if higher_is_better else 1)
        order = np.argsort(keys, kind="stable")
        ranks[scored[order]] = competition_ranks(keys[order])
        return ranks

    def ranking(
        self,
        code: str,
        precision: int,
        *,
        peer_set: Iterable[Hashable] | None = None,
        of_rule: str = PEER_SET,
        higher_is_better: bool = True,
        order_key: Callable[[Any], SupportsRichComparison] | None = None,
    ) -> Ranking[Any]:
        """The league table on one node: equal to `ranking.rank` of the node's Decimal points."""
        peers = list(self.units) if peer_set is None else list(peer_set)
        peer_lookup = set(peers)
        outsiders = [unit for unit in self.units if unit not in peer_lookup]
        if outsiders:
            raise ValueError(f"units with a value outside the peer set: {outsiders[:5]}")
        rounded, known, negative = self.rounded(code, precision)
        if self._positions is None:
            self._positions = {unit: j for j, unit in enumerate(self.units)}
        where = self._positions
        positions = np.array([where.get(unit, -1) for unit in peers], dtype=np.int64)
        inside = np.maximum(positions, 0)
        has_value = (positions >= 0) & known[inside]

        def values_of(chosen: list[int]) -> list[Decimal | None]:
            return self.column(code, positions[chosen].tolist())

        return league(
            peers,
            has_value,
            rounded[inside],
            negative[inside],
            values_of,
            precision,
            of_rule=of_rule,
            higher_is_better=higher_is_better,
            order_key=order_key,
        )

    # -- component indices --------------------------------------------------------------------------

    def percents(self, places: int) -> tuple[np.ndarray, np.ndarray]:
        """Every node's points as a percentage of its maximum, rounded half-up to `places` decimals,
        as integer counts of 10**-places (rows: nodes, columns: units), and whether known (False
        where the points are missing or the maximum is unknown or 0). Equal to rounding the
        Decimal path's `percent`. (int64, or Python integers when a percent is beyond 64 bits.)"""
        maxima = self.layout.maxima
        has_max = np.array([bool(m) for m in maxima], dtype=bool)
        known = self.known & has_max[:, None]
        scaled_max = np.array([float(m) * 10.0**self.scale if m else 1.0 for m in maxima])
        factor = (100.0 * 10.0**places / scaled_max)[:, None]
        # In floats, in place (the table can hold half a million figures): the quotient is within a
        # few parts in 10**16 of the exact one, and the integers' own error bound scales with the
        # factor. A rounding that close to its half-way point is decided exactly, cell by cell.
        exact = self.values.astype(np.float64)
        exact *= factor
        magnitude = np.abs(exact)
        whole = magnitude + 0.5
        np.floor(whole, out=whole)
        distance = magnitude - whole  # in [-0.5, 0.5): how far below the rounded value
        np.abs(distance, out=distance)
        slack = magnitude * 1e-14
        slack += 1e-9
        if self.error.any():
            slack += self.error * factor
        slack += distance
        uncertain = slack >= 0.5
        uncertain &= known
        huge = known & (magnitude >= LIMIT)  # a percent beyond 64 bits: Python integers hold it
        whole[~known | huge] = 0
        np.copysign(whole, exact, out=whole)
        rounded = whole.astype(np.int64)
        if huge.any():
            rounded = rounded.astype(object)
            uncertain |= huge
        rows, columns = np.nonzero(uncertain)
        if len(rows):
            rounded[rows, columns] = self._percents_at(rows, columns, places)
        return rounded, known

    def _percents_at(self, rows: np.ndarray, columns: np.ndarray, places: int) -> list[int]:
        """Percents rounded half-up at `places` (integer counts of 10**-places) for these cells,
        exactly as the Decimal path rounds them.

        For an exact figure, value × 100 / maximum is rounded in Python integers: the Decimal
        path's quotient (28 digits) is far closer to the exact one than the exact one can be to a
        half-way point without being on it (|value| × 10**(places + 2) < 10**27). An approximate
        figure takes the Decimal path's points."""
        maxima = self.layout.maxima
        bottoms: dict[int, int | None] = {}
        results = []
        values = self.values[rows, columns].tolist()
        errors = self.error[rows, columns].tolist()
        factor = 10 ** (places + 2)
        for i, j, value, error in zip(rows.tolist(), columns.tolist(), values, errors, strict=True):
            maximum = maxima[i]
            assert maximum is not None
            if i not in bottoms:
                bottoms[i] = exact_units(maximum, self.scale) if _fits(maximum, self.scale) else None
            bottom = bottoms[i]
            if error == 0 and bottom and places <= 6:
                whole = (2 * abs(value) * factor + abs(bottom)) // (2 * abs(bottom))
                results.append(-whole if (value < 0) != (bottom < 0) else whole)
                continue
            point = self.point(i, j)
            assert point is not None
            results.append(int(round_half_up(point * HUNDRED / maximum, places).scaleb(places)))
        return results

    def percent_column(self, code: str) -> list[Decimal | None]:
        """Every unit's percent of the node's maximum, unrounded, as the Decimal path gives it."""
        maximum = self.layout.maxima[self.node(code)]
        if not maximum:
            return [None] * len(self.units)
        return [None if p is None else p * HUNDRED / maximum for p in self.column(code)]


def _fits(value: Decimal, scale: int) -> bool:
    try:
        exact_units(value, scale)
    except Unrepresentable:
        return False
    return True


# -- published figures up the tree ------------------------------------------------------------------


def aggregate_table(
    framework: Framework | Layout, values_by_unit: Mapping[Hashable, Mapping[str, Any]]
) -> tuple[PointTable, np.ndarray]:
    """`scoring.aggregate` for every unit at once: the table, and which cells were published.

    Raises what `aggregate` raises for the first unit it would refuse (codes not in the
    framework, values that are not numbers).
    """
    from chiso.engine.scoring import aggregate_points

    layout = framework if isinstance(framework, Layout) else Layout(framework)
    tree = layout.tree
    units = list(values_by_unit)
    mappings = [values_by_unit[unit] for unit in units]

    def reference(j: int) -> list[Decimal | None]:
        return aggregate_points(tree, mappings[j])

    def decimal_path() -> tuple[PointTable, np.ndarray]:
        rows = [reference(j) for j in range(len(units))]  # raises as `aggregate` does
        published = np.zeros((layout.size, len(units)), dtype=bool)
        for j, mapping in enumerate(mappings):
            for code, value in mapping.items():
                if value is not None:
                    published[tree.index[code], j] = True
        return PointTable.of_decimals(layout, units, rows), published

    codes = tree.index.keys()
    if any(not mapping.keys() <= codes for mapping in mappings):
        return decimal_path()
    first = [i for i, code in enumerate(layout.codes) if tree.index[code] == i]
    getters = [mapping.get for mapping in mappings]
    flat: list[object] = []
    for i in first:
        code = layout.codes[i]
        flat.extend([get(code) for get in getters])
    try:
        read = read_numbers(flat)
        if read.bad.any():
            return decimal_path()
        count = len(units)
        columns = [read.numbers(k * count, (k + 1) * count) for k in range(len(first))]
        bounds = [0.0] * layout.size
        for i, numbers in zip(first, columns, strict=True):
            bounds[i] = numbers.magnitude()
        scale = layout.scale_for(bounds)
        values = np.zeros((layout.size, count), dtype=np.int64)
        known = np.zeros((layout.size, count), dtype=bool)
        error = np.zeros((layout.size, count), dtype=np.int64)
        for i, numbers in zip(first, columns, strict=True):
            values[i], error[i] = numbers.at(scale)
            known[i] = numbers.given
    except Unrepresentable:
        return decimal_path()
    published = known.copy()
    roll_up(layout, values, known, error)
    return PointTable(layout, units, scale, values, known, error, reference), published
