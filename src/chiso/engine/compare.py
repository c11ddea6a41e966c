"""Comparisons: means, performance groups, year-on-year changes, movers, strengths and weaknesses."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from chiso.engine.frameworks import BANDS, QUARTILES, GroupRule
from chiso.engine.i18n import localized
from chiso.engine.numbers import percent_of
from chiso.engine.ranking import Ranking

K = TypeVar("K", bound=Hashable)

PUBLISHED_GROUPS = "published"
NO_GROUPS = "none"


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """Plain (unweighted) mean, unrounded; None for no values."""
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def percentile(sorted_values: Sequence[Decimal], fraction: Decimal) -> Decimal:
    """Percentile by linear interpolation between order statistics (R type 7, numpy's default),
    computed exactly in Decimal. `sorted_values` ascending, `fraction` in [0, 1]."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    position = fraction * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    weight = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * weight


def quartile_cuts(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(P25, P50, P75) of the values."""
    ordered = sorted(values)
    return tuple(percentile(ordered, Decimal(q) / 4) for q in (1, 2, 3))  # type: ignore[return-value]


def quartile_group(value: Decimal, cuts: tuple[Decimal, Decimal, Decimal]) -> int:
    """0 = highest (≥ P75), 1 = upper middle [P50, P75), 2 = lower middle [P25, P50), 3 = lowest."""
    p25, p50, p75 = cuts
    if value >= p75:
        return 0
    if value >= p50:
        return 1
    if value >= p25:
        return 2
    return 3


def band_group(percent: Decimal, rule: GroupRule) -> int:
    """Index of the first band (bands ordered from the highest) whose minimum the percent reaches."""
    for i, band in enumerate(rule.bands):
        if percent >= band.min_percent:
            return i
    return len(rule.bands) - 1


@dataclass(frozen=True)
class Group:
    """A performance group: its position (0 = best) and labels."""

    position: int
    label_vi: str
    label_en: str

    @property
    def label(self) -> str:
        """The group's label in the active language."""
        return localized(self.label_vi, self.label_en)


def assign_groups(
    values: Mapping[K, Decimal],
    rule: GroupRule,
    max_points: Decimal | None = None,
    published: Mapping[K, str] | None = None,
) -> dict[K, Group]:
    """Put every unit with a value into its group, by quartiles, fixed bands or as published."""
    if not values or rule.method == NO_GROUPS:
        return {}
    if rule.method == QUARTILES:
        cuts = quartile_cuts(list(values.values()))
        positions = {unit: quartile_group(value, cuts) for unit, value in values.items()}
        labels = list(zip(rule.labels_vi, rule.labels_en or rule.labels_vi, strict=False))
    elif rule.method == BANDS:
        if max_points is None:
            raise ValueError("fixed bands need the framework's maximum")
        positions = {unit: band_group(percent_of(value, max_points), rule) for unit, value in values.items()}
        labels = [(b.label_vi, b.label_en or b.label_vi) for b in rule.bands]
    elif rule.method == PUBLISHED_GROUPS:
        labels = list(zip(rule.labels_vi, rule.labels_en or rule.labels_vi, strict=False))
        order = {label: i for i, (label, _) in enumerate(labels)}
        positions = {
            unit: order[published[unit]] for unit in values if published and published.get(unit) in order
        }
    else:
        raise ValueError(f"unknown group method {rule.method!r}")
    return {unit: Group(pos, *labels[pos]) for unit, pos in positions.items()}


@dataclass(frozen=True)
class Change:
    """A unit's movement against a previous result: points and ranks (positive = moved up)."""

    score: Decimal | None
    rank: int | None
    previous_score: Decimal | None
    previous_rank: int | None


def change(current: Ranking[K], previous: Ranking[K] | None, unit: K) -> Change:
    """Change in points and in ranks of a unit; None parts where either year has no result."""
    entry = current.entry(unit)
    old = previous.entry(unit) if previous else None
    score = entry.value - old.value if entry and old else None
    ranks = old.rank - entry.rank if entry and old else None
    return Change(score, ranks, old.value if old else None, old.rank if old else None)


@dataclass(frozen=True)
class Movers(Generic[K]):
    """Who moved: counts up/down/unchanged and the biggest gains and losses in points."""

    up: int
    down: int
    same: int
    biggest_gains: list[tuple[K, Decimal]]
    biggest_losses: list[tuple[K, Decimal]]


def movers(current: Ranking[K], previous: Ranking[K] | None, top: int = 3) -> Movers[K]:
    """Counts of units whose score rose, fell or stayed, and the largest changes in points."""
    deltas: list[tuple[K, Decimal]] = []
    if previous is not None:
        for entry in current.entries:
            old = previous.entry(entry.unit)
            if old is not None:
                deltas.append((entry.unit, entry.value - old.value))
    ordered = sorted(deltas, key=lambda item: item[1], reverse=True)
    return Movers(
        up=sum(1 for _, d in deltas if d > 0),
        down=sum(1 for _, d in deltas if d < 0),
        same=sum(1 for _, d in deltas if d == 0),
        biggest_gains=[item for item in ordered[:top] if item[1] > 0],
        biggest_losses=[item for item in reversed(ordered[-top:]) if item[1] < 0],
    )


def above_mean(ranking: Ranking[K], reference: Decimal) -> list[K]:
    """Units whose value is above a reference mean."""
    return [entry.unit for entry in ranking.entries if entry.value > reference]


@dataclass(frozen=True)
class ComponentStanding:
    """A unit's standing on one component (dimension, field): its rank among the peers."""

    code: str
    rank: int
    of: int


def quarter(of: int) -> int:
    """How many ranks make a quarter of `of` ranked units, rounded up: ⌈of/4⌉ (16 of 63, 9 of 34)."""
    return -(-of // 4)


def is_strength(rank: int | None, of: int) -> bool:
    """A rank in the top quarter of the ranked units (1–16 of 63): never a mid-table rank."""
    return rank is not None and of > 1 and rank <= quarter(of)


def is_weakness(rank: int | None, of: int) -> bool:
    """A rank in the bottom quarter of the ranked units (48–63 of 63): never a mid-table rank."""
    return rank is not None and of > 1 and rank > of - quarter(of)


def strengths_and_weaknesses(
    standings: Sequence[ComponentStanding],
) -> tuple[list[ComponentStanding], list[ComponentStanding]]:
    """The unit's strengths and weaknesses among its components, by its rank on each component (not
    by raw points, so that components on different scales compare fairly, as COINr's get_str_weak).

    The rule (docs/engine/analysis-decisions.md): a component is a *strength* when its rank is in the
    top quarter of the ranked units, rank ≤ ⌈n/4⌉ (≤ 16 of 63), and a *weakness* when its rank is in
    the bottom quarter, rank > n − ⌈n/4⌉ (≥ 48 of 63). A mid-table rank is neither, so a unit may have
    no strength or no weakness at all; with a single ranked unit there is nothing to compare. Strengths
    come best rank first, weaknesses worst rank first.
    """
    strengths = sorted(
        (s for s in standings if is_strength(s.rank, s.of)), key=lambda s: (s.rank / s.of, s.code)
    )
    weaknesses = sorted(
        (s for s in standings if is_weakness(s.rank, s.of)), key=lambda s: (-s.rank / s.of, s.code)
    )
    return strengths, weaknesses
