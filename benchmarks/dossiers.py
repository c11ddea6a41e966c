"""The 766 measures over a month of dossiers: DuckDB, Spark (local mode) and plain Polars, side by side.

What is measured
    A month (October 2025) of synthetic dossiers from `chiso.dossiers.generate` (seeded, in parts
    of 5,000,000 rows, one Parquet file each) for --units units (default 600: a province's
    departments and communes), and the procedures they published. For each size in --sizes
    (default 1M, 10M, 50M; --skip-50m drops the last), each engine computes the measures per unit
    and per (unit, procedure) for [2025-10-01, 2025-11-01):

    - duckdb: `chiso.dossiers.engines.compute(engine="duckdb")`, the Ibis expression on DuckDB;
    - spark: the same expression on PySpark, master local[*];
    - polars: `chiso.dossiers.reference.measures`, the same aggregation written in plain Polars
      (scan_parquet, lazy).

    Each engine runs in its own process, so that its memory is its own, and computes twice: the
    first run ("cold": importing the backend, starting Spark's JVM, reading the files from disk)
    and the second ("seconds", the figure compared) are both printed. Time: wall time from the
    Parquet files to the Polars result (time.perf_counter), generation excluded. Memory: the process's peak resident set size (VmHWM), plus, for Spark, the peak
    of its JVM (VmHWM in /proc). The three results are checked identical at every size.

    Targets: 10,000,000 rows on DuckDB ≤ 10 s on this machine.

Run: ``.venv/bin/python benchmarks/dossiers.py [--skip-50m] [--no-spark] [--data DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

START, END = date(2025, 10, 1), date(2025, 11, 1)
PART = 5_000_000
TARGET_SECONDS = 10.0


def generate(folder: Path, rows: int, units: int) -> tuple[list[Path], list[Path]]:
    """The month's files for `rows` dossiers (made once, kept in `folder`)."""
    from chiso.dossiers.generate import generate as make
    from chiso.dossiers.generate import write

    codes = [f"22{index:04d}" for index in range(units)]
    target = folder / f"{rows}"
    dossiers = sorted(target.glob("part-*.parquet"))
    done = target / "done"
    if not done.exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for part, first in enumerate(range(0, rows, PART)):
            size = min(PART, rows - first)
            made = make(
                codes, START, size, seed=766 + part, publishers=codes if part == 0 else [], first=first
            )
            write(made, target / f"part-{part:03d}.parquet")
        done.touch()
        dossiers = sorted(target.glob("part-*.parquet"))
    files = [path for path in dossiers if not path.stem.endswith("-procedures")]
    procedures = [path for path in dossiers if path.stem.endswith("-procedures")][:1]
    return files, procedures


def worker(engine: str, manifest: Path, output: Path) -> None:
    """Compute once (twice for Spark), write the result, print timings and memory as JSON."""
    import polars as pl

    files = json.loads(manifest.read_text())
    dossiers, procedures = [Path(p) for p in files["dossiers"]], [Path(p) for p in files["procedures"]]
    jvm_peak = 0
    if engine == "polars":
        from chiso.dossiers.reference import measures

        empty = pl.DataFrame(schema={"procedure_code": pl.String, "unit_code": pl.String})

        def once() -> tuple[pl.DataFrame, pl.DataFrame, float]:
            began = time.perf_counter()
            scanned = pl.scan_parquet(procedures) if procedures else empty.lazy()
            units, procs = measures(pl.scan_parquet(dossiers), scanned, START, END)
            return units, procs, time.perf_counter() - began
    else:
        from chiso.dossiers.engines import compute, spark_session, stop_spark

        def once() -> tuple[pl.DataFrame, pl.DataFrame, float]:
            result = compute(dossiers, procedures, START, END, engine=engine)
            return result.by_unit, result.by_procedure, result.seconds

    began = time.perf_counter()
    once()
    cold = time.perf_counter() - began
    by_unit, by_procedure, seconds = once()
    if engine == "spark":
        jvm_peak = _high_water_mark(spark_session().sparkContext._gateway.proc.pid)
        stop_spark()
    by_unit.write_parquet(output / f"{engine}-units.parquet")
    by_procedure.write_parquet(output / f"{engine}-procedures.parquet")
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a worker started by a parent that
    # had just generated the data would report the parent's peak.
    peak = _high_water_mark(os.getpid())
    print(json.dumps({"seconds": seconds, "cold": cold, "peak": peak, "jvm_peak": jvm_peak}))


def _high_water_mark(pid: int) -> int:
    """A process's peak resident set size in bytes (VmHWM of /proc/PID/status; 0 when unknown)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run(engine: str, dossiers: list[Path], procedures: list[Path], scratch: Path) -> dict[str, float]:
    manifest = scratch / "manifest.json"
    manifest.write_text(
        json.dumps({"dossiers": [str(p) for p in dossiers], "procedures": [str(p) for p in procedures]})
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", engine, str(manifest), str(scratch)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def same(scratch: Path, engines: list[str]) -> bool:
    import polars as pl

    first = engines[0]
    return all(
        pl.read_parquet(scratch / f"{engine}-{table}.parquet").equals(
            pl.read_parquet(scratch / f"{first}-{table}.parquet")
        )
        for engine in engines[1:]
        for table in ("units", "procedures")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000,50000000")
    parser.add_argument("--skip-50m", action="store_true", help="leave out the 50,000,000-row month")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument(
        "--data", type=Path, help="keep the generated months here (default: a temporary folder)"
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.skip_50m:
        sizes = [size for size in sizes if size < 50_000_000]
    engines = ["duckdb", *([] if args.no_spark else ["spark"]), "polars"]
    data = args.data or Path(tempfile.mkdtemp(prefix="chiso-dossiers-"))
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}; data in {data}")
    rows_out = []
    for size in sizes:
        began = time.perf_counter()
        dossiers, procedures = generate(data, size, args.units)
        on_disk = sum(path.stat().st_size for path in dossiers) / 2**20
        print(
            f"{size:,} rows: {len(dossiers)} Parquet file(s), {on_disk:,.0f} MiB (ready in {time.perf_counter() - began:.0f} s)",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder)
            figures = {}
            for engine in engines:
                figures[engine] = run(engine, dossiers, procedures, scratch)
                cold = figures[engine]["cold"]
                print(
                    f"  {engine:<7} {figures[engine]['seconds']:8.2f} s (first run {cold:.2f} s)", flush=True
                )
            identical = same(scratch, engines)
        for engine in engines:
            rows_out.append(
                (
                    size,
                    engine,
                    figures[engine],
                    figures[engine]["seconds"] / figures["duckdb"]["seconds"],
                    identical,
                )
            )
    print()
    header = f"{'rows':>12} {'engine':<7} {'seconds':>9} {'rows/s':>12} {'peak RSS':>10} {'JVM peak':>9} {'× duckdb':>9} {'growth':>6} {'1st run':>8}  same"
    print(header)
    print("-" * len(header))
    first_seconds = {
        engine: s for size, engine, f, _, _ in rows_out if size == sizes[0] for s in [f["seconds"]]
    }
    for size, engine, f, ratio, identical in rows_out:
        jvm = f"{f['jvm_peak'] / 2**30:.2f} GiB" if f["jvm_peak"] else "–"
        growth = f["seconds"] / first_seconds[engine]
        print(
            f"{size:>12,} {engine:<7} {f['seconds']:>9.2f} {size / f['seconds']:>12,.0f} {f['peak'] / 2**30:>6.2f} GiB {jvm:>9} {ratio:>9.2f} {growth:>6.1f} {f['cold']:>8.2f}  {'yes' if identical else 'NO'}"
        )
    ten = [f["seconds"] for size, engine, f, _, _ in rows_out if size == 10_000_000 and engine == "duckdb"]
    if ten:
        verdict = "met" if ten[0] <= TARGET_SECONDS else "MISSED"
        print(f"\nTarget 10,000,000 rows on DuckDB ≤ {TARGET_SECONDS:.0f} s: {ten[0]:.2f} s, {verdict}.")


if __name__ == "__main__":
    main()
