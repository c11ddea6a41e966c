"""Press-style Vietnamese sentences from a profile.

"Chỉ số PAPI năm 2021 của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp hạng 14/63 tỉnh, thành phố,
tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."
"""

from __future__ import annotations

from decimal import Decimal

from chiso.engine.analysis import Profile
from chiso.engine.indices import IndexWording, score_phrase, wording_for_level
from chiso.engine.numbers import format_number, format_rank, round_half_up
from chiso.engine.units import Unit


def unit_phrase(unit: Unit) -> str:
    """ "tỉnh Ninh Thuận", "thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Phường Hoàn Kiếm"."""
    name = unit.name
    if name.startswith("TP. "):
        return "Thành phố " + name[4:]
    if unit.kind.startswith("thành phố"):
        return f"thành phố {name}"
    if unit.kind == "tỉnh":
        return f"tỉnh {name}"
    return name


def rank_change_phrase(change: int) -> str:
    if change > 0:
        return f"tăng {change} bậc"
    if change < 0:
        return f"giảm {-change} bậc"
    return "giữ nguyên thứ hạng"


def score_change_phrase(change: Decimal, places: int, unit_word: str = "điểm") -> str:
    """ "tăng 3,08 điểm", "giảm 2,3 %" (a percentage index), "không thay đổi về điểm"."""
    rounded = round_half_up(change, places)
    if rounded > 0:
        return f"tăng {format_number(rounded, places)} {unit_word}"
    if rounded < 0:
        return f"giảm {format_number(-rounded, places)} {unit_word}"
    return "không thay đổi về điểm"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def headline(profile: Profile, index_name: str, wording: IndexWording | None = None) -> str:
    """The one-sentence summary the press writes about a unit's result, in the index's words
    (`wording`: the peer noun, percent or points, the share of the maximum)."""
    wording = wording or wording_for_level(profile.unit.level)
    places = profile.framework.display_precision
    who = unit_phrase(profile.unit)
    opening = f"Chỉ số {index_name} năm {profile.year} của {who}"
    if profile.score is None:
        return f"{opening} không được công bố."
    scored = score_phrase(profile.score, profile.framework.root.max_points, places, wording)
    sentence = f"{opening} đạt {scored}, xếp hạng {format_rank(profile.rank, profile.of)} {wording.peer_noun}"
    if profile.change is not None and profile.change.rank is not None:
        sentence += f", {rank_change_phrase(profile.change.rank)} so với năm {profile.previous_year}"
    if profile.group is not None:
        sentence += f"; thuộc {_lower_first(profile.group.label_vi)}"
    return sentence + "."


def mean_sentence(profile: Profile, wording: IndexWording | None = None) -> str | None:
    """ "Cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm." ("… (85,17 %) 3,47 %." for a
    percentage index) — None without a mean or a score."""
    if profile.score is None or profile.national_mean is None:
        return None
    unit = (wording or wording_for_level(profile.unit.level)).unit_word
    places = profile.framework.display_precision
    difference = round_half_up(profile.score, places) - round_half_up(profile.national_mean, places)
    level = format_number(profile.national_mean, places)
    if difference > 0:
        return f"Cao hơn trung bình cả nước ({level} {unit}) {format_number(difference, places)} {unit}."
    if difference < 0:
        return f"Thấp hơn trung bình cả nước ({level} {unit}) {format_number(-difference, places)} {unit}."
    return f"Bằng trung bình cả nước ({level} {unit})."


def block_rank_phrase(rank: int | None, of: int, block: str) -> str:
    """ "xếp thứ 3/14 trong khối sở, ban, ngành": a unit's rank within its block (N: the block's
    units in the ranking)."""
    return f"xếp thứ {format_rank(rank, of)} trong {_lower_first(block)}"
