"""Run the measures of `chiso.dossiers.aggregate` on DuckDB (embedded, the default) or on Apache Spark
(PySpark: local mode ``local[*]`` by default, a cluster with ``master="spark://…"``), and return
Polars frames: the same expression, the same figures.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from chiso.dossiers.aggregate import PROCEDURE_MEASURES, UNIT_MEASURES, detail, roll_up
from chiso.dossiers.schema import PROCEDURE_SCHEMA
from chiso.engine.i18n import gettext as _

ENGINES = ("duckdb", "spark")
LOCAL_MASTER = "local[*]"


class EngineError(RuntimeError):
    """An engine that cannot run here (PySpark or Java missing), or files it cannot read."""


@dataclass(frozen=True)
class ComputeResult:
    """The measures per unit and per (unit, procedure), which engine computed them, and how long."""

    by_unit: pl.DataFrame
    by_procedure: pl.DataFrame
    engine: str
    seconds: float


def compute(
    dossiers: Sequence[Path],
    procedures: Sequence[Path],
    start: date,
    end: date,
    engine: str = "duckdb",
    master: str | None = None,
) -> ComputeResult:
    """The measures of the period [start, end) from Parquet files of canonical columns."""
    if engine not in ENGINES:
        raise EngineError(_("Không có bộ máy tính {engine!r}: duckdb hoặc spark.").format(engine=engine))
    if not dossiers:
        raise EngineError(_("Không có tệp hồ sơ nào."))
    import ibis

    began = time.perf_counter()
    con = _duckdb() if engine == "duckdb" else _spark(master)
    d = _read(con, dossiers)
    p = _read(con, procedures) if procedures else _empty_procedures(con)
    # The dossiers are read once, into the small per-(unit, procedure) detail; both outputs are its sums.
    fine = ibis.memtable(detail(d, start, end).to_pyarrow())
    by_unit, by_procedure = roll_up(fine, p, start, end)
    units = _normalise(by_unit.to_polars(), ("unit_code",), UNIT_MEASURES)
    procs = _normalise(by_procedure.to_polars(), ("unit_code", "procedure_code"), PROCEDURE_MEASURES)
    return ComputeResult(units, procs, engine, time.perf_counter() - began)


def _normalise(frame: pl.DataFrame, keys: tuple[str, ...], counts: tuple[str, ...]) -> pl.DataFrame:
    """Same column order, types and row order whatever the engine."""
    return frame.select(
        *(pl.col(k).cast(pl.String) for k in keys), *(pl.col(c).fill_null(0).cast(pl.Int64) for c in counts)
    ).sort(keys)


def _duckdb() -> Any:
    import ibis

    con = ibis.duckdb.connect()
    con.raw_sql("SET enable_progress_bar = false")
    return con


def _read(con: Any, paths: Sequence[Path]) -> Any:
    names = [str(path) for path in paths]
    if con.name == "duckdb":
        return con.read_parquet(names)
    tables = [con.read_parquet(name) for name in names]
    table = tables[0]
    for other in tables[1:]:
        table = table.union(other)
    return table


def _empty_procedures(con: Any) -> Any:
    """No procedures file: an empty table of the right columns (the backend registers it)."""
    import ibis

    return ibis.memtable(pl.DataFrame(schema=PROCEDURE_SCHEMA).to_arrow())


_sessions: dict[str, Any] = {}


def spark_session(master: str | None = None) -> Any:
    """The PySpark session for `master` (local mode by default), started once per process."""
    import shutil

    master = master or LOCAL_MASTER
    if master in _sessions:
        return _sessions[master]
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(_("Chưa cài PySpark: pip install 'chiso[spark]'.")) from exc
    if master.startswith("local") and not shutil.which("java"):
        raise EngineError(_("Spark cần Java 17 trở lên: không tìm thấy lệnh java."))
    session = (
        SparkSession.builder.master(master)
        .appName("chiso-dossiers")
        .config("spark.sql.session.timeZone", "UTC")
        # Nothing is stored as a Spark table; should anything be, not in the current folder.
        .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "chiso-spark-warehouse"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8" if master.startswith("local") else "200")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    _sessions[master] = session
    return session


def stop_spark() -> None:
    """Stop every session this process started."""
    while _sessions:
        _sessions.popitem()[1].stop()


def _spark(master: str | None) -> Any:
    import ibis

    return ibis.pyspark.connect(spark_session(master))
