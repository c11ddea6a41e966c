"""Start-up time of the `chiso` command, each run a whole new process, against `python -c pass`.

What is measured
    chiso --help                          the parser alone (no Django, no data libraries);
    chiso profile papi 2021 "Ninh Thuận"  a typical query: Django, one year's results, one profile;
    python -c pass                        the interpreter's own start, measured in turn with them.
The commands run in turn (pass, help, profile, pass, help, …) so that a change in the machine's
speed touches all three alike. The database is a new embedded SQLite one, prepared once by
`chiso setup` before any timing. Ratios are chiso / `python -c pass`.

Targets: --help ≤ 0.3 s, profile ≤ 0.8 s (median wall time).

Run:  python benchmarks/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _common import ratio, seconds, table

COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "chiso --help": ["-m", "chiso.cli.main", "--help"],
    'chiso profile papi 2021 "Ninh Thuận"': ["-m", "chiso.cli.main", "profile", "papi", "2021", "Ninh Thuận"],
}
TARGETS = {"chiso --help": 0.3, 'chiso profile papi 2021 "Ninh Thuận"': 0.8}


def wall_time(arguments: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its end; a failed command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *arguments], env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stderr.decode()}")
    return elapsed


def run(repeat: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CHISO_HOME": home}
        env.pop("DATABASE_URL", None)
        wall_time(["-m", "chiso.cli.main", "setup"], env)
        for arguments in COMMANDS.values():  # warm the file cache and the bytecode
            wall_time(arguments, env)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(repeat):
            for name, arguments in COMMANDS.items():
                times[name].append(wall_time(arguments, env))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command (default 7)")
    args = parser.parse_args(argv)
    times = run(args.repeat)
    base = statistics.median(times["python -c pass"])
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        target = TARGETS.get(name)
        rows.append(
            [
                name,
                seconds(min(values)),
                seconds(median),
                ratio(median, base),
                "–" if target is None else f"≤ {target:g} s: {'met' if median <= target else 'NOT met'}",
            ]
        )
    print(f"Start-up, whole processes, {args.repeat} runs each in turn (min, median; ratio of medians)")
    print(table(["command", "min", "median", "× python -c pass", "target"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
