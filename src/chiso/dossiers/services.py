"""Import dossier exports into the data folder and compute the 766 index for a period.

An import is all or nothing: a file with a wrong row writes nothing and returns the row errors. Its
rows become one Parquet file (canonical columns) under ``dossiers/imports/``; a dossier that an
earlier import holds is taken out of the earlier file (the new row replaces it), so importing the
same export twice changes nothing. Files are written under a pending name and moved in when the
transaction commits (as the surveys' answer files). Rows whose unit code the registry does not know
on their date are imported and listed row by row (`unit_codes`); the steps go to a `Progress` (the
background job's page, the command line's bar).

`compute` reads every import's file with `engines.compute` (DuckDB or Spark), turns the measures into
the framework's inputs (`inputs.leaf_inputs`), scores them with the engine and stores one
`DossierRun` per period, with the method (engine, files, seconds, framework, time).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.progress import Progress, no_progress
from chiso.dossiers import engines, schema, unit_codes
from chiso.dossiers.inputs import leaf_inputs
from chiso.dossiers.mapping import ColumnMapping
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.dossiers.periods import parse_period
from chiso.dossiers.publish import write_period_results
from chiso.engine.analysis import node_to_rank
from chiso.engine.scoring import score_units

PENDING = ".pending"
LOSS_ROWS = 50  # the (unit, procedure) rows with most late dossiers kept for the page


@dataclass
class ImportOutcome:
    """What an import did, or (`errors`) why it wrote nothing; `warnings`: the rows imported whose
    unit code the registry does not know (row by row, the first ones) and their summary first."""

    file_name: str
    total: int = 0
    imported: int = 0
    replaced: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_units: dict[str, int] = field(default_factory=dict)  # code → rows
    batch: DossierImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_of(batch: DossierImport) -> Path | None:
    """The import's file on disk: moved in, or still pending inside the importing transaction."""
    if not batch.path:
        return None
    final = Path(default_storage.path(batch.path))
    if final.exists():
        return final
    pending = final.with_name(final.name + PENDING)
    return pending if pending.exists() else None


def _write(frame: pl.DataFrame, name: str) -> None:
    final = Path(default_storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    pending = final.with_name(final.name + PENDING)
    frame.write_parquet(pending, compression="zstd", statistics=True)
    transaction.on_commit(lambda: os.replace(pending, final) if pending.exists() else None)


def import_file(
    path: Path,
    *,
    kind: str = DossierImport.Kind.DOSSIERS,
    mapping: ColumnMapping | None = None,
    user: Any = None,
    file_name: str = "",
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Import one export (CSV or Parquet): all its rows, or none with the row errors. `file_name` is
    the name its sender gave it (the path's name by default); `progress` hears each step."""
    name = (file_name or path.name)[:255]
    steps = 3 + DossierImport.objects.filter(kind=kind).exclude(path="").count()
    progress(0, steps, _("Đọc và kiểm tra từng dòng của {name}").format(name=name))
    dossiers = kind == DossierImport.Kind.DOSSIERS
    try:
        read = (schema.read_dossiers if dossiers else schema.read_procedures)(path, mapping)
    except (schema.SchemaError, ValueError) as error:
        return ImportOutcome(name, errors=[str(error)])
    if not read.ok:
        return ImportOutcome(name, total=read.total, errors=read.messages(50))
    progress(1, steps, _("Đối chiếu mã đơn vị với danh mục ({rows} dòng)").format(rows=read.rows.height))
    unknown = unit_codes.check(read.rows, read.lines, "received_at" if dossiers else "published_at")
    outcome = ImportOutcome(name, total=read.total, imported=read.rows.height)
    if unknown.rows:
        outcome.warnings = [unknown.summary(), *unknown.messages]
        outcome.unknown_units = unknown.by_code
    pendings: list[Path] = []
    try:
        with transaction.atomic():
            key = "dossier_id" if dossiers else ["procedure_code", "unit_code"]
            outcome.replaced = _take_out_of_earlier(kind, read.rows, key, pendings, progress, steps)
            progress(steps - 1, steps, _("Ghi {rows} dòng").format(rows=read.rows.height))
            batch = DossierImport.objects.create(
                kind=kind,
                file_name=name,
                sha256=_sha256(path),
                total_rows=read.total,
                imported=read.rows.height,
                replaced=outcome.replaced,
                rows=read.rows.height,
                user=user if getattr(user, "is_authenticated", False) else None,
            )
            batch.path = f"dossiers/{kind}/{batch.pk}-{batch.sha256[:12]}.parquet"
            pendings.append(Path(default_storage.path(batch.path + PENDING)))
            _write(read.rows, batch.path)
            if read.names is not None and not read.names.is_empty():
                names_path = names_file(batch.path)
                pendings.append(Path(default_storage.path(names_path + PENDING)))
                _write(read.names, names_path)
            batch.save(update_fields=["path"])
    except BaseException:
        for pending in pendings:
            pending.unlink(missing_ok=True)
        raise
    progress(steps, steps, _("Đã nhập {rows} dòng").format(rows=read.rows.height))
    outcome.batch = batch
    return outcome


def names_file(batch_path: str) -> str:
    """Where the names of the procedures of an import are kept, beside its rows."""
    return batch_path.removesuffix(".parquet") + "-names.parquet"


def _take_out_of_earlier(
    kind: str, rows: pl.DataFrame, key: Any, pendings: list[Path], progress: Progress, steps: int
) -> int:
    """Rewrite the earlier imports' files without the rows this import replaces; their count."""
    keys = rows.select(key).unique()
    replaced = 0
    found_earlier = list(DossierImport.objects.select_for_update().filter(kind=kind).exclude(path=""))
    for number, earlier in enumerate(found_earlier, start=1):
        progress(
            min(1 + number, steps - 2),
            steps,
            _("Thay các hồ sơ đã nhập trước (tệp {n}/{count})").format(n=number, count=len(found_earlier)),
        )
        found = file_of(earlier)
        if found is None:
            continue
        frame = pl.read_parquet(found)
        kept = frame.join(keys, on=key, how="anti")
        gone = frame.height - kept.height
        if gone:
            replaced += gone
            pendings.append(found.with_name(Path(earlier.path).name + PENDING))
            _write(kept, earlier.path)
            earlier.rows = kept.height
            earlier.save(update_fields=["rows"])
    return replaced


def files(kind: str) -> list[Path]:
    """The Parquet files of every import of a kind that still holds rows."""
    out = []
    for batch in DossierImport.objects.filter(kind=kind, rows__gt=0).exclude(path="").order_by("pk"):
        found = file_of(batch)
        if found is not None:
            out.append(found)
    return out


def framework(year: int | None = None) -> Any:
    """The 766 framework a computation uses: the organiser's own version of it, where the organiser
    set the maxima and rules the decision leaves unknown (`chiso.dossiers.assumptions`), else the
    built-in one (loaded from the shipped files when missing)."""
    from chiso.dossiers.assumptions import builtin, organiser_version

    return organiser_version(year) or builtin()


def _scorable(framework: Any, inputs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Leave out a ratio with nothing to count when its rule does not say how to score that case."""
    out = {}
    for code, given in inputs.items():
        try:
            node = framework.node(code)
        except KeyError:
            continue
        if node.rule is None:
            continue
        params = node.rule.params or {}
        if given.get("denominator") == 0 and params.get("when_no_occurrence", "error") == "error":
            continue
        out[code] = given
    return out


def compute(
    period: str,
    engine: str = "duckdb",
    master: str | None = None,
    *,
    under: str | None = None,
    user: Any = None,
) -> DossierRun:
    """Compute the 766 index of every unit for a period and store it (a new run replaces none: the
    latest run of a period is the one shown), and publish it as the index's result sets of the period,
    one per level (`dossiers.publish`: a new version; the one it replaces is kept, superseded)."""
    start, end = parse_period(period)
    dossier_files = files(DossierImport.Kind.DOSSIERS)
    procedure_files = files(DossierImport.Kind.PROCEDURES)
    result = engines.compute(dossier_files, procedure_files, start, end, engine=engine, master=master)
    by_unit = result.by_unit
    by_procedure = result.by_procedure
    if under:
        from chiso.units.models import Unit

        codes = _codes_under(Unit, under)
        by_unit = by_unit.filter(pl.col("unit_code").is_in(codes))
        by_procedure = by_procedure.filter(pl.col("unit_code").is_in(codes))
    stored = framework(start.year)  # the version in force in the period's year
    engine_framework = stored.to_engine()
    measures = {
        row["unit_code"]: {k: v for k, v in row.items() if k != "unit_code"} for row in by_unit.to_dicts()
    }
    inputs = {code: _scorable(engine_framework, leaf_inputs(m)) for code, m in measures.items()}
    scored = score_units(engine_framework, inputs)
    scores = {
        str(code): {node: str(value) for node, value in _values(score).items()}
        for code, score in scored.items()
    }
    losses = (
        by_procedure.filter(pl.col("dossiers_late") > 0)
        .sort(["dossiers_late", "unit_code", "procedure_code"], descending=[True, False, False])
        .head(LOSS_ROWS)
        .to_dicts()
    )
    names = [p.name for p in (*dossier_files, *procedure_files)]
    with transaction.atomic():  # the run and its result set, or nothing
        run = DossierRun.objects.create(
            period=period.strip(),
            engine=result.engine,
            seconds=round(result.seconds, 3),
            files=names,
            framework=stored,
            scores=scores,
            measures=measures,
            losses=losses,
            user=user if getattr(user, "is_authenticated", False) else None,
        )
        method = {"engine": run.engine, "seconds": run.seconds, "run": run.pk, "under": under or ""}
        written = write_period_results(stored, run.period, _values_by_unit(scored), method, names, user)
        run.unmatched = written.unmatched
        run.save(update_fields=["unmatched"])
        run.result_sets.set(written.result_sets)
    return run


def _values_by_unit(scored: Mapping[Any, Any]) -> dict[str, dict[str, Decimal]]:
    return {str(code): _values(score) for code, score in scored.items()}


def _values(score: Any) -> dict[str, Decimal]:
    return {code: node.points for code, node in score.nodes.items() if node.points is not None}


def _codes_under(unit_model: Any, code: str) -> list[str]:
    """The codes of a unit and every unit under it (departments and communes of a province)."""
    found, frontier = {code}, [code]
    while frontier:
        children = set(unit_model.objects.filter(parent_code__in=frontier).values_list("code", flat=True))
        frontier = sorted(children - found)
        found.update(children)
    return sorted(found)


def latest_runs(limit: int = 13) -> Sequence[DossierRun]:
    """The latest run of each period, newest period first (bounded)."""
    seen: dict[str, DossierRun] = {}
    for run in DossierRun.objects.order_by("-created", "-id")[: limit * 4]:
        seen.setdefault(run.period, run)
    return sorted(seen.values(), key=lambda r: r.period, reverse=True)[:limit]


@dataclass
class Row:
    """One unit of a period's table: its node values, its rank on the ranked node, the change."""

    code: str
    values: dict[str, Decimal]
    rank: int | None = None
    previous_rank: int | None = None
    change: Decimal | None = None  # ranked node's points minus the previous period's


def ranked_node(run: DossierRun, codes: Sequence[str] | None = None) -> str:
    """The node a run's table (of `codes`, or of every unit) ranks on (`engine.analysis.node_to_rank`)."""
    scores = [run.scores.get(code, {}) for code in codes] if codes is not None else list(run.scores.values())
    return node_to_rank(run.framework.to_engine(), lambda node: sum(node in values for values in scores))


def previous_run(run: DossierRun) -> DossierRun | None:
    """The latest run of the period before (the month, quarter or year before)."""
    candidates = DossierRun.objects.filter(period__lt=run.period).only("id", "period", "scores", "created")
    same_kind = [
        r for r in candidates.order_by("-period", "-created")[:40] if _kind(r.period) == _kind(run.period)
    ]
    return same_kind[0] if same_kind else None


def _kind(period: str) -> tuple[int, bool]:
    """Months, quarters and years are compared with their own kind only."""
    return len(period), "Q" in period


def table(
    run: DossierRun, codes: Sequence[str] | None = None, node: str | None = None
) -> tuple[str, list[Row]]:
    """The period's rows ranked on `node` (by default `ranked_node(run)`), with the rank and points
    change from the period before; `codes` limits the peers (the departments, the communes)."""
    from chiso.engine.ranking import rank

    node = node or ranked_node(run)
    wanted = set(codes) if codes is not None else set(run.scores)
    values = {
        code: {k: Decimal(v) for k, v in vals.items()} for code, vals in run.scores.items() if code in wanted
    }
    ranking = rank(
        {code: vals.get(node) for code, vals in values.items()}, run.framework.to_engine().ranking.precision
    )
    before = previous_run(run)
    previous = None
    if before is not None:
        old = {c: Decimal(v[node]) for c, v in before.scores.items() if c in wanted and node in v}
        previous = rank(dict(old), ranking.precision)
    rows = []
    for code, vals in values.items():
        row = Row(code, vals, ranking.rank_of(code))
        if previous is not None and (entry := previous.entry(code)) is not None:
            row.previous_rank = entry.rank
            if node in vals:
                row.change = vals[node] - entry.value
        rows.append(row)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return node, rows
