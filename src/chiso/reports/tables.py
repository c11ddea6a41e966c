"""The report's tables: their columns (how each value is shown in Word and written in Excel) and
the builders that fill them from engine objects (Profile, NodeLoss, TargetResult, the league table)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chiso.engine.analysis import Profile, YearAnalysis
from chiso.engine.i18n import active_language, gettext_noop, localized
from chiso.engine.i18n import gettext as _
from chiso.engine.losses import NodeLoss
from chiso.engine.numbers import format_number, format_rank, format_signed, percent_of
from chiso.engine.whatif import TargetResult
from chiso.reports import narrative
from chiso.reports.charts import TrendPoint

# Column headers are Vietnamese msgids, translated when a table is built (`columns`).
# Column kinds: how a value is shown in Word and formatted in Excel.
TEXT, NUMBER, INTEGER, SIGNED, SIGNED_INT, RANK, PERCENT, MAXIMUM = (
    "text",
    "number",
    "integer",
    "signed",
    "signed_int",
    "rank",
    "percent",
    "maximum",
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width_cm: float = 1.5


COLUMNS: dict[str, list[Column]] = {
    "summary": [
        Column("item", gettext_noop("Nội dung"), TEXT, 6.0),
        Column("value", gettext_noop("Kết quả"), TEXT, 9.5),
    ],
    "fields": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("name", gettext_noop("Nội dung"), TEXT, 3.6),
        Column("score", gettext_noop("Điểm"), NUMBER, 1.4),
        Column("max", gettext_noop("Tối đa"), MAXIMUM, 1.2),
        Column("percent", gettext_noop("% tối đa"), PERCENT, 1.3),
        Column("rank", gettext_noop("Hạng"), RANK, 1.5),
        Column("change_score", gettext_noop("± điểm"), SIGNED, 1.5),
        Column("change_rank", gettext_noop("± bậc"), SIGNED_INT, 1.6),
        Column("best", gettext_noop("Cao nhất"), NUMBER, 1.5),
        Column("mean", gettext_noop("TB cả nước"), NUMBER, 1.8),
    ],
    "criteria": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("name", gettext_noop("Tiêu chí"), TEXT, 5.0),
        Column("score", gettext_noop("Điểm"), NUMBER, 1.4),
        Column("rank", gettext_noop("Hạng"), RANK, 1.4),
        Column("change_score", gettext_noop("± điểm"), SIGNED, 1.5),
        Column("change_rank", gettext_noop("± bậc"), SIGNED_INT, 1.6),
        Column("best", gettext_noop("Cao nhất"), NUMBER, 1.5),
        Column("mean", gettext_noop("TB cả nước"), NUMBER, 1.8),
    ],
    "losses": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("name", gettext_noop("Nội dung"), TEXT, 6.4),
        Column("score", gettext_noop("Điểm"), NUMBER, 1.5),
        Column("max", gettext_noop("Tối đa"), MAXIMUM, 1.5),
        Column("lost", gettext_noop("Điểm bị mất"), NUMBER, 1.9),
        Column("rank", gettext_noop("Hạng"), RANK, 1.5),
        Column("gap_to_best", gettext_noop("Kém cao nhất"), NUMBER, 2.0),
    ],
    "gaps": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("name", gettext_noop("Tiêu chí"), TEXT, 6.4),
        Column("score", gettext_noop("Điểm"), NUMBER, 1.6),
        Column("best", gettext_noop("Cao nhất"), NUMBER, 1.7),
        Column("gap_to_best", gettext_noop("Kém cao nhất"), NUMBER, 2.1),
        Column("rank", gettext_noop("Hạng"), RANK, 1.6),
    ],
    "target": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("name", gettext_noop("Nội dung"), TEXT, 6.9),
        Column("points", gettext_noop("Cần tăng"), NUMBER, 2.4),
        Column("total_points", gettext_noop("Đóng góp vào tổng"), NUMBER, 2.7),
        Column("feasible", gettext_noop("Tăng tối đa khả thi"), NUMBER, 2.8),
    ],
    "weak": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("name", gettext_noop("Tiêu chí"), TEXT, 4.6),
        Column("score", gettext_noop("Điểm"), NUMBER, 1.4),
        Column("rank", gettext_noop("Hạng"), RANK, 1.4),
        Column("change_rank", gettext_noop("± bậc"), SIGNED_INT, 1.6),
        Column("gap_to_best", gettext_noop("Kém cao nhất"), NUMBER, 1.7),
        Column("lead", gettext_noop("Cơ quan chủ trì"), TEXT, 3.7),
    ],
    "plans": [
        Column("code", gettext_noop("TT"), TEXT, 1.1),
        Column("action", gettext_noop("Nhiệm vụ"), TEXT, 5.0),
        Column("lead", gettext_noop("Chủ trì"), TEXT, 2.6),
        Column("supporters", gettext_noop("Phối hợp"), TEXT, 2.6),
        Column("deadline", gettext_noop("Thời hạn"), TEXT, 2.3),
        Column("status", gettext_noop("Tình trạng"), TEXT, 2.1),
    ],
    "trend": [
        Column("year", gettext_noop("Năm"), INTEGER, 1.6),
        Column("framework", gettext_noop("Khung chỉ số"), TEXT, 3.4),
        Column("score", gettext_noop("Điểm"), NUMBER, 2.2),
        Column("max", gettext_noop("Thang điểm"), MAXIMUM, 2.2),
        Column("rank", gettext_noop("Hạng"), INTEGER, 2.0),
        Column("of", gettext_noop("Số đơn vị"), INTEGER, 2.0),
    ],
    "ranking": [
        Column("rank", gettext_noop("Hạng"), INTEGER, 1.2),
        Column("code", gettext_noop("Mã"), TEXT, 1.0),
        Column("name", gettext_noop("Đơn vị"), TEXT, 3.5),
        Column("score", gettext_noop("Điểm"), NUMBER, 1.5),
        Column("change_score", gettext_noop("± điểm"), SIGNED, 1.5),
        Column("change_rank", gettext_noop("± bậc"), SIGNED_INT, 1.2),
        Column("group", gettext_noop("Nhóm"), TEXT, 3.0),
        Column("region", gettext_noop("Vùng"), TEXT, 3.5),
    ],
    "proforma": [
        Column("code", gettext_noop("TT"), TEXT, 1.4),  # wide enough for "Tổng"
        Column("name", gettext_noop("Nội dung"), TEXT, 4.5),
        Column("constituents", gettext_noop("Các tỉnh thành phần"), TEXT, 4.4),
        Column("mean", gettext_noop("Giả định: trung bình cộng"), NUMBER, 2.6),
        Column("population_weighted", gettext_noop("Giả định: theo dân số"), NUMBER, 2.6),
    ],
}


def columns(key: str) -> list[Column]:
    """The columns of a report table with their headers in the active language."""
    return [dataclasses.replace(c, header=_(c.header)) for c in COLUMNS[key]]


def _num(value: Decimal | None, places: int) -> str:
    return format_number(value, places, active_language())


@dataclass
class Table:
    """One table of the report: Word shows `display_rows()`, Excel writes `rows` as numbers."""

    key: str
    sheet: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    places: int = 2
    of: int | None = None  # the "/N" of rank columns
    # Node code → what a reader sees in the "TT" column ("1", "1.2", "Tổng"); rows keep the code.
    numbers: dict[str, str] = dataclasses.field(default_factory=dict)

    def value(self, column: Column, row: dict[str, Any]) -> Any:
        """The row's value for a column as written out: the outline number for a node's code."""
        value = row.get(column.key)
        if column.key == "code" and self.numbers and isinstance(value, str):
            return self.numbers.get(value, value)
        return value

    def display(self, column: Column, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if column.kind == NUMBER:
            return _num(value, self.places)
        if column.kind == MAXIMUM:
            return _num(value, 0 if value == value.to_integral_value() else self.places)
        if column.kind == INTEGER and isinstance(value, Decimal):
            return _num(value, 0)
        if column.kind == PERCENT:
            return _num(value, 1)
        if column.kind == SIGNED:
            return format_signed(value, self.places, active_language())
        if column.kind == SIGNED_INT:
            return f"+{value}" if value > 0 else str(value)
        if column.kind == RANK:
            return format_rank(value, self.of)
        return str(value)

    def display_rows(self) -> list[dict[str, str]]:
        return [{c.key: self.display(c, self.value(c, row)) for c in self.columns} for row in self.rows]


def _mean_header(columns: list[Column], mean_label: str) -> list[Column]:
    """The columns with the mean's header after the peer set ("TB cả nước", "TB của tỉnh"; in
    English "National mean", "Provincial mean")."""
    if active_language() == "en":
        short = _capital(_(mean_label))
    else:
        short = "TB " + mean_label.removeprefix("trung bình ")
    return [dataclasses.replace(c, header=short) if c.key == "mean" else c for c in columns]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary_table(
    profile: Profile, places: int, mean_label: str = "trung bình cả nước", percent: bool = False
) -> Table:
    """The unit's figures on the index; a percentage index ("94,01 %") has no maximum row."""
    change = profile.change
    rows: list[dict[str, Any]] = [
        {"item": _("Điểm tổng hợp"), "value": _num(profile.score, places)},
        {"item": _("Điểm tối đa"), "value": _num(profile.framework.root.max_points, 0)},
        {"item": _("Xếp hạng"), "value": format_rank(profile.rank, profile.of)},
        {"item": _capital(_(mean_label)), "value": _num(profile.national_mean, places)},
    ]
    if profile.group is not None:  # an index without groups has no "Nhóm: –" row
        rows.insert(
            3, {"item": _("Nhóm"), "value": localized(profile.group.label_vi, profile.group.label_en)}
        )
    # Only when last year has a result for the unit (no "Năm 2023: – điểm, hạng –").
    if change is not None and profile.previous_year is not None and change.previous_score is not None:
        diff = narrative.rounded_difference(profile.score, change.previous_score, places)
        before = _("{score} %, hạng {rank}") if percent else _("{score} điểm, hạng {rank}")
        moved = _("{points} %; {ranks}") if percent else _("{points} điểm; {ranks}")
        rows += [
            {
                "item": _("Năm {year}").format(year=profile.previous_year),
                "value": before.format(
                    score=_num(change.previous_score, places),
                    rank=format_rank(change.previous_rank, profile.of),
                ),
            },
            {
                "item": _("Thay đổi so với {year}").format(year=profile.previous_year),
                "value": moved.format(
                    points=format_signed(diff, places, active_language()),
                    ranks=_("{change} bậc").format(change=f"{change.rank:+d}")
                    if change.rank is not None
                    else "–",
                ),
            },
        ]
    if percent:  # "94,01 %", no maximum
        rows = [row for row in rows if row["item"] != _("Điểm tối đa")]
        for row in rows:
            if row["item"] in (_("Điểm tổng hợp"), _capital(_(mean_label))):
                row["value"] += " %"
    for group in profile.peer_groups:
        rows.append(
            {
                "item": _("Hạng trong {group}").format(group=narrative.group_name(profile, group)),
                "value": format_rank(group.rank, group.of),
            }
        )
    return Table(
        "summary",
        _("Tổng hợp"),
        _("Kết quả tổng hợp"),
        columns("summary"),
        rows,
        places,
    )


def fields_table(profile: Profile, places: int, noun: str, mean_label: str = "trung bình cả nước") -> Table:
    rows = []
    for c in profile.components:
        previous = c.change.previous_score if c.change else None
        rows.append(
            {
                "code": c.code,
                "name": c.name,
                "score": c.score,
                "max": c.max_points,
                "percent": percent_of(c.score, c.max_points)
                if c.score is not None and c.max_points
                else None,
                "rank": c.rank,
                "change_score": narrative.rounded_difference(c.score, previous, places),
                "change_rank": c.change.rank if c.change else None,
                "best": c.best,
                "mean": c.mean,
            }
        )
    return Table(
        "fields",
        _("Lĩnh vực") if noun == "lĩnh vực" else _("Nội dung"),
        _("Kết quả theo từng lĩnh vực") if noun == "lĩnh vực" else _("Kết quả theo từng nội dung"),
        _mean_header(columns("fields"), mean_label),
        rows,
        places,
        profile.of,
    )


def criteria_table(
    rows: list[NodeLoss], places: int, of: int, mean_label: str = "trung bình cả nước"
) -> Table:
    return Table(
        "criteria",
        _("Tiêu chí"),
        _("Kết quả theo từng tiêu chí (nội dung thành phần)"),
        _mean_header(columns("criteria"), mean_label),
        [
            {
                "code": r.code,
                "name": r.name,
                "score": r.points,
                "rank": r.rank,
                "change_score": narrative.rounded_difference(
                    r.points,
                    r.points - r.change_points
                    if r.points is not None and r.change_points is not None
                    else None,
                    places,
                ),
                "change_rank": r.change_rank,
                "best": r.best,
                "mean": r.mean,
            }
            for r in rows
            if r.points is not None
        ],
        places,
        of,
    )


def losses_table(rows: list[NodeLoss], places: int, of: int) -> Table:
    return Table(
        "losses",
        _("Điểm bị mất"),
        _("Các nội dung mất nhiều điểm nhất"),
        columns("losses"),
        [
            {
                "code": r.code,
                "name": r.name,
                "score": r.points,
                "max": r.max_points,
                "lost": r.lost,
                "rank": r.rank,
                "gap_to_best": r.gap_to_best,
            }
            for r in rows
        ],
        places,
        of,
    )


def gaps_table(rows: list[NodeLoss], places: int, of: int) -> Table:
    return Table(
        "gaps",
        _("Khoảng cách tiêu chí"),
        _("Các tiêu chí cách xa địa phương đạt điểm cao nhất"),
        columns("gaps"),
        [
            {
                "code": r.code,
                "name": r.name,
                "score": r.points,
                "best": r.best,
                "gap_to_best": r.gap_to_best,
                "rank": r.rank,
            }
            for r in rows
        ],
        places,
        of,
    )


def target_table(target: TargetResult | None, places: int) -> Table:
    rows = []
    for gain in target.gains if target else []:
        rows.append(
            {
                "code": gain.code,
                "name": gain.name,
                "points": gain.points,
                "total_points": gain.total_points,
                "feasible": gain.feasible,
            }
        )
    return Table(
        "target",
        _("Mục tiêu hạng"),
        _("Mức tăng điểm tối thiểu để đạt hạng mục tiêu"),
        columns("target"),
        rows,
        places,
    )


def weak_table(weak: list[NodeLoss], plans: list[dict[str, str]], places: int, of: int) -> Table:
    leads: dict[str, list[str]] = {}
    for row in plans:
        if row["lead"] and row["lead"] not in leads.setdefault(row["code"], []):
            leads[row["code"]].append(row["lead"])
    return Table(
        "weak",
        _("Tiêu chí yếu"),
        _("Các tiêu chí có thứ hạng thấp và cơ quan chủ trì"),
        columns("weak"),
        [
            {
                "code": r.code,
                "name": r.name,
                "score": r.points,
                "rank": r.rank,
                "change_rank": r.change_rank,
                "gap_to_best": r.gap_to_best,
                "lead": "; ".join(leads.get(r.code, [])) or _("Chưa phân công"),
            }
            for r in weak
        ],
        places,
        of,
    )


def plan_table(plans: list[dict[str, str]]) -> Table:
    return Table(
        "plans",
        _("Kế hoạch"),
        _("Nhiệm vụ cải thiện theo tiêu chí"),
        columns("plans"),
        [dict(row) for row in plans],
    )


def trend_table(points: list[TrendPoint], places: int) -> Table:
    return Table(
        "trend",
        _("Xu hướng"),
        _("Điểm và thứ hạng qua các năm"),
        columns("trend"),
        [
            {
                "year": p.year,
                "framework": p.framework_label or p.framework,
                "score": p.score,
                "max": p.max_points,
                "rank": p.rank,
                "of": p.of,
            }
            for p in points
        ],
        places,
    )


def ranking_table(analysis: YearAnalysis, places: int) -> Table:
    from chiso.results.presenters import league_row

    rows = [league_row(row) for row in analysis.league_table()]
    return Table(
        "ranking",
        _("Xếp hạng"),
        _("Bảng xếp hạng"),
        columns("ranking"),
        rows,
        places,
        analysis.total_ranking.of,
    )
