"""PAPI 2011–2024: every league table and every province profile, chiso against plain pandas.

What is measured
    From the public PAPI files shipped with chiso (data/public/papi_*.csv) and the two PAPI
    frameworks (papi-2011.yaml for 2011–2017, papi-2018.yaml from 2018), without Django:

    load     read the CSV files, map columns to node codes, complete parents up the tree
             (chiso: `aggregate` per province, giving one `YearResults` per year);
    analyse  for every year with results (2011–2016 and 2018–2024: 2017 is not in the files),
             a `YearAnalysis` against the previous year when there is one, its full
             `league_table()` and the `profile()` of every province (63 a year): total and
             dimension ranks with ties at the framework's precision, quartile groups, year-on-year
             changes, regional ranks, national and regional means, strengths and weaknesses.

    The pandas side does the same computation in float64, vectorised: `rank(method="min")` on
    totals rounded half-up, per (year, node) and per (year, region); quartile groups from
    `quantile` (linear, as chiso); changes by merging each year with the year before on the
    GSO code; dimension ranks, means, best scores and strengths/weaknesses per province.

    Wall time is the best of --repeat runs (time.perf_counter); peak memory is measured in one more
    run under tracemalloc, which is not timed.

How to read the ratios
    "chiso/pandas" is chiso's time (or memory) divided by pandas's: 5.0× means chiso takes five
    times as long. chiso computes in Decimal, object by object, and builds a rich `Profile`
    per province; pandas computes columns of floats. A ratio above 1 is expected; the absolute
    figure is what matters for the application (one year's page needs one year, not fourteen).

Correctness
    Both implementations must agree on every rank (total, dimension, regional, rank change).
    Groups, strengths/weaknesses and figures (changes, means, best) are checked as well.
    "ranks agree: yes/no" is printed; the script exits with status 1 if any check fails.

Run:  python benchmarks/papi_all_years.py [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

import numpy as np
import pandas as pd
import yaml

from _common import best_of, machine, mebibytes, peak_memory, ratio, seconds, table
from chiso.data import data_path, province_registry, read_csv
from chiso.engine.analysis import (
    CENTRAL_CITIES,
    CENTRAL_CITIES_VI,
    REGION,
    SUBREGION,
    TOTAL,
    Profile,
    YearAnalysis,
    YearResults,
    comparable,
)
from chiso.engine.frameworks import Framework, framework_from_dict
from chiso.engine.numbers import parse_decimal
from chiso.engine.scoring import aggregate
from chiso.engine.units import PROVINCE, Unit

OLD_FILE = ("public", "papi_official_datafile_2011_2016.csv")
DIMENSIONS_FILE = ("public", "papi_dimensions_2018_2024.csv")
SUBDIMENSIONS_FILE = ("public", "papi_subdimensions_2018_2024.csv")
FRAMEWORK_FILES = ("papi-2011.yaml", "papi-2018.yaml")
KEY = ["year", "gso_code"]
TOLERANCE = 1e-9

# -- the files' columns as node codes (shared by both implementations) ------------------------------

_TOTAL_COLUMNS = ("total_unweighted_official", "total_official")
_OLD_SUBDIMENSION = re.compile(r"^d(\d+)_s(\d+)$")  # d1_s2 → d1.2
_NEW_SUBDIMENSION = re.compile(r"^s(\d+)_(\d+)_")  # s1_2_opportunities… → d1.2
_DIMENSION = re.compile(r"^d(\d+)_[a-z]")  # d1_participation → d1


@cache
def node_code(column: str) -> str | None:
    """The framework code a CSV column holds, or None for other columns (names, status, notes)."""
    if column in _TOTAL_COLUMNS:
        return TOTAL
    if match := _OLD_SUBDIMENSION.match(column) or _NEW_SUBDIMENSION.match(column):
        return f"d{match[1]}.{match[2]}"
    if match := _DIMENSION.match(column):
        return f"d{match[1]}"
    return None


@dataclass
class Setup:
    """What both sides share and is not measured: frameworks, provinces, years."""

    frameworks: list[Framework]
    peers: dict[int, list[Unit]]  # year → provinces valid on 31/12
    peer_groups: pd.DataFrame  # gso_code (int), kind, name: region, subregion, central city

    def framework_for(self, year: int) -> Framework:
        return next(f for f in self.frameworks if f.covers(year))


def setup() -> Setup:
    frameworks = [
        framework_from_dict(yaml.safe_load(data_path("frameworks", name).read_text(encoding="utf-8")))
        for name in FRAMEWORK_FILES
    ]
    registry = province_registry()
    years = {int(row["year"]) for file in (OLD_FILE, DIMENSIONS_FILE) for row in read_csv(*file)}
    peers = {year: registry.valid_units(PROVINCE, on=date(year, 12, 31)) for year in sorted(years)}
    provinces = {unit.code: unit for units in peers.values() for unit in units}.values()
    memberships = [
        (int(unit.code), kind, name)
        for unit in provinces
        for kind, name in (
            (REGION, unit.region),
            (SUBREGION, unit.subregion),
            (CENTRAL_CITIES, CENTRAL_CITIES_VI if unit.is_central_city else None),
        )
        if name
    ]
    peer_groups = pd.DataFrame(memberships, columns=["gso_code", "kind", "name"])
    return Setup(frameworks, peers, peer_groups)


# -- chiso ------------------------------------------------------------------------------------------


def _published_rows() -> Iterator[tuple[int, str, dict[str, Decimal]]]:
    """(year, GSO code, node code → published value) for every row of the files."""
    subdimensions = {(row["year"], row["gso_code"]): row for row in read_csv(*SUBDIMENSIONS_FILE)}
    for file in (OLD_FILE, DIMENSIONS_FILE):
        for row in read_csv(*file):
            cells = list(row.items())
            if file is DIMENSIONS_FILE:
                cells += subdimensions.get((row["year"], row["gso_code"]), {}).items()
            published: dict[str, Decimal] = {}
            for column, text in cells:
                if text and (code := node_code(column)):
                    published[code] = parse_decimal(text)
            yield int(row["year"]), row["gso_code"], published


def chiso_load(shared: Setup) -> dict[int, YearResults]:
    registry = province_registry()
    values_by_year: dict[int, dict] = {}
    for year, gso_code, published in _published_rows():
        framework = shared.framework_for(year)
        ref = registry.by_code(gso_code, PROVINCE, date(year, 12, 31)).ref
        values_by_year.setdefault(year, {})[ref] = {
            code: score.points for code, score in aggregate(framework, published).items()
        }
    return {
        year: YearResults(shared.framework_for(year), year, shared.peers[year], values)
        for year, values in sorted(values_by_year.items())
    }


def chiso_analyse(results: dict[int, YearResults]) -> dict[int, tuple[list, list[Profile]]]:
    """Every year's league table and the profile of every province."""
    analysed = {}
    for year, current in results.items():
        previous = results.get(year - 1)
        analysis = YearAnalysis(current, previous, missing_previous_year=None if previous else year - 1)
        table_rows = analysis.league_table()
        profiles = [analysis.profile(unit.ref) for unit in current.peers]
        analysed[year] = (table_rows, profiles)
    return analysed


# -- pandas -----------------------------------------------------------------------------------------


def _parents_bottom_up(framework: Framework) -> list[tuple[str, list[str]]]:
    nodes = [node for node in framework.nodes() if node.children]
    return [(node.code, [child.code for child in node.children]) for node in reversed(nodes)]


def pandas_load(shared: Setup) -> pd.DataFrame:
    """One row per (year, province), one float column per node, parents completed from children."""
    old = pd.read_csv(data_path(*OLD_FILE))
    new = pd.read_csv(data_path(*DIMENSIONS_FILE)).merge(
        pd.read_csv(data_path(*SUBDIMENSIONS_FILE)), on=KEY, how="left", suffixes=("", "_sub")
    )
    frames = []
    for frame in (old, new):
        codes = {column: code for column in frame.columns if (code := node_code(column))}
        frames.append(frame[[*KEY, *codes]].rename(columns=codes))
    wide = pd.concat(frames, ignore_index=True)
    for framework in shared.frameworks:
        in_years = wide["year"].between(framework.first_year, framework.last_year or 9999)
        for parent, children in _parents_bottom_up(framework):
            sums = wide.loc[in_years, children].sum(axis=1, min_count=len(children))  # NaN if one is
            wide.loc[in_years, parent] = wide.loc[in_years, parent].fillna(sums)
    return wide


def half_up_scaled(values: pd.Series, places: int | pd.Series) -> pd.Series:
    """Values × 10^places rounded half-up to whole numbers (for ranking at `places` decimals).

    Rounding to 6 decimals first removes float noise (x.xx4999999… for a true x.xx5), so the
    result is what Decimal half-up rounding gives for these non-negative scores."""
    return np.floor((values * 10.0**places).round(6) + 0.5)


def pandas_analyse(wide: pd.DataFrame, shared: Setup) -> dict[str, pd.DataFrame]:
    parts = []
    for framework in shared.frameworks:
        nodes = [TOTAL, *(child.code for child in framework.root.children)]
        rows = wide[wide["year"].between(framework.first_year, framework.last_year or 9999)]
        parts.append(rows[[*KEY, *nodes]].melt(id_vars=KEY, var_name="node", value_name="value"))
    long = pd.concat(parts, ignore_index=True)
    precision = {year: shared.framework_for(year).ranking.precision for year in long["year"].unique()}
    long["key"] = half_up_scaled(long["value"], long["year"].map(precision))
    by_node = long.groupby(["year", "node"])
    long["rank"] = by_node["key"].rank(method="min", ascending=False)
    long["of"] = by_node["value"].transform("size")
    long["mean"] = by_node["value"].transform("mean")
    long["best"] = by_node["value"].transform("max")
    cuts = by_node["value"].quantile([0.25, 0.5, 0.75]).unstack()
    cuts.columns = ["p25", "p50", "p75"]
    long = long.join(cuts, on=["year", "node"])
    value = long["value"]
    long["group"] = np.select(
        [value >= long["p75"], value >= long["p50"], value >= long["p25"], value.notna()], [0, 1, 2, 3], -1
    )

    # Year-on-year: the same province and node a year earlier, when the frameworks compare.
    comparable_years = [
        year
        for year in precision
        if year - 1 in precision and comparable(shared.framework_for(year), shared.framework_for(year - 1))
    ]
    previous = long.loc[long["year"].isin([y - 1 for y in comparable_years]), [*KEY, "node", "value", "rank"]]
    previous = previous.assign(year=previous["year"] + 1)
    long = long.merge(previous, on=[*KEY, "node"], how="left", suffixes=("", "_previous"))
    long["score_change"] = long["value"] - long["value_previous"]
    long["rank_change"] = long["rank_previous"] - long["rank"]

    # Peer groups (region, subregion, centrally-run cities): one row per membership.
    totals = long.loc[long["node"] == TOTAL, [*KEY, "key", "value"]]
    peers = totals.merge(shared.peer_groups, on="gso_code")
    by_group = peers.groupby(["year", "kind", "name"])
    peers["group_rank"] = by_group["key"].rank(method="min", ascending=False)
    peers["group_of"] = by_group["value"].transform("size")
    peers["group_mean"] = by_group["value"].transform("mean")

    # Strengths and weaknesses: components ordered by rank / N, then code.
    components = long[(long["node"] != TOTAL) & long["rank"].notna()].copy()
    components["standing"] = components["rank"] / components["of"]
    components = components.sort_values([*KEY, "standing", "node"])
    by_unit = components.groupby(KEY)
    position = by_unit.cumcount()
    count = by_unit["node"].transform("size")
    components["strength"] = position < 2
    components["weakness"] = position >= np.maximum(2, count - 2)
    components["position"] = position
    return {"nodes": long, "peer_groups": peers, "components": components}


# -- agreement --------------------------------------------------------------------------------------


def _float(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) <= TOLERANCE


def compare(analysed: dict[int, tuple[list, list[Profile]]], frames: dict[str, pd.DataFrame]) -> dict:
    """Count disagreements between chiso's results and pandas's, by kind."""
    nodes = frames["nodes"].set_index([*KEY, "node"])
    peers = frames["peer_groups"].set_index([*KEY, "kind"])
    kinds = peers.groupby(KEY)["name"].size()
    components = frames["components"]
    strong = components[components["strength"]].groupby(KEY)["node"].agg(list)
    weak = components[components["weakness"]].sort_values("position", ascending=False)
    weak = weak.groupby(KEY, sort=False)["node"].agg(list)

    def rank(value: float) -> int | None:
        return None if np.isnan(value) else int(value)

    counts = dict.fromkeys(("ranks", "groups", "figures", "strengths"), 0)
    checked = dict.fromkeys(counts, 0)

    def check(kind: str, agree: bool) -> None:
        checked[kind] += 1
        counts[kind] += not agree

    for year, (rows, profiles) in analysed.items():
        for row in rows:
            key = (year, int(row.unit.code))
            other = nodes.loc[(*key, TOTAL)]
            region = peers.loc[(*key, REGION)]
            check("ranks", row.rank == rank(other["rank"]))
            check("ranks", row.regional_rank == rank(region["group_rank"]))
            check("ranks", row.regional_of == region["group_of"])
            check("groups", (row.group.position if row.group else -1) == other["group"])
            rank_change = row.change.rank if row.change else None
            check("ranks", rank_change == rank(other["rank_change"]))
            score_change = row.change.score if row.change else None
            check("figures", _same(_float(score_change), other["score_change"]))
        for profile in profiles:
            key = (year, int(profile.unit.code))
            check("figures", _same(_float(profile.national_mean), nodes.loc[(*key, TOTAL), "mean"]))
            check("figures", _same(_float(profile.regional_mean), peers.loc[(*key, REGION), "group_mean"]))
            check("ranks", len(profile.peer_groups) == kinds.get(key, 0))
            for group in profile.peer_groups:
                other = peers.loc[(*key, group.kind)]
                check("ranks", group.name == other["name"])
                check("ranks", group.rank == rank(other["group_rank"]) and group.of == other["group_of"])
                check("figures", _same(_float(group.mean), other["group_mean"]))
            for component in profile.components:
                other = nodes.loc[(*key, component.code)]
                check("ranks", component.rank == rank(other["rank"]))
                check("ranks", component.of == other["of"])
                check("groups", (component.group.position if component.group else -1) == other["group"])
                check(
                    "ranks",
                    (component.change.rank if component.change else None) == rank(other["rank_change"]),
                )
                change = component.change.score if component.change else None
                check("figures", _same(_float(change), other["score_change"]))
                check("figures", _same(_float(component.mean), other["mean"]))
                check("figures", _same(_float(component.best), other["best"]))
            check("strengths", [c.code for c in profile.strengths] == strong.get(key, []))
            check("strengths", [c.code for c in profile.weaknesses] == weak.get(key, []))
    return {"disagreements": counts, "checked": checked}


# -- the benchmark ----------------------------------------------------------------------------------


def run(repeat: int = 3) -> dict:
    """Measure both sides; print the figures; return a summary for run.py."""
    shared = setup()
    chiso_load(shared)  # warm-up: caches (ICU collator, registry lookups) are built once
    load_time, results = best_of(lambda: chiso_load(shared), repeat)
    analyse_time, analysed = best_of(lambda: chiso_analyse(results), repeat)
    pd_load_time, wide = best_of(lambda: pandas_load(shared), repeat)
    pd_analyse_time, frames = best_of(lambda: pandas_analyse(wide, shared), repeat)

    memory = peak_memory(lambda: chiso_analyse(chiso_load(shared)))
    pd_memory = peak_memory(lambda: pandas_analyse(pandas_load(shared), shared))

    agreement = compare(analysed, frames)
    years = sorted(analysed)
    profiled = sum(len(profiles) for _, profiles in analysed.values())
    print("PAPI — league tables and province profiles, every year")
    print(machine())
    print(f"years: {len(years)} ({years[0]}–{years[-1]}; without {_gaps(years) or 'none'})")
    print(f"units profiled: {profiled}  (league-table rows: {sum(len(t) for t, _ in analysed.values())})")
    print(f"best of {repeat} runs; peak memory: tracemalloc, one untimed run of load + analyse")
    print()
    chiso_total, pandas_total = load_time + analyse_time, pd_load_time + pd_analyse_time
    print(
        table(
            ["", "chiso", "pandas", "chiso/pandas"],
            [
                [
                    "load (CSV → values)",
                    seconds(load_time),
                    seconds(pd_load_time),
                    ratio(load_time, pd_load_time),
                ],
                [
                    "analyse (tables + profiles)",
                    seconds(analyse_time),
                    seconds(pd_analyse_time),
                    ratio(analyse_time, pd_analyse_time),
                ],
                [
                    "wall time, total",
                    seconds(chiso_total),
                    seconds(pandas_total),
                    ratio(chiso_total, pandas_total),
                ],
                ["peak memory", mebibytes(memory), mebibytes(pd_memory), ratio(memory, pd_memory)],
            ],
        )
    )
    print()
    counts, checked = agreement["disagreements"], agreement["checked"]
    labels = {
        "ranks": "ranks agree",
        "groups": "groups agree",
        "figures": f"changes, means, best agree (±{TOLERANCE:g})",
        "strengths": "strengths/weaknesses agree",
    }
    for kind, label in labels.items():
        verdict = "yes" if counts[kind] == 0 else f"no ({counts[kind]} of {checked[kind]} differ)"
        print(f"{label}: {verdict}  [{checked[kind]} compared]")
    ok = not any(counts.values())
    return {
        "name": "PAPI 2011–2024 profiles",
        "size": f"{len(years)} years, {profiled} profiles",
        "chiso": chiso_total,
        "pandas": pandas_total,
        "memory": memory,
        "pandas_memory": pd_memory,
        "target": None,
        "ok": ok,
        "ranks_agree": counts["ranks"] == 0,
    }


def _gaps(years: list[int]) -> str:
    return ", ".join(str(y) for y in range(years[0], years[-1] + 1) if y not in years)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the best is shown")
    args = parser.parse_args(argv)
    summary = run(args.repeat)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
