"""Kobo imports at national scale: seconds and peak memory to import N responses and build the
estimation frame, on PostgreSQL and SQLite, the Parquet path beside the old one (a row per response).

What is measured
    A Kobo export ("XML values and headers", `;`-separated) of the shipped SIPAS form: the demo's
    synthetic 2025 rows (`chiso.demo.survey_file`, 64 columns, 14 departments) repeated to --rows
    rows with unique submission ids. Each figure comes from a fresh child process on a fresh
    database (migrated, the demo departments, the SIPAS questionnaire, one survey):

    - import: `chiso.surveys.services.import_responses` on the file (read, check every row, write);
    - frame: `chiso.surveys.services.response_frame` (the engine's input) after the import;
    - estimate: `chiso.surveys.services.estimate` (frame, engine, results stored);
    - peak RSS (MiB): the child's own `resource.getrusage(RUSAGE_SELF).ru_maxrss` once the import is
      done ("RSS import", what the target is about) and at its end, after the estimation ("RSS end")
      — the whole process: Python, Django, polars' native memory; the file's generation excluded.

    "old" is the path before this change, kept here to be measured: the same checked frame written
    as one `Response` row per response with its answers as JSON (`bulk_create`, 2,000 a batch), and
    the estimation frame built from those rows' JSON — as `import_responses` and `response_frame`
    did. It is skipped above --old-max rows (the issue measured 75.6 s and 1.2 GB at 100,000 on
    PostgreSQL).

    PostgreSQL: the database named by --postgres (created and dropped by the script, one per run);
    SQLite: a file in a temporary folder.

Run: ``.venv/bin/python benchmarks/kobo_scale.py --rows 100000 1000000 --postgres postgres://…/kobo_bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 2**30


def write_export(rows: int, path: Path) -> None:
    """The demo's synthetic Kobo rows, repeated to `rows` rows with unique ids."""
    import polars as pl

    from chiso.demo import survey_file

    sample = pl.DataFrame(survey_file.responses(2025, bad_rows=False), infer_schema_length=None)
    sample = sample.with_columns(pl.all().cast(pl.Utf8))
    repeats = -(-rows // sample.height)
    frame = pl.concat([sample] * repeats).head(rows).with_row_index("_n")
    frame = frame.with_columns(
        pl.format("bench-{}", pl.col("_n")).alias("_uuid"),
        pl.col("_n").cast(pl.Utf8).alias("_id"),
    ).drop("_n")
    frame.write_csv(path, separator=";")


def _old_import(survey, frame, batch) -> None:
    """The old write: one Response per row, answers as JSON (as import_responses did)."""
    from chiso.surveys import responses as R
    from chiso.surveys.models import Response

    form = survey.questionnaire.form()
    answer_fields = [q.name for q in form.questions if q.role is None and q.name in frame.columns]
    has = {column: column in frame.columns for column in (R.WEIGHT, R.STRATUM, R.PSU)}
    rows = [
        Response(
            survey=survey,
            submission_id=str(record[R.SUBMISSION_ID]),
            unit_id=int(record[R.UNIT]),
            respondent_type=record[R.RESPONDENT_TYPE] or "",
            weight=record[R.WEIGHT] if has[R.WEIGHT] else None,
            stratum=(record[R.STRATUM] or "") if has[R.STRATUM] else "",
            psu=(record[R.PSU] or "") if has[R.PSU] else "",
            answers={name: record[name] for name in answer_fields if record[name] is not None},
            source=Response.Source.IMPORT,
            batch=batch,
        )
        for record in frame.iter_rows(named=True)
    ]
    Response.objects.bulk_create(rows, batch_size=2000)


def _old_frame(survey):
    """The old estimation frame: every row's JSON read back into Python objects."""
    import polars as pl

    form = survey.questionnaire.form()
    items = form.items(survey.questionnaire.satisfied_codes())
    rows = list(
        survey.responses.values_list("unit_id", "respondent_type", "weight", "stratum", "psu", "answers")
    )
    columns = {"unit": [str(r[0]) for r in rows], "respondent_type": [r[1] for r in rows]}
    for position, column in ((2, "weight"), (3, "stratum"), (4, "psu")):
        columns[column] = [r[position] for r in rows]
    for item in items:
        columns[item.code] = [r[5].get(item.code) for r in rows]
    return pl.DataFrame(columns, strict=False)


def child(path: Path, old: bool) -> dict[str, float]:
    """One measured run in this (fresh) process; the database in DATABASE_URL is empty."""
    from chiso.bootstrap import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from chiso.demo.people import departments
    from chiso.surveys import services
    from chiso.surveys.models import ImportBatch

    departments()
    survey = services.create_survey(services.sipas_questionnaire(), "Bench", 2025, "department")
    figures: dict[str, float] = {}
    start = time.perf_counter()
    if old:
        with transaction.atomic():
            frame, _report = services.check_responses(survey, path)
            batch = ImportBatch.objects.create(survey=survey, file_name=path.name, imported=frame.height)
            _old_import(survey, frame, batch)
        del frame
        figures["import"] = time.perf_counter() - start
        figures["import_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        start = time.perf_counter()
        rows = _old_frame(survey).height
        figures["frame"] = time.perf_counter() - start
    else:
        batch = services.import_responses(survey, path)
        figures["import"] = time.perf_counter() - start
        figures["import_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        start = time.perf_counter()
        rows = services.response_frame(survey)[0].height
        figures["frame"] = time.perf_counter() - start
        start = time.perf_counter()
        services.estimate(survey)
        figures["estimate"] = time.perf_counter() - start
    figures["rows"] = rows
    return figures


def run(path: Path, backend: str, postgres: str, old: bool) -> dict[str, float]:
    env = dict(os.environ)
    home = tempfile.mkdtemp(prefix="chiso-kobo-")
    env["CHISO_HOME"] = home
    env.pop("DATABASE_URL", None)
    if backend == "postgresql":
        name = urlparse(postgres).path.lstrip("/")
        server = postgres.rsplit("/", 1)[0] + "/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", server, "-qc", sql], check=True, capture_output=True)
        env["DATABASE_URL"] = postgres
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), *(["--old"] if old else [])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", default="", help="postgres://user@host:port/NAME (created, dropped)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--old-max", type=int, default=100_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--old", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        figures = child(args.child, args.old)
        figures["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(figures))
        return 0

    backends = (["postgresql"] if args.postgres else []) + ([] if args.no_sqlite else ["sqlite"])
    print("chiso Kobo import: the shipped SIPAS form, the demo's synthetic rows repeated, 14 departments")
    print(
        f"{'database':<11} {'path':<8} {'rows':>10} {'file MB':>8} {'import s':>9} {'frame s':>8} "
        f"{'estimate s':>10} {'RSS import':>10} {'RSS end':>8}  target (import; RSS in MiB)"
    )
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"kobo-{rows}.csv"
            write_export(rows, path)
            size = path.stat().st_size / 2**20
            for backend in backends:
                for old in (False, True):
                    if old and rows > args.old_max:
                        continue
                    f = run(path, backend, args.postgres, old)
                    met = f["import"] <= TARGET_SECONDS and f["import_rss"] <= TARGET_BYTES
                    estimate = f"{f['estimate']:.2f}" if "estimate" in f else "–"
                    print(
                        f"{backend:<11} {'old' if old else 'parquet':<8} {int(f['rows']):>10,} {size:>8.0f} "
                        f"{f['import']:>9.2f} {f['frame']:>8.2f} {estimate:>10} {f['import_rss'] / 2**20:>10,.0f} "
                        f"{f['rss'] / 2**20:>8,.0f}  "
                        f"{'met' if met else 'NOT met'}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
