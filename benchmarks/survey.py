"""Survey indices at national scale: every domain's index and 95 % CI, and the ratio against svy.

What is measured
    Synthetic, seeded survey microdata: --responses respondents (default 1,000,000) answering
    --questions 5-point items (default 30, six factors of five items), spread over --units units
    (default 3,000), two respondent types, two strata per unit, 5 PSUs per stratum, unequal
    weights and ~5 % missing answers. `chiso.engine.survey.estimate_satisfaction` computes, for
    every (unit × respondent type), the index per question, per factor and overall, each with
    its Taylor-linearised SE, domain df, t-based 95 % CI, n, Kish n_eff and small-n flag.

    Time: the best of --repeat runs (time.perf_counter), data generation excluded.
    Memory: the process's peak resident set size (resource.getrusage ru_maxrss) — this sees the
    native allocations of Polars and NumPy, which tracemalloc does not. It is reported for the
    whole process (Python, libraries, the synthetic data and the estimation), and as the rise
    during estimation above the peak reached before it.

    svy ratio: on --svy-responses respondents (default 100,000) × 100 units × 1 question, the
    same design, chiso against `svy` (`Sample.estimation.mean(y, by=unit, drop_nulls=True)`),
    after checking both give the same index, SE and CI to 1e-9. svy is optional: without it
    that part is skipped.

Run: ``.venv/bin/python benchmarks/survey.py`` (``--responses 100000`` for a quick run).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time

import numpy as np
import polars as pl

from chiso.engine.survey import Design, Item, estimate_satisfaction

TARGET_SECONDS = 5.0
TARGET_BYTES = 2 * 2**30


def peak_rss() -> int:
    """Peak resident set size of this process in bytes (Linux reports KiB, macOS bytes)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


def synthetic(responses: int, questions: int, units: int, seed: int = 20260101) -> pl.DataFrame:
    """Seeded microdata: unit, respondent type, stratum, PSU, weight and `questions` answers 1–5."""
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, units, responses, dtype=np.int32)
    stratum = unit * 2 + rng.integers(0, 2, responses, dtype=np.int32)
    columns: dict[str, np.ndarray] = {
        "unit": unit,
        "respondent_type": rng.integers(0, 2, responses, dtype=np.int8),
        "stratum": stratum,
        "psu": rng.integers(0, 5, responses, dtype=np.int8),
        "weight": rng.gamma(4.0, 0.5, responses) + 0.1,
    }
    level = rng.normal(0, 0.6, units)[unit]  # units differ in satisfaction
    for q in range(questions):
        latent = rng.normal(3.4, 1.0, responses) + level
        answer = np.clip(np.rint(latent), 1, 5).astype(np.int8)
        columns[f"q{q + 1}"] = answer
    frame = pl.DataFrame(columns)
    missing = pl.Series(rng.uniform(size=responses) < 0.05)
    return frame.with_columns(
        pl.when(missing.shift(q, fill_value=False))
        .then(None)
        .otherwise(pl.col(f"q{q + 1}"))
        .alias(f"q{q + 1}")
        for q in range(questions)
    )


def items(questions: int) -> list[Item]:
    return [Item(f"q{q + 1}", ("4", "5"), factor=f"F{q // 5 + 1}") for q in range(questions)]


DESIGN = Design(unit="unit", respondent_type="respondent_type", weight="weight", stratum="stratum", psu="psu")


def best_of(function, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--svy-responses", type=int, default=100_000)
    parser.add_argument("--no-svy", action="store_true")
    args = parser.parse_args(argv)

    frame = synthetic(args.responses, args.questions, args.units)
    gc.collect()
    before = peak_rss()
    seconds, result = best_of(
        lambda: estimate_satisfaction(frame, items(args.questions), DESIGN), args.repeat
    )
    after = peak_rss()
    assert isinstance(result, pl.DataFrame)
    counts = result.group_by("level").len().sort("level")
    print(
        f"chiso survey: {args.responses:,} responses × {args.questions} questions × {args.units:,} units "
        "(2 respondent types, 2 strata/unit, 5 PSUs/stratum, unequal weights)"
    )
    print(
        "  domains estimated: "
        + ", ".join(f"{lvl} {n:,}" for lvl, n in counts.iter_rows())
        + f" (total {result.height:,})"
    )
    print(f"  time (best of {args.repeat}):        {seconds:.2f} s")
    print(f"  peak RSS, whole process:    {after / 2**20:,.0f} MiB")
    print(
        f"  rise during estimation:     {(after - before) / 2**20:,.0f} MiB (above {before / 2**20:,.0f} MiB before)"
    )
    print(
        f"  target ≤ 5 s, ≤ 2 GB: {'met' if seconds <= TARGET_SECONDS and after <= TARGET_BYTES else 'NOT met'}"
    )

    if args.no_svy:
        return 0
    try:
        import svy
    except ImportError:
        print("svy not installed: ratio skipped")
        return 0
    small = synthetic(args.svy_responses, 1, 100, seed=7)
    ours_seconds, ours = best_of(
        lambda: estimate_satisfaction(
            small, items(1), Design(**{**DESIGN.__dict__, "respondent_type": None})
        ),
        args.repeat,
    )
    prepared = small.with_columns(
        pl.col("q1").is_in([4, 5]).cast(pl.Float64).alias("y"),
        (pl.col("stratum").cast(pl.Utf8) + "/" + pl.col("psu").cast(pl.Utf8)).alias("psu_in_stratum"),
        pl.col("unit").cast(pl.Utf8),
    )

    def run_svy() -> pl.DataFrame:
        sample = svy.Sample(prepared, svy.Design(stratum="stratum", psu="psu_in_stratum", wgt="weight"))
        return sample.estimation.mean("y", by="unit", drop_nulls=True).to_polars()

    svy_seconds, theirs = best_of(run_svy, args.repeat)
    assert isinstance(ours, pl.DataFrame) and isinstance(theirs, pl.DataFrame)
    joined = ours.filter(pl.col("level") == "question").join(theirs, on="unit")
    worst = max(
        float((joined[a] - joined[b]).abs().max())
        for a, b in (("index", "est"), ("se", "se"), ("ci_low", "lci"), ("ci_high", "uci"))
    )
    print(f"\nsvy {svy.__version__} side by side: {args.svy_responses:,} responses × 100 units × 1 question")
    print(
        f"  chiso {ours_seconds * 1000:.0f} ms, svy {svy_seconds * 1000:.0f} ms: chiso is {svy_seconds / ours_seconds:.1f}× faster"
    )
    print(f"  largest difference in index, SE, CI over {joined.height} domains: {worst:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
