"""The column-wise engine equals the Decimal path: every node's points, every rounding, rank, tie and
component index, on random frameworks (random trees; sums, means and weighted sums; the rule types;
missing leaves; ties; quotients with 28 digits), random published tables and random league tables."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.engine.columns import aggregate_table, score_frame, score_table
from chiso.engine.columns.fixed import read_numbers
from chiso.engine.columns.ranks import rank_values
from chiso.engine.frameworks import Framework, framework_from_dict
from chiso.engine.numbers import round_half_up
from chiso.engine.ranking import rank
from chiso.engine.rules import ScoringInputError
from chiso.engine.scoring import ScoringPlan, aggregate, aggregate_units, prepare, score_units

PRECISIONS = (0, 1, 2, 4)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- random frameworks ------------------------------------------------------------------------------


def _points(maximum: D, k: int) -> D:
    return maximum * D(k) / 4  # 0, ¼, ½, ¾ or all of the maximum: exact, and often equal


@st.composite
def rules(draw: st.DrawFn, maximum: D) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "manual",
                "proportional",
                "step_table",
                "checklist",
                "choice",
                "survey_share",
                "normalised_to_best",
            ]
        )
    )
    if kind == "proportional":
        return {"type": kind, "params": {"when_no_occurrence": draw(st.sampled_from(["full", "zero"]))}}
    if kind == "step_table":
        count = draw(st.integers(1, 3))
        thresholds = sorted(draw(st.sets(st.integers(0, 100), min_size=count, max_size=count)))
        ks = sorted(draw(st.lists(st.integers(0, 4), min_size=count, max_size=count)))
        steps = [
            {"min": str(t), "points": str(_points(maximum, k)), "strict": draw(st.booleans())}
            for t, k in zip(thresholds, ks, strict=True)
        ]
        return {"type": kind, "params": {"steps": steps, "below": "0"}}
    if kind == "checklist":
        items = [
            {"code": c, "points": str(_points(maximum, draw(st.integers(0, 4))))}
            for c in "abcd"[: draw(st.integers(1, 4))]
        ]
        params: dict[str, Any] = {"items": items}
        if draw(st.booleans()):
            params["cap"] = str(_points(maximum, draw(st.integers(0, 4))))
        return {"type": kind, "params": params}
    if kind == "choice":
        options = [
            {"code": c, "points": str(_points(maximum, k))}
            for c, k in zip("xyz", draw(st.permutations([0, 2, 4])), strict=True)
        ]
        return {"type": kind, "params": {"options": options}}
    return {"type": kind}


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    aggregation = draw(st.sampled_from(["sum", "sum", "mean", "weighted"]))
    common = D(draw(st.integers(1, 100)))  # every maximum, with `mean`
    counter = iter(range(10**6))

    def node(depth: int) -> dict[str, Any]:
        code = f"n{next(counter)}"
        count = 0 if depth >= 3 else draw(st.integers(0 if depth else 1, 4))
        data: dict[str, Any] = {"code": code, "name_vi": code}
        if aggregation == "weighted" and draw(st.integers(0, 9)):  # now and then a child without weight
            data["weight"] = str(D(draw(st.integers(1, 300))) / 100)
        if not count:
            maximum = common if aggregation == "mean" else D(draw(st.integers(0, 1000))) / 100
            data.update(max_points=str(maximum), method="self", rule=draw(rules(maximum)))
            return data
        children = [node(depth + 1) for _ in range(count)]
        total = common if aggregation == "mean" else sum((D(c["max_points"]) for c in children), D(0))
        data.update(max_points=str(total), children=children)
        return data

    root = node(0)
    root.pop("weight", None)
    data: dict[str, Any] = {
        "code": "h",
        "index": "x",
        "name_vi": "h",
        "aggregation": aggregation,
        "root": root,
        "ranking": {"precision": draw(st.sampled_from(PRECISIONS))},
    }
    if draw(st.booleans()):
        data["adjustments"] = [
            {"code": "T", "name_vi": "Thưởng", "kind": "bonus", "max_points": 2},
            {"code": "P", "name_vi": "Trừ", "kind": "penalty", "max_points": 3},
        ]
        data["adjusted_floor"] = 0
        data["adjusted_cap"] = str(D(root["max_points"]) + 1)
    return framework_from_dict(data)


@st.composite
def leaf_inputs(draw: st.DrawFn, leaf: Any) -> dict[str, Any] | None:
    rule = leaf.rule
    maximum = leaf.max_points
    if rule.type == "manual":
        points = draw(
            st.one_of(
                st.integers(0, 4).map(lambda k: _points(maximum, k)),
                st.integers(0, int(maximum * 100)).map(lambda c: D(c) / 100),
            )
        )
        return {"points": points}
    if rule.type == "proportional":
        denominator = draw(st.integers(0, 60))
        return {"numerator": D(draw(st.integers(0, denominator + 3))), "denominator": D(denominator)}
    if rule.type == "step_table":
        thresholds = [D(step["min"]) for step in rule.params["steps"]]
        return {
            "value": draw(
                st.one_of(st.sampled_from(thresholds), st.integers(0, 1000).map(lambda v: D(v) / 10))
            )
        }
    if rule.type == "checklist":
        items = [item["code"] for item in rule.params["items"]]
        done = draw(st.lists(st.sampled_from(items), max_size=len(items) + 1))
        return {"done": done}
    if rule.type == "choice":
        return {"choice": draw(st.sampled_from("xyz"))}
    if rule.type == "survey_share":
        return {"index_percent": D(draw(st.integers(0, 10000))) / 100}
    return {"value": D(draw(st.integers(0, 50)))}


@st.composite
def scored_batches(draw: st.DrawFn) -> tuple[Framework, dict[Any, dict[str, Any]]]:
    framework = draw(frameworks())
    count = draw(st.integers(1, 40))
    missing_rate = draw(st.sampled_from([0, 0, 10, 40]))
    inputs: dict[Any, dict[str, Any]] = {}
    for unit in range(count):
        unit_inputs: dict[str, Any] = {}
        for leaf in framework.leaves():
            if draw(st.integers(0, 99)) >= missing_rate:
                unit_inputs[leaf.code] = draw(leaf_inputs(leaf))
        for adjustment in framework.adjustments:
            if draw(st.integers(0, 3)) == 0:
                unit_inputs[adjustment.code] = {"points": D(draw(st.integers(0, 40))) / 10}
        inputs[f"u{unit}"] = unit_inputs
    return framework, inputs


def _rounded(value: D | None, places: int) -> int | None:
    return None if value is None else int(round_half_up(value, places).scaleb(places))


def assert_same_table(table: Any, framework: Framework, reference: dict[Any, Any]) -> None:
    """Every figure the table gives equals the Decimal path's."""
    units = list(reference)
    codes = [node.code for node in framework.nodes()]
    for j, unit in enumerate(units):
        expected = list(reference[unit]._values)
        assert table.row(j) == expected, unit
        assert [p is None for p in table.row(j)] == [p is None for p in expected]
    for code in dict.fromkeys(codes):
        column = [reference[unit].points(code) for unit in units]
        assert table.column(code) == column
        for places in PRECISIONS:
            rounded, known, _ = table.rounded(code, places)
            assert [int(r) if k else None for r, k in zip(rounded, known, strict=True)] == [
                _rounded(value, places) for value in column
            ]
            expected_ranking = rank(dict(zip(units, column, strict=True)), places)
            ranking = table.ranking(code, places)
            assert ranking.entries == expected_ranking.entries
            assert ranking.unranked == expected_ranking.unranked and ranking.of == expected_ranking.of
            ranks = table.ranks(code, places)
            assert [int(r) or None for r in ranks] == [expected_ranking.rank_of(unit) for unit in units]
    for places in (0, 2, 3):
        percents, known = table.percents(places)
        for i, code in enumerate(codes):
            got = [int(p) if k else None for p, k in zip(percents[i], known[i], strict=True)]
            assert got == [_rounded(reference[unit].node(code).percent, places) for unit in units], code


# -- scoring from inputs ----------------------------------------------------------------------------


@SETTINGS
@given(scored_batches())
def test_scoring_column_wise_equals_the_decimal_path(case: tuple[Framework, dict]) -> None:
    framework, inputs = case
    plan = prepare(framework)
    reference = plan.score_all(inputs)
    table = score_table(plan, inputs)
    assert_same_table(table, framework, reference)
    scores = table.unit_scores()
    for unit, expected in reference.items():
        got = scores[unit]
        assert got.total == expected.total
        assert got.missing == expected.missing
        assert got.adjustments == expected.adjustments
        assert got.adjusted_total == expected.adjusted_total
        assert got.percents() == expected.percents()
        assert {c: (n.points, n.status, n.percent) for c, n in got.nodes.items()} == {
            c: (n.points, n.status, n.percent) for c, n in expected.nodes.items()
        }


def _frame(framework: Framework, inputs: dict[Any, dict[str, Any]]) -> pl.DataFrame:
    """The inputs as columns: a struct per leaf, numbers as decimals at the column's scale."""
    units = list(inputs)
    columns: dict[str, pl.Series] = {"unit": pl.Series(units)}
    codes = [leaf.code for leaf in framework.leaves()] + [a.code for a in framework.adjustments]
    for code in codes:
        rows = [inputs[unit].get(code) for unit in units]
        names = sorted({name for row in rows if row for name in row})
        if not names:
            continue
        fields = {}
        for name in names:
            values = [None if row is None else row.get(name) for row in rows]
            if name == "done":
                fields[name] = pl.Series(values, dtype=pl.List(pl.String))
            elif name == "choice":
                fields[name] = pl.Series(values, dtype=pl.String)
            else:
                places = max((-v.as_tuple().exponent for v in values if v is not None), default=0)
                fields[name] = pl.Series(values, dtype=pl.Decimal(38, max(places, 0)))
        struct = pl.DataFrame(fields).to_struct(code)
        present = pl.Series([row is not None for row in rows])
        columns[code] = pl.select(pl.when(present).then(struct)).to_series().alias(code)
    return pl.DataFrame(columns)


@SETTINGS
@given(scored_batches())
def test_scoring_a_frame_equals_the_decimal_path_on_its_rows(case: tuple[Framework, dict]) -> None:
    framework, inputs = case
    frame = _frame(framework, inputs)
    plan = prepare(framework)
    rows = {
        row["unit"]: {code: value for code, value in row.items() if code != "unit" and value is not None}
        for row in frame.iter_rows(named=True)
    }
    reference = plan.score_all(rows)
    table = score_frame(plan, frame)
    assert_same_table(table, framework, reference)


# -- published figures ------------------------------------------------------------------------------

long_decimals = st.tuples(st.integers(0, 10**6), st.integers(1, 97)).map(lambda p: D(p[0]) / D(p[1]) / 100)
published_values = st.one_of(
    st.none(),
    st.integers(-2000, 20000).map(lambda c: D(c) / 100),
    st.sampled_from([D("12.5"), D("12.50"), D("0.005"), D("0.015"), D("7")]),
    long_decimals,
)


@SETTINGS
@given(frameworks(), st.data())
def test_published_figures_column_wise_equal_aggregate(framework: Framework, data: st.DataObject) -> None:
    codes = [node.code for node in framework.nodes()]
    units = [f"u{k}" for k in range(data.draw(st.integers(1, 30)))]
    tables = {}
    for unit in units:
        chosen = data.draw(st.lists(st.sampled_from(codes), max_size=len(codes)))
        tables[unit] = {code: data.draw(published_values) for code in chosen}
    table, published = aggregate_table(framework, tables)
    reference = {unit: _Points(aggregate(framework, values)) for unit, values in tables.items()}
    for j, unit in enumerate(units):
        figures = aggregate(framework, tables[unit])
        assert [bool(p) for p in published[:, j]] == [figures[c].status == "published" for c in codes]
    assert_same_table(table, framework, reference)
    assert aggregate_units(framework, tables) == {
        unit: {code: score.points for code, score in aggregate(framework, values).items()}
        for unit, values in tables.items()
    }


class _Points:
    """aggregate()'s figures with the face of a UnitScore, for assert_same_table."""

    def __init__(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        self._values = [figure.points for figure in figures.values()]

    def points(self, code: str) -> D | None:
        return self.figures[code].points

    def node(self, code: str) -> Any:
        return self.figures[code]


# -- league tables ----------------------------------------------------------------------------------

ranked_values = st.one_of(
    st.none(),
    st.integers(-500, 500).map(lambda c: D(c) / 100),
    st.sampled_from([D("42.1"), D("42.104"), D("42.105"), D("-0.001"), D("-0"), D("0.005"), D("0.0049999")]),
    long_decimals,
)


@SETTINGS
@given(
    st.lists(ranked_values, min_size=1, max_size=120),
    st.sampled_from(PRECISIONS),
    st.booleans(),
    st.sampled_from(["peer_set", "ranked"]),
    st.integers(0, 5),
)
def test_ranking_column_wise_equals_rank(values, precision, higher, of_rule, extra) -> None:
    table = {f"u{k:03d}": value for k, value in enumerate(values)}
    peers = [*table, *(f"x{k}" for k in range(extra))]
    order = sorted(peers, reverse=True).index
    options = {"peer_set": peers, "of_rule": of_rule, "higher_is_better": higher, "order_key": order}
    expected = rank(table, precision, **options)
    got = rank_values(table, precision, **options)
    assert got is not None
    assert got.entries == expected.entries
    assert [(e.value.as_tuple(), e.rounded.as_tuple()) for e in got.entries] == [
        (e.value.as_tuple(), e.rounded.as_tuple()) for e in expected.entries
    ]
    assert got.unranked == expected.unranked and got.of == expected.of


def test_ranking_column_wise_refuses_outsiders_as_rank_does() -> None:
    values = {f"u{k}": D(k) for k in range(70)}
    with pytest.raises(ValueError, match="outside the peer set"):
        rank_values(values, 2, peer_set=list(values)[1:])
    assert rank_values({"a": 1, "b": D(2)}, 2) is None  # not all Decimals: left to `rank`


# -- the integers, and what they cannot hold --------------------------------------------------------


def test_reading_decimals_keeps_every_digit_or_says_it_cut() -> None:
    read = read_numbers(
        [D("86.55"), D("-0.005"), None, 7, D("1E+3"), D(2) / D(3), "1.234,5", 0.1, D("NaN"), "x"]
    )
    numbers = read.numbers()
    assert numbers.scale == 3
    values = [int(v) for v in numbers.units]
    assert values[:2] == [86550, -5] and values[3:5] == [7000, 1000000]
    assert values[6:8] == [1234500, 100]
    assert list(read.given) == [True, True, False, True, True, True, True, True, False, False]
    assert list(read.bad) == [False] * 8 + [True, True]
    assert list(numbers.cut) == [False] * 5 + [True] + [False] * 4


def test_a_batch_the_integers_cannot_hold_is_scored_in_decimal() -> None:
    framework = framework_from_dict(
        {
            "code": "big",
            "index": "x",
            "name_vi": "big",
            "root": {
                "code": "r",
                "name_vi": "r",
                "max_points": "100000000000000000000",
                "children": [
                    {
                        "code": "a",
                        "name_vi": "a",
                        "max_points": "100000000000000000000",
                        "method": "self",
                        "rule": {"type": "manual"},
                    }
                ],
            },
        }
    )
    inputs = {f"u{k}": {"a": {"points": D(k) * D("1E+17")}} for k in range(5)}
    plan = ScoringPlan(framework)
    table = score_table(plan, inputs)
    assert table.via_decimal
    assert table.column("r") == [s.total for s in plan.score_all(inputs).values()]
    assert list(table.ranks("r", 2)) == [5, 4, 3, 2, 1]


def test_refused_inputs_raise_the_decimal_paths_error() -> None:
    framework = framework_from_dict(
        {
            "code": "e",
            "index": "x",
            "name_vi": "e",
            "root": {
                "code": "r",
                "name_vi": "r",
                "max_points": 4,
                "children": [
                    {
                        "code": "a",
                        "name_vi": "a",
                        "max_points": 2,
                        "method": "self",
                        "rule": {"type": "manual"},
                    },
                    {
                        "code": "b",
                        "name_vi": "b",
                        "max_points": 2,
                        "method": "self",
                        "rule": {"type": "proportional"},
                    },
                ],
            },
        }
    )
    plan = prepare(framework)
    good = {"a": {"points": 1}, "b": {"numerator": 1, "denominator": 2}}
    for bad, field in (
        ({"a": {"points": 3}}, ("a", "points")),  # above the maximum
        ({"b": {"numerator": 1, "denominator": 0}}, ("b", "denominator")),  # undecided zero
        ({"a": {"points": "abc"}}, ("a", "points")),
    ):
        inputs = {f"u{k}": dict(good) for k in range(70)}
        inputs["u33"] = {**good, **bad}
        with pytest.raises(ScoringInputError) as column_wise:
            score_table(plan, inputs)
        with pytest.raises(ScoringInputError) as decimal:
            score_units(plan, inputs)
        assert (column_wise.value.code, column_wise.value.field) == field
        assert str(column_wise.value) == str(decimal.value)


def test_the_benchmark_tree_is_scored_on_integers_without_the_decimal_path() -> None:
    """Quotients (45/49 × 1,5) make approximate figures; ranks and rounded totals still need no
    Decimal, and equal the Decimal path's."""
    framework = framework_from_dict(
        {
            "code": "q",
            "index": "x",
            "name_vi": "q",
            "root": {
                "code": "r",
                "name_vi": "r",
                "max_points": 3,
                "children": [
                    {
                        "code": "a",
                        "name_vi": "a",
                        "max_points": "1.5",
                        "method": "self",
                        "rule": {"type": "proportional", "params": {"when_no_occurrence": "full"}},
                    },
                    {
                        "code": "b",
                        "name_vi": "b",
                        "max_points": "1.5",
                        "method": "self",
                        "rule": {"type": "manual"},
                    },
                ],
            },
        }
    )
    rng = np.random.default_rng(5)
    inputs = {
        f"u{k}": {
            "a": {"numerator": D(int(n)), "denominator": D(int(n) + int(e))},
            "b": {"points": D(int(p)) / 4},
        }
        for k, (n, e, p) in enumerate(
            zip(rng.integers(0, 50, 500), rng.integers(0, 9, 500), rng.integers(0, 7, 500), strict=True)
        )
    }
    plan = prepare(framework)
    table = score_table(plan, inputs)
    assert not table.via_decimal and (table.error[0] > 0).any()
    calls: list[int] = []
    original = table._reference
    table._reference = lambda j: calls.append(j) or original(j)  # type: ignore[method-assign]
    reference = plan.score_all(inputs)
    ranks = table.ranks("r", 2)
    expected = rank({u: s.total for u, s in reference.items()}, 2)
    assert [int(r) for r in ranks] == [expected.rank_of(u) for u in inputs]
    assert len(calls) < 5  # only a rounding within the error bound of its half-way point asks
