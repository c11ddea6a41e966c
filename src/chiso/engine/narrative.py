"""Press-style Vietnamese sentences from a profile, in the index's words (`IndexWording`).

"Chỉ số PAPI năm 2021 của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp hạng 14/63 tỉnh, thành phố;
tăng 3,08 điểm và tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."
"Chỉ số CQĐT năm 2022 của huyện Bình Liêu đạt 165,02/220 điểm, đạt 75,01 %, xếp hạng 13/13 huyện,
thị xã, thành phố; tăng 35,34 điểm và giảm 2 bậc so với năm 2021."

The command line, the JSON profile, the web profile page and the Word report all take their
sentences from here (`score_phrase`, `change_phrase`, `mean_phrase`).
"""

from __future__ import annotations

from decimal import Decimal

from chiso.engine.analysis import Profile
from chiso.engine.indices import IndexWording, score_phrase, wording_for_level
from chiso.engine.numbers import format_number, format_rank, round_half_up
from chiso.engine.units import DISTRICT, Unit


def unit_phrase(unit: Unit) -> str:
    """ "tỉnh Ninh Thuận", "thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Phường Hoàn Kiếm",
    "huyện Bình Liêu" (a district's official name "Huyện Bình Liêu" inside a sentence)."""
    name = unit.name
    if unit.level == DISTRICT and unit.kind and name.lower().startswith(unit.kind.lower() + " "):
        return unit.kind.lower() + name[len(unit.kind) :]
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


def rounded_difference(new: Decimal | None, old: Decimal | None, places: int) -> Decimal | None:
    """new − old between the displayed (rounded) figures; None when either is missing."""
    if new is None or old is None:
        return None
    return round_half_up(new, places) - round_half_up(old, places)


def change_phrase(profile: Profile, wording: IndexWording) -> str | None:
    """The change against the previous year in points (or %) and in ranks: "tăng 8,55 điểm và tăng 25
    bậc so với năm 2021", "giảm 2,30 % và giảm 10 bậc so với năm 2021"; None when nothing compares."""
    change = profile.change
    if change is None or change.rank is None:
        return None
    places = profile.framework.display_precision
    moved = rank_change_phrase(change.rank)
    points = rounded_difference(profile.score, change.previous_score, places)
    if points is not None:
        moved = f"{score_change_phrase(points, places, wording.unit_word)} và {moved}"
    return f"{moved} so với năm {profile.previous_year}"


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
    moved = change_phrase(profile, wording)
    if moved:
        sentence += f"; {moved}"
    if profile.group is not None:
        sentence += f"; thuộc {_lower_first(profile.group.label_vi)}"
    return sentence + "."


def mean_phrase(profile: Profile, wording: IndexWording | None = None) -> str | None:
    """ "cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm", "thấp hơn trung bình của tỉnh (85,17 %)
    3,47 %" — the mean's label follows the peer set (`wording.mean_label`); None without a mean or a
    score."""
    if profile.score is None or profile.national_mean is None:
        return None
    wording = wording or wording_for_level(profile.unit.level)
    unit = wording.unit_word
    label = wording.mean_label
    places = profile.framework.display_precision
    difference = round_half_up(profile.score, places) - round_half_up(profile.national_mean, places)
    level = format_number(profile.national_mean, places)
    if difference > 0:
        return f"cao hơn {label} ({level} {unit}) {format_number(difference, places)} {unit}"
    if difference < 0:
        return f"thấp hơn {label} ({level} {unit}) {format_number(-difference, places)} {unit}"
    return f"bằng {label} ({level} {unit})"


def mean_sentence(profile: Profile, wording: IndexWording | None = None) -> str | None:
    """ "Cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm." ("… (85,17 %) 3,47 %." for a
    percentage index, "Thấp hơn trung bình của tỉnh …" among a province's districts)."""
    phrase = mean_phrase(profile, wording)
    return phrase[:1].upper() + phrase[1:] + "." if phrase else None


def block_rank_phrase(rank: int | None, of: int, block: str) -> str:
    """ "xếp thứ 3/14 trong khối sở, ban, ngành": a unit's rank within its block (N: the block's
    units in the ranking)."""
    return f"xếp thứ {format_rank(rank, of)} trong {_lower_first(block)}"
