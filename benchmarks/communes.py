"""3,321 communes scored on a 100-criterion internal framework: chiso (Decimal) against pandas (float64).

What is measured
    A synthetic commune-level framework like a province's own PAR index for its communes:
    8 fields of 12–13 leaf criteria each (100 leaves); 21 criteria are split into 2 components,
    so the tree has 130 nodes (index, 8 fields, 79 criteria, 42 components), 100 points in all.
    Leaves mix four rule types: manual (points entered), proportional (numerator / denominator,
    full points when the denominator is 0), step_table (thresholds on a percentage) and
    checklist (items done, capped at the maximum). Inputs are random but seeded
    (random.Random(2025)), every number a Decimal; the communes are the 3,321 units valid from
    01/07/2025 (their official codes, from chiso's own data files).

    chiso: `ScoringPlan(framework)` (validation, rules built) + `score_units` for every commune
    + `rank` of the totals with ties at the framework's 2 decimals + every node's component
    index (`UnitScore.percents()`: percent of the maximum for all 130 nodes, in tree order).
    benchmarks/vectorised.py runs the column-wise engine on the same communes, next to the
    Decimal path and plain polars.

    pandas: the same in float64, vectorised over the communes: leaf points per rule type from
    the input columns, parents summed up the tree by `groupby(parent).sum()` level by level,
    percent = points × 100 / maximum, `rank(method="min")` on totals rounded half-up to 2 decimals.

    Wall time is the best of --repeat runs (time.perf_counter); peak memory is measured in one more
    run under tracemalloc, which is not timed. Building the inputs is not measured.

How to read the ratios
    "chiso/pandas" is chiso's time (or memory) divided by pandas's: 20× means chiso takes twenty
    times as long. chiso works unit by unit in exact Decimal arithmetic and keeps a result object
    per commune and per node; pandas works on whole columns of floats. The figure to watch is
    chiso's absolute time against the target (scoring a province's communes should feel
    instant: target < 1 s).

Correctness
    Totals must agree within 1e-6 and every node's percent within 1e-6; ranks are compared unit
    by unit and the disagreements counted (float rounding at a tie boundary is the only allowed
    cause, and with half-up rounding after removing float noise there should be none).
    The script exits with status 1 when totals or ranks disagree.

Run:  python benchmarks/communes.py [--repeat N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from _common import best_of, machine, mebibytes, peak_memory, ratio, seconds, table
from chiso.engine.frameworks import Framework, framework_from_dict
from chiso.engine.ranking import rank
from chiso.engine.scoring import ScoringPlan, score_units

SEED = 2025
COMMUNES = 3321
LEAVES_PER_FIELD = (13, 12, 13, 12, 13, 12, 13, 12)  # 100 leaves
SPLIT_CRITERIA_PER_FIELD = (3, 3, 3, 3, 3, 2, 2, 2)  # 21 criteria of 2 components each
RULE_MIX = {"manual": 30, "proportional": 25, "step_table": 25, "checklist": 20}
LEAF_MAXIMA = [Decimal("0.5")] * 25 + [Decimal(1)] * 50 + [Decimal("1.5")] * 25  # 100 points
TARGET_SECONDS = 1.0
STAGES = ("ScoringPlan", "score_units", "rank", "UnitScore.percents")
TOLERANCE = 1e-6


# -- the framework and the inputs -------------------------------------------------------------------


def _rule(kind: str, maximum: Decimal, rng: random.Random) -> dict[str, Any]:
    if kind == "manual":
        return {"type": "manual"}
    if kind == "proportional":
        return {"type": "proportional", "params": {"when_no_occurrence": "full"}}
    if kind == "step_table":
        return {
            "type": "step_table",
            "params": {
                "steps": [
                    {"min": "50", "points": str(maximum / 4)},
                    {"min": "70", "points": str(maximum / 2)},
                    {"min": "90", "points": str(maximum), "strict": True},
                ],
                "below": "0",
            },
        }
    items = [{"code": code, "points": str(maximum / 2)} for code in "abcde"[: rng.randint(3, 5)]]
    return {"type": "checklist", "params": {"items": items, "cap": str(maximum)}}


def build_framework(rng: random.Random) -> Framework:
    """The synthetic framework, through its dictionary (YAML) form as a user would write it."""
    kinds = [kind for kind, count in RULE_MIX.items() for _ in range(count)]
    maxima = list(LEAF_MAXIMA)
    rng.shuffle(kinds)
    rng.shuffle(maxima)
    leaves = iter(zip(kinds, maxima, strict=True))

    def leaf(code: str, level: str) -> dict[str, Any]:
        kind, maximum = next(leaves)
        return {
            "code": code,
            "name_vi": f"Tiêu chí {code}",
            "level": level,
            "max_points": str(maximum),
            "method": "self",
            "rule": _rule(kind, maximum, rng),
        }

    def total(children: list[dict[str, Any]]) -> str:
        return str(sum((Decimal(child["max_points"]) for child in children), Decimal(0)))

    fields = []
    for f, (leaf_count, split) in enumerate(zip(LEAVES_PER_FIELD, SPLIT_CRITERIA_PER_FIELD, strict=True), 1):
        criteria = []
        for c in range(1, leaf_count - split + 1):
            code = f"{f}.{c}"
            if c <= split:
                components = [leaf(f"{code}.{k}", "component") for k in (1, 2)]
                criteria.append(
                    {
                        "code": code,
                        "name_vi": f"Tiêu chí {code}",
                        "level": "criterion",
                        "max_points": total(components),
                        "method": "self",
                        "children": components,
                    }
                )
            else:
                criteria.append(leaf(code, "criterion"))
        fields.append(
            {
                "code": str(f),
                "name_vi": f"Lĩnh vực {f}",
                "level": "field",
                "max_points": total(criteria),
                "method": "self",
                "children": criteria,
            }
        )
    return framework_from_dict(
        {
            "code": "benchmark-communes",
            "index": "par_index_commune",
            "name_vi": "Chỉ số CCHC cấp xã (khung thử nghiệm)",
            "scope": "commune",
            "status": "assumed",
            "ranking": {"precision": 2, "of": "peer_set", "groups": {"method": "none"}},
            "root": {
                "code": "total",
                "name_vi": "Tổng điểm",
                "level": "index",
                "max_points": total(fields),
                "method": "self",
                "children": fields,
            },
        }
    )


def commune_codes() -> list[str]:
    """The official codes of the 3,321 communes, or made-up ones if chiso's data is missing."""
    try:
        from chiso.data import commune_units

        codes = [unit.code for unit in commune_units()]
    except ImportError:
        codes = []
    return codes if len(codes) == COMMUNES else [f"{i:05d}" for i in range(1, COMMUNES + 1)]


@dataclass
class Inputs:
    chiso: dict[str, dict[str, dict[str, Any]]]  # commune → leaf → field → Decimal (or item list)
    pandas: pd.DataFrame  # one row per commune; columns (leaf, field) as float64 or bool


def build_inputs(framework: Framework, units: list[str], rng: random.Random) -> Inputs:
    """Seeded inputs for every leaf of every commune, in both shapes, from the same draws."""
    by_unit: dict[str, dict[str, dict[str, Any]]] = {unit: {} for unit in units}
    columns: dict[tuple[str, str], list[Any]] = {}
    quarter = Decimal("0.25")
    for node in framework.leaves():
        kind, maximum = node.rule.type, node.max_points
        if kind == "checklist":
            items = [item["code"] for item in node.rule.params["items"]]
            for item in items:
                columns[(node.code, item)] = []
        for unit in units:
            if kind == "manual":
                quarters = rng.randint(0, int(maximum * 4))
                leaf = {"points": quarters * quarter}
            elif kind == "proportional":
                denominator = 0 if rng.random() < 0.03 else rng.randint(1, 500)
                numerator = denominator - rng.randint(0, denominator // 3)
                leaf = {"numerator": Decimal(numerator), "denominator": Decimal(denominator)}
            elif kind == "step_table":
                leaf = {"value": Decimal(rng.randint(300, 1000)) / 10}  # a percentage, 1 decimal
            else:
                done = [item for item in items if rng.random() < 0.7]
                leaf = {"done": done}
                for item in items:
                    columns[(node.code, item)].append(item in done)
            by_unit[unit][node.code] = leaf
            if kind != "checklist":
                for field, value in leaf.items():
                    columns.setdefault((node.code, field), []).append(float(value))
    frame = pd.DataFrame(columns, index=pd.Index(units, name="commune"))
    return Inputs(by_unit, frame)


# -- chiso ------------------------------------------------------------------------------------------


def chiso_run(
    framework: Framework, inputs: dict[str, dict[str, dict[str, Any]]], timings: list | None = None
) -> tuple:
    """Scores, ranking and every node's figures; the time each stage took is added to `timings`."""
    clock = [time.perf_counter()]
    plan = ScoringPlan(framework)
    clock.append(time.perf_counter())
    scores = score_units(plan, inputs)
    clock.append(time.perf_counter())
    ranking = rank({unit: score.total for unit, score in scores.items()}, framework.ranking.precision)
    clock.append(time.perf_counter())
    indices = {unit: score.percents() for unit, score in scores.items()}  # percent of max, tree order
    clock.append(time.perf_counter())
    if timings is not None:
        timings.append(dict(zip(STAGES, (b - a for a, b in pairwise(clock)), strict=True)))
    return scores, ranking, indices


# -- pandas -----------------------------------------------------------------------------------------


@dataclass
class Tree:
    """The framework as plain arrays for the pandas side (prepared once, not measured)."""

    leaves: list[tuple[str, str, float, dict[str, Any]]]  # code, rule type, maximum, params
    parent: pd.Series  # node code → parent code
    depth: pd.Series  # node code → depth (root 0)
    maxima: pd.Series  # node code → maximum


def tree_of(framework: Framework) -> Tree:
    parent, depth, maxima = {}, {}, {}

    def walk(node: Any, level: int) -> None:
        depth[node.code] = level
        maxima[node.code] = float(node.max_points)
        for child in node.children:
            parent[child.code] = node.code
            walk(child, level + 1)

    walk(framework.root, 0)
    leaves = [(n.code, n.rule.type, float(n.max_points), n.rule.params) for n in framework.leaves()]
    return Tree(leaves, pd.Series(parent), pd.Series(depth), pd.Series(maxima))


def _leaf_points(kind: str, maximum: float, params: dict[str, Any], columns: pd.DataFrame) -> np.ndarray:
    if kind == "manual":
        return columns["points"].to_numpy()
    if kind == "proportional":
        numerator, denominator = columns["numerator"].to_numpy(), columns["denominator"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip(numerator * maximum / denominator, 0.0, maximum)
        return np.where(denominator == 0, maximum, share)
    if kind == "step_table":
        value = columns["value"].to_numpy()
        conditions, points = [], []
        for step in reversed(params["steps"]):
            threshold = float(step["min"])
            conditions.append(value > threshold if step.get("strict") else value >= threshold)
            points.append(float(step["points"]))
        return np.select(conditions, points, float(params.get("below") or 0))
    items = {item["code"]: float(item["points"]) for item in params["items"]}
    done = columns[list(items)].to_numpy(dtype=float)
    total = done @ np.array(list(items.values()))
    return np.clip(np.minimum(total, float(params["cap"])), 0.0, maximum)


def pandas_run(
    tree: Tree, inputs: pd.DataFrame, precision: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Points of every node (rows: nodes, columns: communes), percents, and the rank of each total."""
    leaf_points = pd.DataFrame(
        {
            code: _leaf_points(kind, maximum, params, inputs[code])
            for code, kind, maximum, params in tree.leaves
        },
        index=inputs.index,
    ).T
    by_depth = {
        level: [frame] for level, frame in leaf_points.groupby(tree.depth[leaf_points.index].to_numpy())
    }
    for level in range(int(tree.depth.max()), 0, -1):
        block = pd.concat(by_depth[level])
        sums = block.groupby(tree.parent[block.index].to_numpy()).sum()
        by_depth.setdefault(level - 1, []).append(sums)
    points = pd.concat([frame for frames in by_depth.values() for frame in frames])
    percent = points.mul(100.0 / tree.maxima[points.index], axis=0)
    totals = points.loc["total"]
    rounded = np.floor((totals * 10.0**precision).round(6) + 0.5)  # half-up, float noise removed
    ranks = rounded.rank(method="min", ascending=False).astype(int)
    return points, percent, ranks


# -- the benchmark ----------------------------------------------------------------------------------


def _profile_chiso(framework: Framework, inputs: dict) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(chiso_run, framework, inputs)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(20)
    return out.getvalue()


def run(repeat: int = 3, profile: bool = False) -> dict:
    """Measure both sides; print the figures; return a summary for run.py."""
    rng = random.Random(SEED)
    framework = build_framework(rng)
    units = commune_codes()
    inputs = build_inputs(framework, units, rng)
    tree = tree_of(framework)
    precision = framework.ranking.precision
    nodes = sum(1 for _ in framework.nodes())
    kinds = {kind: sum(1 for leaf in tree.leaves if leaf[1] == kind) for kind in RULE_MIX}

    timings: list[dict[str, float]] = []
    chiso_time, (scores, ranking, indices) = best_of(
        lambda: chiso_run(framework, inputs.chiso, timings), repeat
    )
    stages = min(timings, key=lambda stage: sum(stage.values()))  # the fastest run's stages
    pandas_time, (points, percent, ranks) = best_of(
        lambda: pandas_run(tree, inputs.pandas, precision), repeat
    )
    memory = peak_memory(lambda: chiso_run(framework, inputs.chiso))
    pd_memory = peak_memory(lambda: pandas_run(tree, inputs.pandas, precision))

    # Agreement: totals, every node's percent, ranks.
    chiso_totals = np.array([float(scores[unit].total) for unit in units])
    total_gap = np.abs(chiso_totals - points.loc["total", units].to_numpy())
    chiso_percent = pd.DataFrame(
        {unit: [float(p) for p in indices[unit]] for unit in units},
        index=scores[units[0]].codes,
    )
    percent_gap = float(
        np.abs(chiso_percent.to_numpy() - percent.loc[chiso_percent.index, units].to_numpy()).max()
    )
    rank_disagreements = sum(ranking.rank_of(unit) != ranks[unit] for unit in units)
    tied = sum(entry.tied for entry in ranking.entries)

    print("Communes — scoring, ranking and component indices")
    print(machine())
    print(
        f"communes: {len(units)}; framework: {nodes} nodes, {len(tree.leaves)} leaves "
        f"({', '.join(f'{count} {kind}' for kind, count in kinds.items())}), "
        f"maximum {framework.max_points.normalize():f} points"
    )
    print(f"best of {repeat} runs; peak memory: tracemalloc, one untimed run")
    print()
    verdict = "met" if chiso_time < TARGET_SECONDS else "NOT met"
    print(
        table(
            ["", "chiso", "pandas", "chiso/pandas", "target"],
            [
                [
                    "wall time (plan + score + rank + indices)",
                    seconds(chiso_time),
                    seconds(pandas_time),
                    ratio(chiso_time, pandas_time),
                    f"target < {TARGET_SECONDS:g} s: {verdict}",
                ],
                ["peak memory", mebibytes(memory), mebibytes(pd_memory), ratio(memory, pd_memory), ""],
            ],
        )
    )
    print("chiso by stage (fastest run): " + ", ".join(f"{name} {seconds(t)}" for name, t in stages.items()))
    print()
    print(
        f"totals agree within {TOLERANCE:g}: {'yes' if total_gap.max() <= TOLERANCE else 'no'} "
        f"(largest gap {total_gap.max():.1e}; {int((total_gap > TOLERANCE).sum())} over)"
    )
    print(
        f"component indices agree within {TOLERANCE:g}: {'yes' if percent_gap <= TOLERANCE else 'no'} "
        f"(largest gap {percent_gap:.1e}, {chiso_percent.size} node figures)"
    )
    print(
        f"ranks agree: {'yes' if rank_disagreements == 0 else 'no'} "
        f"({rank_disagreements} disagreements; {tied} communes share a rank at {precision} decimals)"
    )
    if profile:
        print()
        print("chiso, one run under cProfile:")
        print(_profile_chiso(framework, inputs.chiso))
    ok = total_gap.max() <= TOLERANCE and percent_gap <= TOLERANCE and rank_disagreements == 0
    return {
        "name": "Communes: score 100 criteria",
        "size": f"{len(units):,} communes × {len(tree.leaves)} leaves",
        "chiso": chiso_time,
        "pandas": pandas_time,
        "memory": memory,
        "pandas_memory": pd_memory,
        "target": TARGET_SECONDS,
        "ok": bool(ok),
        "ranks_agree": rank_disagreements == 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the best is shown")
    parser.add_argument("--profile", action="store_true", help="also profile one chiso run (cProfile)")
    args = parser.parse_args(argv)
    summary = run(args.repeat, args.profile)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
