import itertools
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.ranking import RANKED_ONLY, rank, rank_within


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranking = rank({"a": D("91.43"), "b": D("89.95"), "c": D("91.43"), "d": D("80")}, 2)
    assert [(e.unit, e.rank) for e in ranking.entries] == [("a", 1), ("c", 1), ("b", 3), ("d", 4)]
    assert ranking.entry("a").tied and not ranking.entry("b").tied


def test_ties_are_decided_at_the_published_precision():
    values = {"a": D("86.554"), "b": D("86.546"), "c": D("86.5")}
    assert [e.rank for e in rank(values, 2).entries] == [1, 1, 3]
    assert [e.rank for e in rank(values, 3).entries] == [1, 2, 3]


def test_units_without_a_result_count_in_n_by_default():
    ranking = rank({"a": D(3), "b": None, "c": D(1)}, 2)
    assert ranking.of == 3
    assert ranking.unranked == ["b"]
    assert ranking.rank_of("b") is None
    assert rank({"a": D(3), "b": None, "c": D(1)}, 2, of_rule=RANKED_ONLY).of == 2


def test_peer_set_adds_units_without_values_and_refuses_outsiders():
    ranking = rank({"a": D(1)}, 2, peer_set=["a", "z"])
    assert ranking.of == 2 and ranking.unranked == ["z"]
    with pytest.raises(ValueError):
        rank({"a": D(1), "x": D(2)}, 2, peer_set=["a"])


def test_lower_is_better_option():
    assert [e.unit for e in rank({"a": D(1), "b": D(2)}, 2, higher_is_better=False).entries] == ["a", "b"]


def test_ranks_within_regions():
    values = {"a": D(5), "b": D(4), "c": D(3), "d": D(9)}
    regions = {"a": "north", "b": "south", "c": "north", "d": None}
    by_region = rank_within(values, regions, 2)
    assert by_region["north"].rank_of("a") == 1 and by_region["north"].rank_of("c") == 2
    assert by_region["south"].of == 1
    assert "d" not in {e.unit for r in by_region.values() for e in r.entries}


scores = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=3),
    st.one_of(
        st.none(), st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)
    ),
    min_size=1,
    max_size=40,
)


@given(scores, st.integers(min_value=0, max_value=3))
def test_ranks_are_consistent_with_scores(values, precision):
    ranking = rank(values, precision)
    entries = ranking.entries
    assert len(entries) + len(ranking.unranked) == len(values)
    for entry in entries:
        better = sum(1 for other in entries if other.rounded > entry.rounded)
        assert entry.rank == better + 1
    for first, second in itertools.pairwise(entries):
        assert first.rounded >= second.rounded
        assert (first.rank == second.rank) == (first.rounded == second.rounded)
