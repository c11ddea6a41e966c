"""What the officer's monthly 766 page shows, built from a stored run in a bounded number of queries.

Units are named by code as the registry holds them on the period's first day, and compared with
their peers: the departments with the departments, the communes with the communes (the unit's
level); the province's own figures (the procedures it published) are shown apart, never ranked
among its departments and communes (several provinces in one run — a ministry's — are peers). A code the registry does not know is named as such and ranked
with nobody. Each peer group is ranked on the total when its units have one, otherwise on the group
most of its units are scored on, and the page says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from chiso.core.svgcharts import Series, grouped_bars
from chiso.dossiers import services
from chiso.dossiers.assumptions import Assumption, assumed, missing_for_total
from chiso.dossiers.inputs import leaf_inputs
from chiso.dossiers.models import DossierImport, DossierRun
from chiso.dossiers.periods import parse_period, period_label
from chiso.engine.frameworks import Framework as EngineFramework
from chiso.engine.numbers import format_date
from chiso.units.forms import LEVELS
from chiso.units.models import Unit

UNKNOWN = "unknown"
TOP_LEVELS = ("province", "ministry")  # the organiser's own territory: shown apart, never ranked
LOSS_SHOWN = 10
TREND_PERIODS = 6
COLOURS = ("#1f6f8b", "#c47a1b", "#5b8c3a", "#7a4f9a", "#8a8a8a")
GROUP_ORDER = (
    *("province", "department", "commune", "district", "office", "service_unit", "central_agency", UNKNOWN),
)


@dataclass(frozen=True)
class Named:
    """A unit as the page names it, on the period's first day."""

    code: str
    name: str
    level: str  # UNKNOWN when the registry has no unit with this code on that day


@dataclass
class PeerGroup:
    """The units of one level ranked among themselves on `node`."""

    level: str
    label: str
    node: str
    node_name: str
    rows: list[tuple[services.Row, Named, list[tuple[str, Decimal | None, str]]]] = field(
        default_factory=list
    )
    ranked: bool = True
    blanks: dict[tuple[str, str], int] = field(default_factory=dict)  # (group, why "–") → units

    @property
    def blank_notes(self) -> list[tuple[str, str, int]]:
        """Why the group shows "–": (group code, reason, number of units), in group order."""
        return [(code, reason, count) for (code, reason), count in sorted(self.blanks.items())]

    @property
    def of(self) -> int:
        return len(self.rows)


def names_at(codes: set[str], day: date) -> dict[str, Named]:
    """Each code's unit valid on `day` (else its latest version, its name saying it is not valid that
    day), in one query; an unknown code is named "(mã không có trong danh mục)"."""
    found: dict[str, tuple[int, Named]] = {}
    rows = Unit.objects.filter(code__in=codes).values_list("code", "name", "level", "valid_from", "valid_to")
    for code, name, level, start, end in rows:
        valid = (start is None or start <= day) and (end is None or day <= end)
        score = 2 if valid else 1 if (end or date.max) < day else 0  # valid, then the latest past one
        if not valid:  # the registry holds the code, not on that day (a commune merged before it)
            name = _("{name} (không có hiệu lực ngày {day})").format(name=name, day=format_date(day))
        if code not in found or score > found[code][0]:
            found[code] = (score, Named(code, name, level))
    named = {code: entry for code, (_score, entry) in found.items()}
    for code in codes - set(named):
        named[code] = Named(code, _("{code} (mã không có trong danh mục)").format(code=code), UNKNOWN)
    return named


def procedure_names(codes: set[str]) -> dict[str, str]:
    """The names of these procedures from the imported procedure lists (the latest import wins)."""
    if not codes:
        return {}
    names: dict[str, str] = {}
    imports = DossierImport.objects.filter(kind=DossierImport.Kind.PROCEDURES).exclude(path="")
    for batch in imports.order_by("pk").only("path"):
        found = services.file_of(batch)
        if found is None:
            continue
        path = found.with_name(services.names_file(found.name.removesuffix(services.PENDING)))
        if not path.exists():  # still pending inside the importing transaction, or no names
            path = path.with_name(path.name + services.PENDING)
            if not path.exists():
                continue
        frame = pl.scan_parquet(path).filter(pl.col("procedure_code").is_in(sorted(codes))).collect()
        names.update(dict(frame.select("procedure_code", "procedure_name").iter_rows()))
    return names


def level_label(level: str) -> str:
    if level == UNKNOWN:
        return _("Mã không có trong danh mục đơn vị")
    if level == "province":
        return _("Tỉnh, thành phố")
    return str(dict(LEVELS).get(level, level))


def blank_reason(framework: EngineFramework, node: str, measures: dict[str, int]) -> str:
    """Why a unit has no value for `node` ("–" on the page), in a few words."""
    target = framework.node(node)
    if target.max_points is None:
        return _("chưa biết điểm tối đa (quyết định chưa nêu)")
    inputs = leaf_inputs(measures)
    for leaf in target.walk():
        if not leaf.is_leaf:
            continue
        if leaf.max_points is None or leaf.rule is None:
            return _("tiêu chí {code} chưa có điểm tối đa hoặc quy tắc chấm").format(code=leaf.code)
        given = inputs.get(leaf.code, {})
        mode = (leaf.rule.params or {}).get("when_no_occurrence", "error")
        if given.get("denominator") == 0 and mode == "error":
            return _("tiêu chí {code}: không phát sinh trong kỳ, quy tắc chưa nói cách chấm").format(
                code=leaf.code
            )
    return _("không đủ số liệu")


def build(run: DossierRun, trend_runs: list[DossierRun]) -> dict[str, Any]:
    """The page's context for one run: the province's own figures, the peer groups, where points are
    lost, the organiser's assumptions and why there is no total."""
    start, _end = parse_period(run.period)
    framework = run.framework.to_engine()
    groups = [(g.code, g.name, g.max_points) for g in framework.root.children]
    codes = set(run.scores) | set(run.measures) | {loss["unit_code"] for loss in run.losses}
    named = names_at(codes, start)
    by_level: dict[str, list[str]] = {}
    tops = [code for code in codes if named[code].level in TOP_LEVELS]
    own = [named[tops[0]]] if len(tops) == 1 else []  # one province: the organiser's own; several: peers
    for code in sorted(codes):
        if code in run.scores and (not own or code != own[0].code):
            by_level.setdefault(named[code].level, []).append(code)
    levels = sorted(by_level, key=lambda lv: (GROUP_ORDER.index(lv) if lv in GROUP_ORDER else 99, lv))
    peer_groups = [_peer_group(run, framework, level, by_level[level], named, groups) for level in levels]
    missing = missing_for_total(framework)
    return {
        "groups": groups,
        "own": [_own_row(run, unit, groups) for unit in own],
        "peer_groups": peer_groups,
        "assumptions": assumed(run.framework),
        "missing": [(code, framework.node(code).name) for code in missing if "." not in code][:6],
        "missing_criteria": [code for code in missing if "." in code],
        "losses": _losses(run, named),
        "units_late": _units_late(run, named),
        "trend": _trend(trend_runs, peer_groups, named),
    }


def _trend(runs: list[DossierRun], peer_groups: list[PeerGroup], named: dict[str, Named]) -> str:
    """Month by month (oldest first), the mean points of each peer group on the node it is ranked
    on now: one bar per group, server-side SVG."""
    shown = sorted(runs[:TREND_PERIODS], key=lambda r: r.period)
    ranked = [g for g in peer_groups if g.ranked]
    if not shown or not ranked:
        return ""
    series = []
    for colour, group in zip(COLOURS, ranked, strict=False):
        means: list[Decimal | None] = []
        for month in shown:
            values = [
                Decimal(v[group.node])
                for code, v in month.scores.items()
                if group.node in v and code in named and named[code].level == group.level
            ]
            means.append(sum(values, Decimal(0)) / len(values) if values else None)
        label = _("{group}: {node}").format(group=group.label, node=_node_short(group))
        series.append(Series(label, colour, means))
    categories = [("", period_label(month.period)) for month in shown]
    return grouped_bars(categories, series, label=_("Điểm bình quân theo kỳ"))


def _node_short(group: PeerGroup) -> str:
    return _("tổng điểm") if group.node == "total" else _("nhóm {code}").format(code=group.node)


def _peer_group(
    run: DossierRun,
    framework: EngineFramework,
    level: str,
    codes: list[str],
    named: dict[str, Named],
    groups: list[tuple[str, str, Decimal | None]],
) -> PeerGroup:
    node = services.ranked_node(run, codes)
    _node, rows = services.table(run, codes, node=node)
    group = PeerGroup(level, level_label(level), node, framework.node(node).name, ranked=level != UNKNOWN)
    for row in rows:
        measures = run.measures.get(row.code, {})
        cells = []
        for code, _name, _max in groups:
            value = row.values.get(code)
            reason = "" if value is not None else blank_reason(framework, code, measures)
            if reason:
                group.blanks[code, reason] = group.blanks.get((code, reason), 0) + 1
            cells.append((code, value, reason))
        if not group.ranked:
            row.rank = None
        group.rows.append((row, named[row.code], cells))
    return group


def _own_row(run: DossierRun, unit: Named, groups: list[tuple[str, str, Decimal | None]]) -> dict[str, Any]:
    measures = run.measures.get(unit.code, {})
    values = run.scores.get(unit.code, {})
    return {
        "unit": unit,
        "published": measures.get("procedures_published", 0),
        "on_time": measures.get("procedures_published_on_time", 0),
        "received": measures.get("dossiers_received", 0),
        "values": [Decimal(values[code]) if code in values else None for code, _n, _m in groups],
    }


def _losses(run: DossierRun, named: dict[str, Named]) -> list[dict[str, Any]]:
    shown = run.losses[:LOSS_SHOWN]
    names = procedure_names({loss["procedure_code"] for loss in shown})
    return [
        dict(
            loss,
            unit_name=named[loss["unit_code"]].name,
            procedure_name=names.get(loss["procedure_code"], ""),
        )
        for loss in shown
    ]


def _units_late(run: DossierRun, named: dict[str, Named]) -> list[dict[str, Any]]:
    keys = ("dossiers_late", "dossiers_to_process", "complaints", "complaints_on_time")
    rows = [
        {"code": code, "name": named[code].name, **{k: m.get(k, 0) for k in keys}}
        for code, m in run.measures.items()
        if code in named
    ]
    rows = [r for r in rows if r["dossiers_late"] or r["complaints"] - r["complaints_on_time"]]
    rows.sort(key=lambda r: (-r["dossiers_late"], r["code"]))
    return rows[:LOSS_SHOWN]


__all__ = ["Assumption", "PeerGroup", "build", "names_at", "procedure_names"]
