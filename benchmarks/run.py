"""Run every benchmark and print a short summary table.

What is measured
    papi_all_years  every PAPI league table and province profile, 2011–2024 (see that script);
    communes        3,321 communes scored on a 100-criterion framework (see that script);
    vectorised      the same communes by the Decimal path, the column-wise engine and plain polars.
Each script prints its own figures first; the summary repeats the wall times, peak memory and
the checks. Ratios are chiso / pandas: 10× means chiso takes ten times as long (or as much
memory) as a plain pandas implementation of the same computation; chiso computes in exact
Decimal arithmetic and builds result objects, pandas works on columns of floats. The targets
are absolute times for chiso, independent of pandas.

The exit status is 1 when any benchmark's results disagree between chiso and pandas, or the
column-wise engine's with the Decimal path's.

Run:  python benchmarks/run.py [--repeat N] [--profile]
"""

from __future__ import annotations

import argparse
import sys
import time

import communes
import papi_all_years
import vectorised
from _common import mebibytes, ratio, seconds, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the best is shown")
    parser.add_argument("--profile", action="store_true", help="also profile one chiso run of communes")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    summaries = [papi_all_years.run(args.repeat)]
    print("\n")
    summaries.append(communes.run(args.repeat, args.profile))
    print("\n")
    columns = vectorised.run(max(args.repeat, 5))
    elapsed = time.perf_counter() - start

    rows = []
    for summary in summaries:
        target = summary["target"]
        rows.append(
            [
                summary["name"],
                summary["size"],
                seconds(summary["chiso"]),
                seconds(summary["pandas"]),
                ratio(summary["chiso"], summary["pandas"]),
                mebibytes(summary["memory"]),
                mebibytes(summary["pandas_memory"]),
                "–"
                if target is None
                else f"< {target:g} s: {'met' if summary['chiso'] < target else 'NOT met'}",
                "yes" if summary["ranks_agree"] else "NO",
                "yes" if summary["ok"] else "NO",
            ]
        )
    print("\n")
    print(f"Summary (best of {args.repeat}; all benchmarks ran in {seconds(elapsed)})")
    print(
        table(
            [
                "benchmark",
                "size",
                "chiso",
                "pandas",
                "chiso/pandas",
                "chiso peak",
                "pandas peak",
                "chiso target",
                "ranks agree",
                "all checks",
            ],
            rows,
        )
    )
    return 0 if all(summary["ok"] for summary in summaries) and columns["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
