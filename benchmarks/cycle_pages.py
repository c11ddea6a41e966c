"""A cycle of 3,321 communes × 100 criteria in the database: the pages an officer opens, against the
engine alone doing the same scoring.

What is measured
    The communes benchmark's framework and seeded inputs (benchmarks/communes.py: 100 leaves, 130
    nodes, four rule types) stored as a framework, a cycle of every commune valid on 31/12/2025
    (`create_cycle`), and every unit's inputs imported from one CSV file by the bulk path
    (`chiso.assessments.bulk.import_scores`: validated, scored, written in one transaction, the totals
    computed once). Then every unit is made approved with its points final (directly in the
    database: the workflow's per-unit steps are not what is measured), and the pages are opened
    in-process with Django's test client as an officer:

    results       the cycle's league table, first page of 100 lines (`/danh-gia/ky/N/ket-qua/`)
    print         the same table, every line on one page (`?trang=tat-ca`)
    unit          one commune's results page (`…/ket-qua/<code>/`)
    dashboard     the officer's dashboard of the cycle (`/dieu-hanh/ky/N/`)
    units         the cycle's units with their totals, first page of 100 (`/danh-gia/ky/N/`)
    assessment    one commune's assessment page (`/danh-gia/don-vi/N/`)
    export        the Excel workbook of the whole cycle

    "first" is the first view after the points changed (it computes and stores the cycle's
    figures once); "again" is the best of --repeat later views, which read the stored figures.
    Queries are counted on the later views (django.test.utils.CaptureQueriesContext).

    Then one criterion score is changed (saved through the ORM, as the workflow does) and the
    results, unit and dashboard pages are opened once ("… after a change"): they show the last
    stored table with a note while a background job computes the new one (`standings.refresh_job`,
    queued, not run: no worker in the benchmark), then that job is run in-process ("recompute
    job"). On code that computes in the request, "… after a change" is that computation.

    --baseline-ref REF runs this same script first against the `src` of a git ref (extracted with
    `git archive` into a temporary folder, in a subprocess, on a database of its own with SQLite; with DATABASE_URL, a cycle of its own in that database) and prints
    both runs side by side, each page against its target.

    Engine only: `ScoringPlan` + `score_units` + `rank` + every node's percent for the same
    communes, no database (benchmarks/communes.py's chiso side), best of --repeat runs.

Database
    SQLite in a new temporary folder by default; with DATABASE_URL set, that database (give it a
    database of its own: the benchmark adds a framework, a cycle and 332,100 scores, and migrates
    it first).

Run:  python benchmarks/cycle_pages.py [--repeat N] [--units N] [--baseline-ref main] [--json FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from _common import best_of, seconds, table

TARGETS = {
    "results": 1.0,
    "dashboard": 1.0,
    "unit": 0.2,
    "assessment": 0.2,
    "results after a change": 1.0,
    "dashboard after a change": 1.0,
    "unit after a change": 0.2,
}
ROOT = Path(__file__).resolve().parent.parent


def _django() -> str:
    if not os.environ.get("DATABASE_URL"):
        os.environ["CHISO_HOME"] = tempfile.mkdtemp(prefix="chiso-cycle-pages-")
    os.environ.setdefault("CHISO_LOG_LEVEL", "ERROR")
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready(out=io.StringIO(), communes=True)
    from django.db import connection

    return connection.vendor


def _csv(framework: Any, inputs: dict[str, dict[str, dict[str, Any]]]) -> bytes:
    """The import file: one row per commune, one column per input of each leaf."""
    import csv

    from chiso.assessments.bulk import inputs_of

    columns = [(leaf.code, name) for leaf in framework.leaves() for name in inputs_of(leaf)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã đơn vị", *(f"{code}.{name}" for code, name in columns)])
    for unit, leaves in inputs.items():
        row = [unit]
        for code, name in columns:
            value = leaves.get(code, {}).get(name)
            if isinstance(value, list):
                row.append(",".join(value) or "-")  # "-": no item done
            else:
                row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue().encode()


def _timed(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    response = client.get(url)
    first = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    best, response = best_of(lambda: client.get(url), repeat)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {"first": first, "again": best, "queries": len(queries), "bytes": len(response.content)}


def run(repeat: int = 3, units: int | None = None) -> dict[str, Any]:
    vendor = _django()
    from django.contrib.auth.models import User
    from django.db.models import F
    from django.test import Client
    from django.urls import reverse

    import communes
    from chiso.accounts.models import Membership, Role
    from chiso.assessments import bulk, standings
    from chiso.assessments.models import Assessment, CriterionScore, State
    from chiso.assessments.setup import create_cycle, load_sample_frameworks
    from chiso.frameworks.services import save_framework
    from chiso.units.models import Unit

    rng = random.Random(communes.SEED)
    engine_framework = communes.build_framework(rng)
    codes = communes.commune_codes()[: units or None]
    inputs = communes.build_inputs(engine_framework, codes, rng)
    engine_time, _ = best_of(lambda: communes.chiso_run(engine_framework, inputs.chiso), repeat)

    load_sample_frameworks()  # the communes' index (cchc_xa)
    stamp = time.strftime("%Y%m%d%H%M%S")
    row = save_framework(dataclasses.replace(engine_framework, index="cchc_xa", code=f"benchmark-xa-{stamp}"))
    officer, _created = User.objects.get_or_create(username="benchmark_officer")
    Membership.objects.get_or_create(user=officer, role=Role.OFFICER, unit=None)
    found = {u.code: u for u in Unit.objects.filter(level="commune", code__in=codes)}
    commune_units = [found[code] for code in codes if code in found]

    start = time.perf_counter()
    cycle = create_cycle(row, 2025, f"Benchmark {stamp}", commune_units, date(2099, 12, 31))
    created = time.perf_counter() - start
    data = _csv(engine_framework, {code: inputs.chiso[code] for code in found})
    start = time.perf_counter()
    report = bulk.import_scores(officer, cycle, data, "diem.csv")
    imported = time.perf_counter() - start

    # Every unit approved, its points final (the council's step, done in bulk for the benchmark).
    CriterionScore.objects.filter(assessment__cycle=cycle).update(
        appraised_points=F("self_points"), final_points=F("self_points")
    )
    Assessment.objects.filter(cycle=cycle).update(state=State.APPROVED)
    standings.bump(cycle_id=cycle.pk)

    client = Client()
    client.force_login(officer)
    assessment = cycle.assessments.select_related("unit").order_by("pk").first()
    assert assessment is not None
    pages = {
        "results": reverse("assessments:results", args=[cycle.pk]),
        "print": reverse("assessments:results", args=[cycle.pk]) + "?trang=tat-ca",
        "unit": reverse("assessments:results_unit", args=[cycle.pk, assessment.unit.code]),
        "dashboard": reverse("administration:cycle", args=[cycle.pk]),
        "units": reverse("assessments:cycle", args=[cycle.pk]),
        "assessment": reverse("assessments:assessment", args=[assessment.pk]),
        "export": reverse("assessments:export", args=[cycle.pk]),
    }
    figures = {
        name: _timed(client, url, 1 if name in ("export", "print") else repeat) for name, url in pages.items()
    }

    figures |= _after_a_change(client, cycle, pages)

    print(
        f"Cycle pages — {len(commune_units):,} communes × {report.criteria // max(report.units, 1)} criteria"
    )
    print(f"database: {vendor}; best of {repeat} views (print and export: 1); in-process test client")
    print(
        f"create the cycle: {seconds(created)}; import every unit's inputs (CSV, {len(data) / 2**20:.1f} MiB, "
        f"{report.criteria:,} scores, totals computed once): {seconds(imported)}"
    )
    print()
    rows = [["engine only (score + rank + percents)", "", seconds(engine_time), "0", "", ""]]
    for name, item in figures.items():
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"≤ {target:g} s: {'met' if item['again'] <= target else 'NOT met'}"
        )
        rows.append(
            [
                f"{name}  {pages.get(name, '')}",
                seconds(item["first"]),
                seconds(item["again"]),
                str(item["queries"]),
                f"{item['bytes'] / 1024:.0f} KiB",
                verdict,
            ]
        )
    print(table(["", "first view", "again", "queries", "size", "target"], rows))
    ok = all(figures[name]["again"] <= limit for name, limit in TARGETS.items() if name in figures)
    return {
        "ok": ok,
        "vendor": vendor,
        "units": len(commune_units),
        "figures": figures,
        "engine": engine_time,
        "created": created,
        "imported": imported,
    }


def _after_a_change(client: Any, cycle: Any, pages: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One score changed; the pages opened once each, then the queued recomputation run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chiso.assessments import standings
    from chiso.assessments.models import CriterionScore

    score = (
        CriterionScore.objects.filter(assessment__cycle=cycle, final_points__isnull=False)
        .order_by("pk")
        .first()
    )
    assert score is not None
    score.final_points = score.final_points + 1 if score.final_points == 0 else score.final_points * 0
    score.save()  # the signal moves the cycle's version on (and, where it exists, queues the job)
    figures = {}
    for name in ("results", "unit", "dashboard"):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(pages[name])
            took = time.perf_counter() - start
        assert response.status_code == 200, (name, response.status_code)
        stale = b"data-stale-standings" in response.content
        figures[f"{name} after a change"] = {
            "first": took,
            "again": took,
            "queries": len(queries),
            "bytes": len(response.content),
            "note": "stored table + note" if stale else "computed in the request",
        }
    kind = getattr(standings, "REFRESH", None)
    if kind is not None:
        from chiso.jobs import services as jobs
        from chiso.jobs.models import Job

        job = Job.objects.filter(kind=kind, params__cycle=cycle.pk, finished_at=None).first()
        if job is not None:
            start = time.perf_counter()
            jobs.run(str(job.pk))
            took = time.perf_counter() - start
            figures["recompute job (worker)"] = {"first": took, "again": took, "queries": 0, "bytes": 0}
    return figures


def baseline(ref: str, repeat: int, units: int | None) -> dict[str, Any]:
    """This script run against `ref`'s code (its `src` from `git archive`), on a database of its own."""
    with tempfile.TemporaryDirectory(prefix="chiso-baseline-") as folder:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        out = Path(folder) / "figures.json"
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(Path(folder) / "src"), str(ROOT / "benchmarks")])
        )
        env["CHISO_HOME"] = str(Path(folder) / "home")  # its files (SQLite: replaced by a new folder)
        command = [sys.executable, __file__, "--repeat", str(repeat), "--json", str(out)]
        if units:
            command += ["--units", str(units)]
        print(f"— baseline: {ref} —", flush=True)
        subprocess.run(command, env=env, check=False)
        print(flush=True)
        return dict(json.loads(out.read_text(encoding="utf-8")))


def side_by_side(ref: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    names = list(dict.fromkeys([*before["figures"], *after["figures"]]))
    rows = []
    for name in names:
        old, new = before["figures"].get(name), after["figures"].get(name)
        target = TARGETS.get(name)
        rows.append(
            [
                name,
                seconds(old["again"]) if old else "–",
                seconds(new["again"]) if new else "–",
                f"{old['queries']} → {new['queries']}" if old and new else "",
                "" if target is None else f"≤ {target:g} s",
                "" if target is None or not new else ("met" if new["again"] <= target else "NOT met"),
                (new or {}).get("note", ""),
            ]
        )
    print(
        f"Before ({ref}) and now, {after['units']:,} communes, {after['vendor']}, same machine, one run after the other"
    )
    print(table(["", f"before ({ref})", "now", "queries", "target", "now", ""], rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed views per page; the best is shown")
    parser.add_argument("--units", type=int, default=None, help="only the first N communes (default: all)")
    parser.add_argument("--baseline-ref", default="", help="a git ref to measure first, shown side by side")
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args(argv)
    before = baseline(args.baseline_ref, args.repeat, args.units) if args.baseline_ref else None
    result = run(args.repeat, args.units)
    if args.json:
        Path(args.json).write_text(json.dumps(result), encoding="utf-8")
    if before is not None:
        print()
        side_by_side(args.baseline_ref, before, result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
