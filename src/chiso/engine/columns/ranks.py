"""League tables from integer columns: standard competition ranking (1, 2, 2, 4) on values rounded
half-up at the ranking precision, ties ordered as `chiso.engine.ranking.rank` orders them."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from chiso.engine.columns.fixed import DIGITS, LIMIT, POWERS, Unrepresentable, read_numbers
from chiso.engine.numbers import round_half_up
from chiso.engine.ranking import PEER_SET, RANKED_ONLY, RankEntry, Ranking

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

K = TypeVar("K", bound=Hashable)


def competition_ranks(sorted_keys: np.ndarray) -> np.ndarray:
    """1, 2, 2, 4: each position's rank is that of the first equal key."""
    if not len(sorted_keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    first = np.where(starts, np.arange(len(sorted_keys)), 0)
    return np.maximum.accumulate(first) + 1


def rounded_decimal(whole: int, negative: bool, exponent: int) -> Decimal:
    """The Decimal `round_half_up` gives: `whole` × 10**exponent, keeping the sign of a -0."""
    if whole == 0 and negative:
        return Decimal(f"-0E{exponent}")
    return Decimal(whole).scaleb(exponent)


def league(
    peers: list[K],
    has_value: np.ndarray,
    rounded: np.ndarray,
    negative: np.ndarray,
    values_of: Callable[[list[int]], list[Any]],
    precision: int,
    *,
    of_rule: str = PEER_SET,
    higher_is_better: bool = True,
    order_key: Callable[[K], SupportsRichComparison] | None = None,
) -> Ranking[K]:
    """The `Ranking` of `peers` (in peer order), given per peer whether it has a value, the value
    rounded at `precision` (an integer count of 10**-precision) and whether it is negative;
    `values_of(positions)` gives the unrounded values of the peers at those positions."""
    scored = np.flatnonzero(has_value)
    keys = rounded[scored] * (-1 if higher_is_better else 1)
    order = np.argsort(keys, kind="stable")  # ties stay in peer order, as `sorted` keeps them
    sorted_keys = keys[order]
    ranks = competition_ranks(sorted_keys)
    starts = (
        np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if len(keys) else np.zeros(0, int)
    )
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    tied = np.repeat(sizes > 1, sizes)
    ordered = scored[order].tolist()
    if order_key is not None:  # ties ordered by the key, then by peer order, as `rank` does
        for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
            if size > 1:
                ordered[start : start + size] = sorted(
                    ordered[start : start + size], key=lambda k: order_key(peers[k])
                )
    values = values_of(ordered)
    # One Decimal per distinct rounded value (tied units share theirs; -0 keeps its sign).
    wholes = rounded[ordered]
    distinct, which = np.unique(wholes, return_inverse=True)
    decimals = [rounded_decimal(whole, False, -precision) for whole in distinct.tolist()]
    shown = [decimals[k] for k in which.tolist()]
    for position in np.flatnonzero((wholes == 0) & negative[ordered]).tolist():
        shown[position] = rounded_decimal(0, True, -precision)
    entries = [
        RankEntry(peers[k], value, decimal, rank, tie)
        for k, value, decimal, rank, tie in zip(
            ordered, values, shown, ranks.tolist(), tied.tolist(), strict=True
        )
    ]
    unranked = [peers[k] for k in np.flatnonzero(~has_value).tolist()]
    if order_key is not None:
        unranked.sort(key=order_key)
    of = len(peers) if of_rule == PEER_SET else len(entries)
    if of_rule not in (PEER_SET, RANKED_ONLY):
        raise ValueError(f"unknown rule for N: {of_rule!r}")
    return Ranking(entries=entries, unranked=unranked, of=of, precision=precision)


def rank_values(
    values: Mapping[K, Decimal | None],
    precision: int,
    *,
    peer_set: Iterable[K] | None = None,
    of_rule: str = PEER_SET,
    higher_is_better: bool = True,
    order_key: Callable[[K], SupportsRichComparison] | None = None,
) -> Ranking[K] | None:
    """`ranking.rank` column-wise: the same Ranking (its entries hold the given Decimal objects), or
    None when the values are not all Decimals the integers can hold (the caller ranks them in
    Decimal)."""
    peers = list(values) if peer_set is None else list(peer_set)
    peer_lookup = set(peers)
    outsiders = [unit for unit in values if unit not in peer_lookup]
    if outsiders:
        raise ValueError(f"units with a value outside the peer set: {outsiders[:5]}")
    given = [values.get(unit) for unit in peers]
    if not set(map(type, given)) <= {Decimal, type(None)} or not 0 <= precision < DIGITS:
        return None
    try:
        read = read_numbers(given)
        if read.bad.any():
            return None
        numbers = read.numbers()
        magnitude = numbers.magnitude()
        scale = DIGITS if magnitude <= 0 else min(DIGITS, math.floor(math.log10(LIMIT / (4 * magnitude))))
        if scale <= precision:
            return None
        exact, error = numbers.at(scale)
    except Unrepresentable:
        return None
    unit = int(POWERS[scale - precision])
    half = unit // 2
    magnitudes = np.abs(exact)
    quotient = (magnitudes + half) // unit
    negative = exact < 0
    rounded = np.where(negative, -quotient, quotient)
    has_value = numbers.given
    for j in np.flatnonzero(has_value & (error > 0) & (np.abs(magnitudes % unit - half) <= error)).tolist():
        decided = round_half_up(given[j], precision)  # type: ignore[arg-type]
        rounded[j] = int(decided.scaleb(precision))
    for j in np.flatnonzero(has_value & (rounded == 0)).tolist():
        negative[j] = given[j].is_signed()  # type: ignore[union-attr]

    def values_of(chosen: list[int]) -> list[Any]:
        return [given[k] for k in chosen]

    return league(
        peers,
        has_value,
        rounded,
        negative,
        values_of,
        precision,
        of_rule=of_rule,
        higher_is_better=higher_is_better,
        order_key=order_key,
    )
