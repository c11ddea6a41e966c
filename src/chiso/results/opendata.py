"""Published results as open data: the league table's rows and a unit's profile with exact decimals.

What the API (`chiso.api`) answers and the public pages' JSON and CSV downloads write. Points are
decimal text at the framework's display precision ("86.55": a point, never a float), rounded half-up
like every figure on the pages; the rows are the page's rows (`league_rows`, the same filter)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.engine.analysis import TOTAL, LeagueRow, Profile, YearAnalysis
from chiso.engine.numbers import round_half_up
from chiso.frameworks.models import Index


def decimal_text(value: Decimal | None, places: int) -> str | None:
    """A Decimal as text at `places` decimals, rounded half-up ("86.545" → "86.55"); None stays None."""
    if value is None:
        return None
    return format(round_half_up(value, places), "f")


def maximum_text(value: Decimal | None) -> str | None:
    """A maximum as the framework gives it ("10", "3.33"), None when the source does not give it."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def league_rows(
    analysis: YearAnalysis, region: str = "", block: str = "", *, node: str = TOTAL
) -> list[LeagueRow]:
    """The league table of an index-year as the public page shows it: every peer in rank order (on
    the total, or on `node`), those of one region (its Vietnamese name) or one block (its name) only
    when asked."""
    return [
        row
        for row in analysis.league_table(node)
        if (not region or row.unit.region == region) and (not block or row.unit.block == block)
    ]


def league_row_data(row: LeagueRow, places: int) -> dict[str, Any]:
    """One league-table row as open data: ranks as integers, points as decimal text."""
    unit, change, group = row.unit, row.change, row.group
    return {
        "rank": row.rank,
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en or None,
        "score": decimal_text(row.score, places),
        "change_score": decimal_text(change.score, places) if change else None,
        "change_rank": change.rank if change else None,
        "previous_rank": change.previous_rank if change else None,
        "group": group.label_vi if group else None,
        "group_en": group.label_en if group else None,
        "region": unit.region,
        "region_en": unit.region_en,
        "regional_rank": row.regional_rank,
        "regional_of": row.regional_of,
        "block": unit.block,
        "block_rank": row.block_rank,
        "block_of": row.block_of,
    }


def profile_data(profile: Profile, index: Index) -> dict[str, Any]:
    """A unit's profile for an index-year as open data (the figures of its page)."""
    places = profile.framework.display_precision
    change = profile.change

    def text(value: Decimal | None) -> str | None:
        return decimal_text(value, places)

    return {
        "index": index.code,
        "year": profile.year,
        "framework": profile.framework.code,
        "unit": {
            "code": profile.unit.code,
            "name": profile.unit.name,
            "name_en": profile.unit.name_en or None,
        },
        "score": text(profile.score),
        "max_points": maximum_text(profile.framework.root.max_points),
        "rank": profile.rank,
        "of": profile.of,
        "group": profile.group.label_vi if profile.group else None,
        "group_en": profile.group.label_en if profile.group else None,
        "previous_year": profile.previous_year,
        "previous_score": text(change.previous_score) if change else None,
        "previous_rank": change.previous_rank if change else None,
        "change_score": text(change.score) if change else None,
        "change_rank": change.rank if change else None,
        "mean": text(profile.national_mean),
        "mean_source": profile.national_mean_source,
        "peer_scope": profile.peer_scope,
        "region": profile.region,
        "regional_rank": profile.regional_rank,
        "regional_of": profile.regional_of,
        "regional_mean": text(profile.regional_mean),
        "components": [
            {
                "code": c.code,
                "name": c.name_vi,
                "name_en": c.name_en or None,
                "score": text(c.score),
                "max_points": maximum_text(c.max_points),
                "rank": c.rank,
                "of": c.of,
                "change_score": text(c.change.score) if c.change else None,
                "change_rank": c.change.rank if c.change else None,
                "mean": text(c.mean),
                "best": text(c.best),
                "strength": c in profile.strengths,
                "weakness": c in profile.weaknesses,
            }
            for c in profile.components
        ],
    }
