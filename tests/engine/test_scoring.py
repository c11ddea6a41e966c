"""Points up the tree: published figures, scoring units, component indices."""

from __future__ import annotations

import random
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.frameworks import Framework, FrameworkError, framework_from_dict
from chiso.engine.numbers import round_half_up
from chiso.engine.rules import ScoringInputError
from chiso.engine.scoring import aggregate, prepare, score_unit, score_units


def par_like(**extra: Any) -> Framework:
    data = {
        "code": "t",
        "index": "par_index",
        "name_vi": "Thử",
        "ranking": {"groups": {"method": "none"}},
        "root": {
            "code": "root",
            "name_vi": "Tổng",
            "max_points": 10,
            "children": [
                {
                    "code": "1",
                    "name_vi": "Lĩnh vực 1",
                    "max_points": 6,
                    "children": [
                        {
                            "code": "1.1",
                            "name_vi": "a",
                            "max_points": 4,
                            "method": "self",
                            "rule": {"type": "manual"},
                        },
                        {
                            "code": "1.2",
                            "name_vi": "b",
                            "max_points": 2,
                            "method": "data",
                            "rule": {"type": "normalised_to_best"},
                        },
                    ],
                },
                {
                    "code": "2",
                    "name_vi": "Lĩnh vực 2",
                    "max_points": 4,
                    "method": "survey",
                    "rule": {"type": "survey_share"},
                },
            ],
        },
    }
    data.update(extra)
    return framework_from_dict(data)


# -- aggregate (published figures) ------------------------------------------------------------------


def test_aggregate_computes_parents_from_children() -> None:
    scores = aggregate(par_like(), {"1.1": D("3.5"), "1.2": D("1.25"), "2": D(3)})
    assert scores["1"].points == D("4.75") and scores["1"].status == "computed"
    assert scores["root"].points == D("7.75") and scores["root"].status == "computed"
    assert scores["root"].percent == D("77.5")
    assert scores["1.1"].status == "published"


def test_aggregate_missing_is_explicit_never_zero() -> None:
    scores = aggregate(par_like(), {"1.1": D("3.5"), "2": D(3)})
    assert scores["1.2"].points is None and scores["1.2"].status == "missing"
    assert scores["1"].points is None and scores["1"].status == "missing"
    assert scores["root"].points is None and scores["root"].percent is None
    assert scores["2"].points == D(3)


def test_aggregate_published_parent_wins_over_children() -> None:
    scores = aggregate(par_like(), {"1": D("5.5"), "2": D(3), "root": None})
    assert scores["1"].status == "published"
    assert scores["root"].points == D("8.5") and scores["root"].status == "computed"
    published_root = aggregate(par_like(), {"root": D("9.1")})
    assert published_root["root"].status == "published" and published_root["1"].status == "missing"


def test_aggregate_unknown_maximum_gives_no_percent() -> None:
    framework = par_like()
    framework.node("1").max_points = None
    scores = aggregate(framework, {"1": D(5)})
    assert scores["1"].points == D(5) and scores["1"].percent is None


def test_aggregate_rejects_unknown_codes_and_bad_numbers() -> None:
    with pytest.raises(ScoringInputError, match=r"9\.9"):
        aggregate(par_like(), {"9.9": D(1)})
    with pytest.raises(ScoringInputError, match="'abc'"):
        aggregate(par_like(), {"1.1": "abc"})
    assert aggregate(par_like(), {"1.1": "3,5"})["1.1"].points == D("3.5")


def sipas() -> Framework:
    return framework_from_dict(
        {
            "code": "s",
            "index": "sipas",
            "name_vi": "SIPAS",
            "aggregation": "mean",
            "root": {
                "code": "sipas",
                "name_vi": "Chỉ số",
                "max_points": 100,
                "children": [
                    {
                        "code": f"f{i}",
                        "name_vi": "yếu tố",
                        "max_points": 100,
                        "method": "survey",
                        "rule": {"type": "survey_share"},
                    }
                    for i in range(1, 6)
                ],
            },
        }
    )


def test_aggregate_mean_for_sipas() -> None:
    # SIPAS 2023 factor indices as reported: 83, 83.02, 83.12, 83.03, 82.27.
    values = {"f1": D("83"), "f2": D("83.02"), "f3": D("83.12"), "f4": D("83.03"), "f5": D("82.27")}
    scores = aggregate(sipas(), values)
    assert scores["sipas"].points == D("82.888")
    assert scores["sipas"].percent == D("82.888")
    assert scores["sipas"].status == "computed"


# -- score_units ------------------------------------------------------------------------------------


def test_score_units_with_peer_comparison() -> None:
    inputs = {
        "A": {"1.1": {"points": 4}, "1.2": {"value": 50}, "2": {"index_percent": "80"}},
        "B": {"1.1": {"points": "2,5"}, "1.2": {"value": 200}, "2": {"index_percent": 90}},
    }
    scores = score_units(par_like(), inputs)
    a, b = scores["A"], scores["B"]
    assert a.points("1.2") == D("0.5")  # 50 / 200 × 2
    assert b.points("1.2") == D(2)
    assert a.points("1") == D("4.5")
    assert a.total == D("4.5") + D("3.2")
    assert b.total == D("4.5") + D("3.6")
    assert a.node("1").percent == D(75)
    assert a.node("1").status == "computed" and a.node("1.1").status == "scored"
    assert a.percent == D("77")
    assert list(a.nodes) == ["root", "1", "1.1", "1.2", "2"]


def test_missing_leaf_makes_its_ancestors_missing_only() -> None:
    scores = score_units(par_like(), {"A": {"1.1": {"points": 4}, "2": {"index_percent": 50}}})
    a = scores["A"]
    assert a.missing == ("1.2",)
    assert a.points("1") is None and a.total is None and a.adjusted_total is None
    assert a.node("1").status == "missing"
    assert a.points("2") == D(2)


def test_bad_input_names_unit_criterion_and_field() -> None:
    with pytest.raises(ScoringInputError) as info:
        score_units(par_like(), {"A": {"1.1": {"points": 5}, "1.2": {"value": 1}, "2": {"index_percent": 1}}})
    assert (info.value.code, info.value.field) == ("1.1", "points")


def test_inputs_for_unknown_or_internal_codes_are_rejected() -> None:
    with pytest.raises(ScoringInputError, match=r"1, 7\.7"):
        score_unit(par_like(), {"1": {"points": 1}, "7.7": {"points": 1}})


def test_framework_with_errors_is_not_scored() -> None:
    framework = par_like()
    framework.node("1.1").max_points = D(5)  # 5 + 2 ≠ 6
    with pytest.raises(FrameworkError, match="tổng điểm tối đa của các nút con là 7"):
        score_units(framework, {})


def test_adjustments_floor_and_cap() -> None:
    framework = par_like(
        adjustments=[
            {"code": "T", "name_vi": "Thưởng", "kind": "bonus", "max_points": 2},
            {"code": "P", "name_vi": "Trừ", "kind": "penalty", "max_points": 20},
        ],
        adjusted_floor=0,
        adjusted_cap=10,
    )
    base = {"1.1": {"points": 4}, "1.2": {"value": 1}, "2": {"index_percent": 100}}
    full = score_unit(framework, {**base, "T": {"points": 3}}, peer_values={"1.2": [D(1)]})
    assert full.total == D(10) and full.adjustments == {"T": D(2)} and full.adjusted_total == D(10)
    low = score_unit(framework, {**base, "P": {"points": 15}}, peer_values={"1.2": [D(1)]})
    assert low.adjustments == {"P": D(-15)} and low.adjusted_total == D(0)
    some = score_unit(
        framework, {**base, "T": {"points": 1}, "P": {"points": 3}}, peer_values={"1.2": [D(1)]}
    )
    assert some.adjusted_total == D(8)


def test_mean_aggregation_in_scoring() -> None:
    inputs = {
        f"f{i}": {"index_percent": p}
        for i, p in zip(range(1, 6), ["80", "90", "70", "85", "75"], strict=True)
    }
    result = score_unit(sipas(), inputs)
    assert result.total == D(80)
    assert result.node("sipas").percent == D(80)


def test_plan_is_reusable_and_fast_enough() -> None:
    # 3,321 units × 100 leaves (131 nodes); generous bound: the point is no per-unit re-validation.
    import time

    fields = []
    for f in range(10):
        criteria = []
        for c in range(2):
            leaves = [
                {
                    "code": f"{f}.{c}.{j}",
                    "name_vi": "x",
                    "max_points": 2,
                    "method": "self",
                    "rule": {"type": "manual"},
                }
                for j in range(5)
            ]
            criteria.append({"code": f"{f}.{c}", "name_vi": "c", "max_points": 10, "children": leaves})
        fields.append({"code": str(f), "name_vi": "f", "max_points": 20, "children": criteria})
    framework = framework_from_dict(
        {
            "code": "b",
            "index": "x",
            "name_vi": "b",
            "root": {"code": "r", "name_vi": "r", "max_points": 200, "children": fields},
        }
    )
    rng = random.Random(7)
    leaf_codes = [leaf.code for leaf in framework.leaves()]
    inputs = {u: {code: {"points": D(rng.randint(0, 20)) / 10} for code in leaf_codes} for u in range(3321)}
    plan = prepare(framework)
    start = time.perf_counter()
    scores = score_units(plan, inputs)
    elapsed = time.perf_counter() - start
    assert len(scores) == 3321
    assert scores[5].total == sum((v["points"] for v in inputs[5].values()), D(0))
    assert elapsed < 3  # typically ~0.2 s; the bound only catches a pathological regression


# -- properties -------------------------------------------------------------------------------------

_counter = iter(range(10**9))


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """A node dict whose maximum is the sum of its children's (leaves: 0.00–10.00)."""
    code = f"n{next(_counter)}"
    n_children = 0 if depth >= 3 else draw(st.integers(0, 4))
    if depth == 0:
        n_children = max(n_children, 1)
    if n_children == 0:
        maximum = D(draw(st.integers(0, 1000))) / 100
        return {
            "code": code,
            "name_vi": code,
            "max_points": maximum,
            "method": "self",
            "rule": {"type": "manual"},
        }
    children = [draw(trees(depth + 1)) for _ in range(n_children)]
    return {
        "code": code,
        "name_vi": code,
        "max_points": sum((c["max_points"] for c in children), D(0)),
        "children": children,
    }


@st.composite
def scored(draw: st.DrawFn) -> tuple[Framework, dict[str, dict[str, Any]]]:
    root = draw(trees())
    framework = framework_from_dict({"code": "h", "index": "x", "name_vi": "h", "root": root})
    inputs = {}
    for leaf in framework.leaves():
        cents = int(leaf.max_points * 100)
        inputs[leaf.code] = {"points": D(draw(st.integers(0, cents))) / 100}
    return framework, inputs


@settings(max_examples=150, deadline=None)
@given(scored())
def test_totals_are_sums_of_parts_and_within_bounds(
    case: tuple[Framework, dict[str, dict[str, Any]]],
) -> None:
    framework, inputs = case
    result = score_unit(framework, inputs)
    for node in framework.nodes():
        figure = result.node(node.code)
        assert figure.points is not None
        assert D(0) <= figure.points <= node.max_points
        if node.children:
            assert figure.points == sum((result.points(c.code) for c in node.children), D(0))
        else:
            assert figure.points == inputs[node.code]["points"]
        if node.max_points:
            assert figure.percent * node.max_points == figure.points * 100 or (
                abs(figure.percent * node.max_points - figure.points * 100) < D("1e-20")
            )
            assert D(0) <= figure.percent <= D(100)
        else:
            assert figure.percent is None
    leaf_sum = sum((v["points"] for v in inputs.values()), D(0))
    assert result.total == leaf_sum


@settings(max_examples=100, deadline=None)
@given(scored(), st.randoms(use_true_random=False))
def test_order_of_children_does_not_change_rounded_results(
    case: tuple[Framework, dict[str, dict[str, Any]]], rng: random.Random
) -> None:
    framework, inputs = case
    before = score_unit(framework, inputs)
    for node in framework.nodes():
        rng.shuffle(node.children)
    after = score_unit(framework, inputs)
    for node in framework.nodes():
        assert after.points(node.code) == before.points(node.code)
        if before.node(node.code).percent is not None:
            first = round_half_up(before.node(node.code).percent, 2)
            assert round_half_up(after.node(node.code).percent, 2) == first
            assert round_half_up(first, 2) == first  # rounding twice changes nothing


@settings(max_examples=100, deadline=None)
@given(scored(), st.data())
def test_aggregate_of_leaf_values_equals_scoring(case, data) -> None:
    framework, inputs = case
    values = {code: v["points"] for code, v in inputs.items()}
    dropped = data.draw(st.sampled_from([None, *values]))
    if dropped is not None:
        values[dropped] = None
    figures = aggregate(framework, values)
    parents = framework.parent_map()
    missing = set()
    code = dropped
    while code is not None:
        missing.add(code)
        code = parents.get(code)
    for node in framework.nodes():
        figure = figures[node.code]
        assert (figure.points is None) == (node.code in missing)
        assert figure.status == (
            "missing" if node.code in missing else ("computed" if node.children else "published")
        )


def test_weighted_aggregation_computes_no_parent() -> None:
    framework = par_like(aggregation="weighted")
    scores = aggregate(framework, {"1.1": D(1), "1.2": D(1), "2": D(3)})
    assert scores["1"].status == "missing" and scores["root"].status == "missing"
    assert aggregate(framework, {"root": D("61.5")})["root"].points == D("61.5")


def test_weighted_aggregation_uses_the_weights_when_the_framework_has_them():
    from decimal import Decimal as D

    from chiso.engine.frameworks import WEIGHTED, Framework, Node
    from chiso.engine.scoring import aggregate

    children = [Node("a", "A", max_points=D(10), weight=D(4)), Node("b", "B", max_points=D(10), weight=D(6))]
    weighted = Framework("w", "demo", "W", Node("total", "T", max_points=D(100), children=children))
    weighted.aggregation = WEIGHTED
    scores = aggregate(weighted, {"a": D("5.5"), "b": D(8)})
    assert scores["total"].points == D("70.0") and scores["total"].status == "computed"
    children[1].weight = None
    assert aggregate(weighted, {"a": D("5.5"), "b": D(8)})["total"].points is None
