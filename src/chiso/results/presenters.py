"""Results as plain data for the console, JSON/CSV exports and web pages."""

from __future__ import annotations

from typing import Any

from chiso.core.serialize import json_number
from chiso.engine.analysis import TOTAL, LeagueRow, Profile, YearAnalysis
from chiso.engine.indices import mean_label, share_of_max
from chiso.engine.narrative import headline, mean_sentence
from chiso.engine.numbers import format_number, format_rank, format_signed
from chiso.frameworks.models import Index


def signed_int(value: int | None) -> str:
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else str(value)


def profile_to_dict(profile: Profile, index: Index) -> dict[str, Any]:
    """The machine-readable profile (the `--format json` of `chiso profile`); the sentence, the peer
    noun and the share of the maximum in the index's words (`Index.wording`)."""
    change = profile.change
    wording = index.wording(profile.unit.level).for_peers(profile.peer_scope)
    maximum = profile.framework.root.max_points
    return {
        "index": index.code,
        "index_name": index.short_name,
        "year": profile.year,
        "framework": profile.framework.code,
        "unit": {"code": profile.unit.code, "name": profile.unit.name, "name_en": profile.unit.name_en},
        "score": json_number(profile.score),
        "max": json_number(profile.framework.root.max_points),
        "rank": profile.rank,
        "of": profile.of,
        "ranking_precision": profile.framework.ranking.precision,
        "percent": wording.percent,
        "percent_of_max": json_number(
            share_of_max(profile.score, maximum, profile.framework.display_precision)
        ),
        "peer_noun": wording.peer_noun,
        "mean_label": wording.mean_label,
        "peer_scope": profile.peer_scope,
        "previous": {
            "year": profile.previous_year,
            "score": json_number(change.previous_score) if change else None,
            "rank": change.previous_rank if change else None,
        },
        "change": {
            "score": json_number(change.score) if change else None,
            "rank": change.rank if change else None,
        },
        "group": profile.group.label if profile.group else None,
        "group_en": profile.group.label_en if profile.group else None,
        "national_mean": json_number(profile.national_mean),
        "national_mean_source": profile.national_mean_source,
        "difference_from_mean": json_number(profile.score - profile.national_mean)
        if profile.score is not None and profile.national_mean is not None
        else None,
        "region": profile.region,
        "regional_rank": profile.regional_rank,
        "regional_of": profile.regional_of,
        "regional_mean": json_number(profile.regional_mean),
        "peer_groups": [
            {"kind": g.kind, "name": g.name, "rank": g.rank, "of": g.of, "mean": json_number(g.mean)}
            for g in profile.peer_groups
        ],
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "name_en": c.name_en,
                "score": json_number(c.score),
                "max": json_number(c.max_points),
                "rank": c.rank,
                "of": c.of,
                "change_score": json_number(c.change.score) if c.change else None,
                "change_rank": c.change.rank if c.change else None,
                "mean": json_number(c.mean),
                "best": json_number(c.best),
                "group": c.group.label if c.group else None,
            }
            for c in profile.components
        ],
        "strengths": [c.code for c in profile.strengths],
        "weaknesses": [c.code for c in profile.weaknesses],
        "sentence_vi": headline(profile, index.short_name, wording),
        "mean_sentence_vi": mean_sentence(profile, wording),
        "note": profile.status_note,
    }


def league_row(row: LeagueRow, lang: str = "vi") -> dict[str, Any]:
    """The one league-table row, as values (Decimals, ints, names; group label in `lang`): what the
    command line, the web page, the JSON/CSV export and the report's ranking table all show."""
    group = None
    if row.group is not None:
        group = row.group.label
    return {
        "rank": row.rank,
        "code": row.unit.code,
        "name": row.unit.display_name,
        "score": row.score,
        "group": group,
        "group_position": row.group.position if row.group else None,
        "change_score": row.change.score if row.change else None,
        "change_rank": row.change.rank if row.change else None,
        "previous_rank": row.change.previous_rank if row.change else None,
        "region": row.unit.region_name,
        "regional_rank": row.regional_rank,
        "regional_of": row.regional_of,
    }


def league_row_display(values: dict[str, Any], of: int, places: int, lang: str = "vi") -> dict[str, str]:
    """A `league_row` as text for people: "14/63", "43,83", "+3,08", "+44", the group or "–"."""
    return {
        "rank": format_rank(values["rank"], of),
        "code": values["code"],
        "name": values["name"],
        "score": format_number(values["score"], places, lang),
        "change_score": format_signed(values["change_score"], places, lang),
        "change_rank": signed_int(values["change_rank"]),
        "group": values["group"] or "–",
        "regional": format_rank(values["regional_rank"], values["regional_of"]),
    }


def league_row_to_dict(row: LeagueRow) -> dict[str, Any]:
    """A `league_row` for JSON and CSV (numbers as JSON numbers, the group's Vietnamese label)."""
    values = league_row(row)
    return {
        "rank": values["rank"],
        "code": values["code"],
        "name": values["name"],
        "score": json_number(values["score"]),
        "group": values["group"],
        "change_score": json_number(values["change_score"]),
        "change_rank": values["change_rank"],
        "previous_rank": values["previous_rank"],
        "region": values["region"],
        "regional_rank": values["regional_rank"],
        "regional_of": values["regional_of"],
    }


def ranking_to_dict(analysis: YearAnalysis, index: Index, node: str = TOTAL) -> dict[str, Any]:
    ranking = analysis.ranking(node)
    national, source = analysis.national_mean(node)
    moved = analysis.movers(node=node)
    names = analysis.units
    compared = analysis.previous_ranking_of(node) is not None
    return {
        "index": index.code,
        "year": analysis.current.year,
        "framework": analysis.framework.code,
        "node": node,
        "node_name": analysis.node_of(node).name,
        "max": json_number(analysis.node_of(node).max_points),
        "of": ranking.of,
        "ranked": len(ranking),
        "unranked": [names[ref].name for ref in ranking.unranked],
        "ranking_precision": ranking.precision,
        "previous_year": analysis.previous.year if compared and analysis.previous else None,
        "national_mean": json_number(national),
        "national_mean_source": source,
        "mean_label": mean_label(analysis.current.peer_scope),
        "above_mean": sum(1 for e in ranking.entries if national is not None and e.value > national),
        "up": moved.up if compared else None,
        "down": moved.down if compared else None,
        "biggest_gains": [{"name": names[u].name, "change": json_number(d)} for u, d in moved.biggest_gains],
        "biggest_losses": [
            {"name": names[u].name, "change": json_number(d)} for u, d in moved.biggest_losses
        ],
        "rows": [league_row_to_dict(row) for row in analysis.league_table(node)],
    }


LEAGUE_CELLS = ("rank", "code", "name", "score", "change_score", "change_rank", "group", "regional")


def league_table_cells(
    analysis: YearAnalysis, lang: str = "vi", node: str = TOTAL
) -> tuple[list[str], list[list[str]], list[bool]]:
    """Headers, cells and right-alignment of the league table for a text table."""
    places = analysis.framework.display_precision
    maximum = analysis.node_of(node).max_points
    score_header = f"Điểm/{format_number(maximum, 0)}" if maximum is not None else "Điểm"
    if lang == "en":
        headers = [
            "Rank",
            "Code",
            "Unit",
            score_header.replace("Điểm", "Score"),
            "Change",
            "Rank chg",
            "Group",
            "Regional rank",
        ]
    else:
        headers = ["Hạng", "Mã", "Đơn vị", score_header, "± điểm", "± bậc", "Nhóm", "Hạng vùng"]
    ranking = analysis.ranking(node)
    rows = []
    for row in analysis.league_table(node):
        shown = league_row_display(league_row(row, lang), ranking.of, places, lang)
        rows.append([shown[key] for key in LEAGUE_CELLS])
    return headers, rows, [True, False, False, True, True, True, False, True]
