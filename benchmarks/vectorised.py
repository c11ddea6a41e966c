"""3,321 communes × 100 criteria, side by side: the Decimal path, the column-wise engine and a plain
polars implementation of the same tree.

What is measured
    The framework and inputs of benchmarks/communes.py (130 nodes, 100 leaves: manual,
    proportional, step_table and checklist rules; seeded inputs for the 3,321 communes). Each
    implementation produces the same three things: every commune's total rounded half-up at the
    ranking precision (2 decimals), its rank on the total (ties at that precision: 1, 2, 2, 4), and
    every node's component index (percent of the maximum) rounded at the display precision.

    decimal   the engine's Decimal path, one unit at a time: `score_units` (= ScoringPlan.score for
              each commune), `rank` of the totals, `UnitScore.percents()` of every unit,
              then rounded.
    columns   the column-wise engine (`chiso.engine.columns.score_frame`) on the inputs as a polars
              frame (a struct column per leaf; decimal and integer fields): exact integer columns,
              `ranks`, `rounded`, `percents`.
    dicts     the same column-wise engine given the Decimal path's input (unit → leaf → field →
              Decimal), so reading 350,000 Python Decimals into columns is part of its time.
    polars    a plain polars implementation on float64 columns: leaf rules as expressions, parents
              by `sum_horizontal` level by level, percents, `rank(method="min")` on totals rounded
              half-up (float noise removed at 6 decimals).

    Building the inputs (dicts, frames) is not measured. After one warm-up round, --repeat rounds
    run the four implementations in turn (so that a busy spell of a shared machine falls on all of
    them alike); the table gives the minimum and the median wall time (time.perf_counter), and the
    ratios to polars; the verdict uses the median of the rounds' own ratios.

Correctness
    columns and dicts must give exactly the Decimal path's rounded totals, ranks and rounded
    component indices for every commune and node (the script exits with status 1 otherwise);
    polars is compared too, and its disagreements (float rounding) are counted, not failed.

Run:  python benchmarks/vectorised.py [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from _common import machine, seconds, table
from chiso.engine.columns import score_frame, score_table
from chiso.engine.frameworks import Framework
from chiso.engine.numbers import round_half_up
from chiso.engine.ranking import rank
from chiso.engine.scoring import ScoringPlan, score_units
from communes import SEED, build_framework, build_inputs, commune_codes

TARGET_RATIO = 3.0


# -- inputs as columns ------------------------------------------------------------------------------


def struct_frame(framework: Framework, units: list[str], by_unit: dict[str, dict[str, Any]]) -> pl.DataFrame:
    """The inputs as the column-wise engine reads them: a struct column per leaf."""
    columns: dict[str, pl.Series] = {"unit": pl.Series(units)}
    for leaf in framework.leaves():
        assert leaf.rule is not None
        rows = [by_unit[unit][leaf.code] for unit in units]
        if leaf.rule.type == "manual":
            fields = {"points": pl.Series([r["points"] for r in rows], dtype=pl.Decimal(38, 2))}
        elif leaf.rule.type == "proportional":
            fields = {
                "numerator": pl.Series([int(r["numerator"]) for r in rows], dtype=pl.Int64),
                "denominator": pl.Series([int(r["denominator"]) for r in rows], dtype=pl.Int64),
            }
        elif leaf.rule.type == "step_table":
            fields = {"value": pl.Series([r["value"] for r in rows], dtype=pl.Decimal(38, 1))}
        else:
            fields = {"done": pl.Series([list(r["done"]) for r in rows], dtype=pl.List(pl.String))}
        columns[leaf.code] = pl.DataFrame(fields).to_struct(leaf.code)
    return pl.DataFrame(columns)


def float_frame(framework: Framework, units: list[str], by_unit: dict[str, dict[str, Any]]) -> pl.DataFrame:
    """The inputs for the plain polars implementation: flat float64 (and boolean) columns."""
    columns: dict[str, Any] = {"unit": units}
    for leaf in framework.leaves():
        assert leaf.rule is not None
        rows = [by_unit[unit][leaf.code] for unit in units]
        if leaf.rule.type == "checklist":
            for item in leaf.rule.params["items"]:
                columns[f"{leaf.code}/{item['code']}"] = [item["code"] in r["done"] for r in rows]
        else:
            for name in rows[0]:
                columns[f"{leaf.code}/{name}"] = pl.Series([float(r[name]) for r in rows], dtype=pl.Float64)
    return pl.DataFrame(columns)


# -- the plain polars implementation ----------------------------------------------------------------


def _leaf_expression(leaf: Any) -> pl.Expr:
    code, rule, maximum = leaf.code, leaf.rule, float(leaf.max_points)
    if rule.type == "manual":
        expression = pl.col(f"{code}/points")
    elif rule.type == "proportional":
        numerator, denominator = pl.col(f"{code}/numerator"), pl.col(f"{code}/denominator")
        expression = (
            pl.when(denominator == 0)
            .then(pl.lit(maximum))
            .otherwise((numerator * maximum / denominator).clip(0.0, maximum))
        )
    elif rule.type == "step_table":
        value = pl.col(f"{code}/value")
        steps = list(reversed(rule.params["steps"]))
        chain: Any = pl
        for step in steps:
            threshold = float(step["min"])
            reached = value > threshold if step.get("strict") else value >= threshold
            chain = chain.when(reached).then(pl.lit(float(step["points"])))
        expression = chain.otherwise(pl.lit(float(rule.params.get("below") or 0)))
    else:
        ticked = [
            pl.col(f"{code}/{item['code']}").cast(pl.Float64) * float(item["points"])
            for item in rule.params["items"]
        ]
        expression = pl.min_horizontal(pl.sum_horizontal(ticked), pl.lit(float(rule.params["cap"]))).clip(
            0.0, maximum
        )
    return expression.alias(code)


def polars_plan(framework: Framework) -> tuple[list[pl.Expr], list[list[pl.Expr]], list[tuple[str, float]]]:
    """Leaf expressions, parent sums level by level (deepest first), and every node's maximum."""
    levels: dict[int, list[pl.Expr]] = {}
    maxima: list[tuple[str, float]] = []

    def walk(node: Any, depth: int) -> None:
        maxima.append((node.code, float(node.max_points)))
        if node.children:
            levels.setdefault(depth, []).append(
                pl.sum_horizontal([c.code for c in node.children]).alias(node.code)
            )
            for child in node.children:
                walk(child, depth + 1)

    walk(framework.root, 0)
    leaves = [_leaf_expression(leaf) for leaf in framework.leaves()]
    return leaves, [levels[depth] for depth in sorted(levels, reverse=True)], maxima


def _half_up(expression: pl.Expr, places: int) -> pl.Expr:
    return ((expression * 10.0**places).round(6) + 0.5).floor().cast(pl.Int64)


def polars_run(plan: tuple, frame: pl.DataFrame, root: str, precision: int, places: int) -> tuple:
    leaves, levels, maxima = plan
    points = frame.select("unit", *leaves)
    for parents in levels:
        points = points.with_columns(parents)
    totals = _half_up(pl.col(root), precision)
    result = points.select(
        totals.alias("=total"),
        totals.rank(method="min", descending=True).cast(pl.Int64).alias("=rank"),
        *[_half_up(pl.col(code) * (100.0 / maximum), places).alias(code) for code, maximum in maxima],
    )
    indices = result.select([code for code, _ in maxima]).to_numpy().T
    return result["=total"].to_numpy(), result["=rank"].to_numpy(), indices


# -- the engine's two paths -------------------------------------------------------------------------


def decimal_run(plan: ScoringPlan, inputs: dict, precision: int) -> tuple:
    scores = score_units(plan, inputs)
    ranking = rank({unit: score.total for unit, score in scores.items()}, precision)
    indices = {unit: score.percents() for unit, score in scores.items()}
    return scores, ranking, indices


def columns_run(table_of: Callable[[], Any], root: str, precision: int, places: int) -> tuple:
    table = table_of()
    totals, _, _ = table.rounded(root, precision)
    ranks = table.ranks(root, precision)
    percents, known = table.percents(places)
    return totals, ranks, percents, known


# -- the benchmark ----------------------------------------------------------------------------------


def timed(
    functions: dict[str, Callable[[], Any]], repeat: int
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Wall times of each function over `repeat` rounds, the functions taking turns within a round
    (so that a busy spell of the machine falls on all of them alike), after one warm-up round."""
    results = {name: function() for name, function in functions.items()}  # imports, caches
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            results[name] = None
            gc.collect()
            start = time.perf_counter()
            results[name] = function()
            times[name].append(time.perf_counter() - start)
    return times, results


def run(repeat: int = 7) -> dict:
    rng = random.Random(SEED)
    framework = build_framework(rng)
    units = commune_codes()
    inputs = build_inputs(framework, units, rng).chiso
    plan = ScoringPlan(framework)
    root = framework.root.code
    precision = framework.ranking.precision
    places = framework.display_precision
    frame = struct_frame(framework, units, inputs)
    floats = float_frame(framework, units, inputs)
    pplan = polars_plan(framework)

    times, results = timed(
        {
            "decimal": lambda: decimal_run(plan, inputs, precision),
            "columns": lambda: columns_run(lambda: score_frame(plan, frame), root, precision, places),
            "dicts": lambda: columns_run(lambda: score_table(plan, inputs), root, precision, places),
            "polars": lambda: polars_run(pplan, floats, root, precision, places),
        },
        repeat,
    )
    scores, ranking, indices = results["decimal"]
    by_frame, by_dicts, by_polars = results["columns"], results["dicts"], results["polars"]

    # The Decimal path's figures, rounded as the other implementations give them.
    d_totals = np.array([int(round_half_up(scores[u].total, precision).scaleb(precision)) for u in units])
    d_ranks = np.array([ranking.rank_of(u) for u in units])
    d_percents = np.array(
        [[int(round_half_up(p, places).scaleb(places)) for p in indices[u]] for u in units], dtype=np.int64
    ).T

    def disagreements(result: tuple) -> tuple[int, int, int]:
        totals, ranks, percents = result[0], result[1], result[2]
        return (
            int((totals != d_totals).sum()),
            int((ranks != d_ranks).sum()),
            int((percents != d_percents).sum()),
        )

    checks = {
        name: disagreements(result)
        for name, result in (("columns", by_frame), ("dicts", by_dicts), ("polars", by_polars))
    }
    exact = checks["columns"] == (0, 0, 0) and checks["dicts"] == (0, 0, 0)

    minimum = {name: min(t) for name, t in times.items()}
    median = {name: statistics.median(t) for name, t in times.items()}
    print("Column-wise engine — 3,321 communes × 100 criteria, side by side")
    print(machine() + f", polars {pl.__version__}, {pl.thread_pool_size()} polars threads")
    print(
        f"communes: {len(units)}; framework: {sum(1 for _ in framework.nodes())} nodes, "
        f"{len(framework.leaves())} leaves; outputs: totals at {precision} decimals, ranks, "
        f"every node's index at {places} decimals; {repeat} timed runs after a warm-up"
    )
    print()
    rows = []
    for name, label in (
        ("decimal", "Decimal path (score_units, rank, percents)"),
        ("dicts", "column-wise engine, inputs as Python dicts"),
        ("columns", "column-wise engine, inputs as a polars frame"),
        ("polars", "plain polars, float64"),
    ):
        rows.append(
            [
                label,
                seconds(minimum[name]),
                seconds(median[name]),
                f"{minimum[name] / minimum['polars']:.1f}×",
                f"{median[name] / median['polars']:.1f}×",
                "reference" if name == "decimal" else "/".join(map(str, checks[name])),
            ]
        )
    print(
        table(
            ["", "min", "median", "min / polars", "median / polars", "disagreements (totals/ranks/indices)"],
            rows,
        )
    )
    ratio = statistics.median(c / p for c, p in zip(times["columns"], times["polars"], strict=True))
    print()
    print(
        f"column-wise engine (frame) / plain polars: {ratio:.1f}× (median of the rounds' ratios), "
        f"{minimum['columns'] / minimum['polars']:.1f}× (min / min) — target ≤ {TARGET_RATIO:g}×: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(
        f"Decimal path / column-wise engine (frame): {median['decimal'] / median['columns']:.0f}× median; "
        f"equal to the Decimal path: {'yes' if exact else 'NO'} "
        f"({len(units)} totals and ranks, {d_percents.size} indices)"
    )
    return {"ok": exact, "times": times, "checks": checks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per implementation")
    args = parser.parse_args(argv)
    return 0 if run(args.repeat)["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
