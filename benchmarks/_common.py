"""Helpers shared by the benchmark scripts: best-of-N wall time, peak traced memory, printing.

Timing and memory are measured in separate runs: tracemalloc slows allocation-heavy code (Decimal
arithmetic especially) by a large factor, so a timed run never has tracing switched on.
"""

from __future__ import annotations

import gc
import os
import platform
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def best_of(function: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The shortest wall time (seconds, `time.perf_counter`) of `repeat` calls, and the last result.

    The garbage collector stays on (as in real use) but runs before each call, so that one call
    does not pay for the garbage of the one before; no earlier result is kept alive meanwhile.
    """
    best = float("inf")
    result: Any = None
    for _ in range(max(1, repeat)):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(function: Callable[[], object]) -> int:
    """Peak bytes allocated by Python (and by numpy, which reports to tracemalloc) during one call."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def mebibytes(value: int) -> str:
    return f"{value / 2**20:.1f} MiB"


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.1f}×" if denominator else "–"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [list(map(str, header))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def machine() -> str:
    """One line about the interpreter and the machine (no names or paths)."""
    import numpy
    import pandas

    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"pandas {pandas.__version__}, numpy {numpy.__version__}, {os.cpu_count()} CPU"
    )
