"""Ranks with ties, peer sets and the N of "x/N".

Ties are decided on the published precision: two scores that are equal once rounded half-up to
that many decimals share a rank, and the next rank skips (standard competition ranking: 1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, TypeVar

from chiso.engine.numbers import round_half_up

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

K = TypeVar("K", bound=Hashable)

PEER_SET = "peer_set"
RANKED_ONLY = "ranked"


@dataclass(frozen=True)
class RankEntry(Generic[K]):
    """One ranked unit: its unrounded value, the value at ranking precision, its rank."""

    unit: K
    value: Decimal
    rounded: Decimal
    rank: int
    tied: bool


@dataclass
class Ranking(Generic[K]):
    """A league table: ranked entries best first, the units without a result, and N."""

    entries: list[RankEntry[K]]
    unranked: list[K]
    of: int
    precision: int
    _by_unit: dict[K, RankEntry[K]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_unit = {entry.unit: entry for entry in self.entries}

    def entry(self, unit: K) -> RankEntry[K] | None:
        return self._by_unit.get(unit)

    def rank_of(self, unit: K) -> int | None:
        entry = self._by_unit.get(unit)
        return entry.rank if entry else None

    def values(self) -> dict[K, Decimal]:
        return {entry.unit: entry.value for entry in self.entries}

    def __len__(self) -> int:
        return len(self.entries)


def rank(
    values: Mapping[K, Decimal | None],
    precision: int,
    *,
    peer_set: Iterable[K] | None = None,
    of_rule: str = PEER_SET,
    higher_is_better: bool = True,
    order_key: Callable[[K], SupportsRichComparison] | None = None,
) -> Ranking[K]:
    """Rank units on their values.

    `values` maps units to their value (None: no result). `peer_set` is every unit that belongs
    to the comparison (by default the keys of `values`); a peer without a value is listed as
    unranked. `of_rule` decides N: `peer_set` counts every peer (the press's "14/63" in years
    when some provinces had no result), `ranked` counts only units with a value.
    `order_key` orders tied units (e.g. Vietnamese name order); it never changes ranks.
    """
    peers = list(values) if peer_set is None else list(peer_set)
    peer_lookup = set(peers)
    outsiders = [unit for unit in values if unit not in peer_lookup]
    if outsiders:
        raise ValueError(f"units with a value outside the peer set: {outsiders[:5]}")
    scored = [(unit, value) for unit in peers if (value := values.get(unit)) is not None]
    unranked = [unit for unit in peers if values.get(unit) is None]
    sign = -1 if higher_is_better else 1
    rounded = {unit: round_half_up(value, precision) for unit, value in scored}
    secondary = order_key or (lambda unit: 0)
    ordered = sorted(scored, key=lambda item: (sign * rounded[item[0]], secondary(item[0])))

    entries: list[RankEntry[K]] = []
    counts: dict[Decimal, int] = {}
    for unit, _ in ordered:
        counts[rounded[unit]] = counts.get(rounded[unit], 0) + 1
    previous: Decimal | None = None
    current_rank = 0
    for position, (unit, value) in enumerate(ordered, start=1):
        if rounded[unit] != previous:
            current_rank = position
            previous = rounded[unit]
        entries.append(RankEntry(unit, value, rounded[unit], current_rank, counts[rounded[unit]] > 1))
    if order_key is not None:
        unranked.sort(key=order_key)
    of = len(peers) if of_rule == PEER_SET else len(entries)
    if of_rule not in (PEER_SET, RANKED_ONLY):
        raise ValueError(f"unknown rule for N: {of_rule!r}")
    return Ranking(entries=entries, unranked=unranked, of=of, precision=precision)


def rank_within(
    values: Mapping[K, Decimal | None],
    group_of: Mapping[K, str | None],
    precision: int,
    *,
    of_rule: str = PEER_SET,
    order_key: Callable[[K], SupportsRichComparison] | None = None,
) -> dict[str, Ranking[K]]:
    """Separate rankings inside each group (region, subregion, centrally-run cities …).

    Units whose group is None are left out."""
    members: dict[str, list[K]] = {}
    for unit, group in group_of.items():
        if group:
            members.setdefault(group, []).append(unit)
    return {
        group: rank(
            {unit: values.get(unit) for unit in units},
            precision,
            of_rule=of_rule,
            order_key=order_key,
        )
        for group, units in members.items()
    }
