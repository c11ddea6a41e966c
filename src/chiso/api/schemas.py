"""What each answer of the API holds (its OpenAPI description is generated from these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from ninja import Schema

Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    """One page of a list: `count` rows in all, `limit` from `offset`; `next` and `previous` are the
    addresses of the neighbouring pages (null at either end)."""

    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[Item]


class Message(Schema):
    detail: str


class IndexOut(Schema):
    code: str
    short_name: str
    name_vi: str
    name_en: str
    publisher: str
    legal_basis: str
    unit_levels: list[str]
    max_points: str | None
    percent: bool
    precision: int
    years: list[int]
    frameworks: list[str]


class NodeOut(Schema):
    code: str
    name_vi: str
    name_en: str
    level: str
    max_points: str | None
    weight: str | None
    children: list[NodeOut]


class FrameworkOut(Schema):
    code: str
    index: str
    name_vi: str
    name_en: str | None
    first_year: int | None
    last_year: int | None
    status: str
    ranking_precision: int
    display_precision: int
    aggregation: str
    max_points: str | None


class FrameworkDetail(FrameworkOut):
    tree: NodeOut


class UnitPeriod(Schema):
    level: str
    code: str
    name: str
    name_en: str
    kind: str
    valid_from: date | None
    valid_to: date | None
    parent_code: str
    region: str
    region_en: str


class LineageOut(Schema):
    code: str
    level: str
    name: str
    valid_from: date | None
    effective: date
    relation: str
    note: str


class UnitDetail(Schema):
    code: str
    level: str
    name: str
    name_en: str
    periods: list[UnitPeriod]
    predecessors: list[LineageOut]
    successors: list[LineageOut]


class ResultSetOut(Schema):
    index: str
    year: int
    period: str | None  # "2025-10", "2025-Q4"; None for the whole year
    level: str
    version: int
    framework: str
    published_at: datetime | None
    source: str
    publisher: str
    document: str
    source_url: str
    units: int
    ranking: str
    page: str


class RankingRow(Schema):
    rank: int | None
    code: str
    name: str
    name_en: str | None
    score: str | None
    change_score: str | None
    change_rank: int | None
    previous_rank: int | None
    group: str | None
    group_en: str | None
    region: str | None
    region_en: str | None
    regional_rank: int | None
    regional_of: int | None
    block: str | None
    block_rank: int | None
    block_of: int | None


class RankingPage(Page[RankingRow]):
    index: str
    year: int
    period: str | None  # "2025-10", "2025-Q4"; None for the whole year
    level: str
    framework: str
    display_precision: int
    ranking_precision: int
    max_points: str | None
    of: int
    ranked: int
    mean: str | None
    mean_source: str | None
    previous_year: int | None
    source: str
    region: str | None
    block: str | None


class ComponentOut(Schema):
    code: str
    name: str
    name_en: str | None
    score: str | None
    max_points: str | None
    rank: int | None
    of: int
    change_score: str | None
    change_rank: int | None
    mean: str | None
    best: str | None
    strength: bool
    weakness: bool


class UnitName(Schema):
    code: str
    name: str
    name_en: str | None


class ProfileOut(Schema):
    index: str
    year: int
    period: str | None  # "2025-10", "2025-Q4"; None for the whole year
    framework: str
    unit: UnitName
    score: str | None
    max_points: str | None
    rank: int | None
    of: int
    group: str | None
    group_en: str | None
    previous_year: int | None
    previous_score: str | None
    previous_rank: int | None
    change_score: str | None
    change_rank: int | None
    mean: str | None
    mean_source: str | None
    peer_scope: str
    region: str | None
    regional_rank: int | None
    regional_of: int | None
    regional_mean: str | None
    components: list[ComponentOut]
    source: str


class BlockOut(Schema):
    code: str
    name: str
    name_en: str | None
    of: int | None
    mean: str | None


class CycleOut(Schema):
    id: int
    name: str
    year: int
    block: str
    organiser: str
    index: str
    framework: str
    published_at: datetime | None
    units: int
    source: str  # the organiser, the cycle, its publication and the decision of its criteria


class CycleDetail(CycleOut):
    of: int
    ranked: int
    mean: str | None
    previous_year: int | None
    blocks: list[BlockOut]
    fields: list[NodeOut]


class CycleRow(Schema):
    rank: int | None
    code: str
    name: str
    score: str | None
    block: str | None
    block_rank: int | None
    block_of: int | None
    group: str | None
    change_score: str | None
    change_rank: int | None
    fields: dict[str, str | None]


class SurveyOut(Schema):
    id: int
    title: str
    year: int
    unit_level: str
    organiser: str | None
    estimated_at: datetime | None
    source: str  # who ran it, the survey, the questionnaire and its source


class SurveyRow(Schema):
    rank: int
    code: str
    name: str
    percent: str
    ci_low: str | None
    ci_high: str | None
    n: int
    n_eff: float | None
    small_n: bool
    tied_above: bool
    tied_below: bool


class SurveyPage(Page[SurveyRow]):
    survey: int
    code: str
    respondent_type: str
