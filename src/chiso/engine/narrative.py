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
from chiso.engine.i18n import active_language, localized, ngettext
from chiso.engine.i18n import gettext as _
from chiso.engine.indices import IndexWording, score_phrase, wording_for_level
from chiso.engine.numbers import format_number, format_rank, round_half_up
from chiso.engine.periods import period_label
from chiso.engine.units import DISTRICT, Unit

INDEX_WORD = "Chỉ số "


def index_in_sentence(name: str) -> str:
    """An index's short name as it follows the word "Chỉ số" in a sentence: "PAPI", and "766" for an
    index whose short name already says "Chỉ số 766" (never "Chỉ số Chỉ số 766")."""
    if name[: len(INDEX_WORD)].casefold() == INDEX_WORD.casefold() and len(name) > len(INDEX_WORD):
        return name[len(INDEX_WORD) :]
    return name


def unit_phrase(unit: Unit) -> str:
    """ "tỉnh Ninh Thuận", "thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Phường Hoàn Kiếm",
    "huyện Bình Liêu" (a district's official name "Huyện Bình Liêu" inside a sentence).
    In English the unit's English name with its kind: "Ninh Thuan province"."""
    if active_language() == "en" and unit.name_en:
        return _english_unit(unit)
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


def _english_unit(unit: Unit) -> str:
    """ "Ninh Thuan province", "Hanoi city"; a name that already says what it is stays as given."""
    name = unit.name_en
    lowered = name.lower()
    if unit.kind == "tỉnh" and "province" not in lowered:
        return f"{name} province"
    if unit.kind.startswith("thành phố") and "city" not in lowered:
        return f"{name} city"
    return name


def rank_change_phrase(change: int) -> str:
    if change > 0:
        return ngettext("tăng {count} bậc", "tăng {count} bậc", change).format(count=change)
    if change < 0:
        return ngettext("giảm {count} bậc", "giảm {count} bậc", -change).format(count=-change)
    return _("giữ nguyên thứ hạng")


def score_change_phrase(change: Decimal, places: int, unit_word: str | None = None) -> str:
    """ "tăng 3,08 điểm", "giảm 2,3 %" (a percentage index), "không thay đổi về điểm"."""
    unit_word = unit_word or _("điểm")
    locale = active_language()
    rounded = round_half_up(change, places)
    if rounded > 0:
        return _("tăng {amount} {unit}").format(amount=format_number(rounded, places, locale), unit=unit_word)
    if rounded < 0:
        return _("giảm {amount} {unit}").format(
            amount=format_number(-rounded, places, locale), unit=unit_word
        )
    return _("không thay đổi về điểm")


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
        moved = _("{points} và {ranks}").format(
            points=score_change_phrase(points, places, wording.unit_word), ranks=moved
        )
    if profile.previous_period and profile.previous_year is not None:
        return _("{change} so với {period}").format(
            change=moved, period=period_label(profile.previous_year, profile.previous_period)
        )
    return _("{change} so với năm {year}").format(change=moved, year=profile.previous_year)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def group_phrase(label_vi: str, label_en: str | None) -> str:
    """The group a unit is in, inside a sentence: "nhóm đạt điểm cao nhất" (the Vietnamese label,
    lower-cased); in English "highest group" (the English label with its noun)."""
    if active_language() != "en" or not label_en:
        return _lower_first(label_vi)
    label = _lower_first(localized(label_vi, label_en))
    return label if "group" in label.lower() else f"{label} group"


def peer_words(wording: IndexWording) -> str:
    """The peer noun in the active language; an index's own noun (data) stays as given."""
    return _(wording.peer_noun)


def headline(profile: Profile, index_name: str, wording: IndexWording | None = None) -> str:
    """The one-sentence summary the press writes about a unit's result, in the index's words
    (`wording`: the peer noun, percent or points, the share of the maximum)."""
    wording = wording or wording_for_level(profile.unit.level)
    places = profile.framework.display_precision
    if profile.period:
        opening = _("Chỉ số {index} {period} của {unit}").format(
            index=index_in_sentence(index_name),
            period=period_label(profile.year, profile.period),
            unit=unit_phrase(profile.unit),
        )
    else:
        opening = _("Chỉ số {index} năm {year} của {unit}").format(
            index=index_in_sentence(index_name), year=profile.year, unit=unit_phrase(profile.unit)
        )
    if profile.score is None:
        return _("{opening} không được công bố.").format(opening=opening)
    scored = score_phrase(profile.score, profile.framework.root.max_points, places, wording)
    sentence = _("{opening} đạt {score}, xếp hạng {rank} {peers}").format(
        opening=opening, score=scored, rank=format_rank(profile.rank, profile.of), peers=peer_words(wording)
    )
    moved = change_phrase(profile, wording)
    if moved:
        sentence += f"; {moved}"
    if profile.group is not None:
        group = group_phrase(profile.group.label_vi, profile.group.label_en)
        sentence += _("; thuộc {group}").format(group=group)
    return sentence + "."


def mean_phrase(profile: Profile, wording: IndexWording | None = None) -> str | None:
    """ "cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm", "thấp hơn trung bình của tỉnh (85,17 %)
    3,47 %" — the mean's label follows the peer set (`wording.mean_label`); None without a mean or a
    score."""
    if profile.score is None or profile.national_mean is None:
        return None
    wording = wording or wording_for_level(profile.unit.level)
    unit = wording.unit_word
    label = _(wording.mean_label)
    places = profile.framework.display_precision
    locale = active_language()
    difference = round_half_up(profile.score, places) - round_half_up(profile.national_mean, places)
    level = format_number(profile.national_mean, places, locale)
    if difference > 0:
        return _("cao hơn {mean} ({level} {unit}) {amount} {unit}").format(
            mean=label, level=level, unit=unit, amount=format_number(difference, places, locale)
        )
    if difference < 0:
        return _("thấp hơn {mean} ({level} {unit}) {amount} {unit}").format(
            mean=label, level=level, unit=unit, amount=format_number(-difference, places, locale)
        )
    return _("bằng {mean} ({level} {unit})").format(mean=label, level=level, unit=unit)


def mean_sentence(profile: Profile, wording: IndexWording | None = None) -> str | None:
    """ "Cao hơn trung bình cả nước (42,41 điểm) 1,42 điểm." ("… (85,17 %) 3,47 %." for a
    percentage index, "Thấp hơn trung bình của tỉnh …" among a province's districts)."""
    phrase = mean_phrase(profile, wording)
    return phrase[:1].upper() + phrase[1:] + "." if phrase else None


def block_rank_phrase(rank: int | None, of: int, block: str) -> str:
    """ "xếp thứ 3/14 trong khối sở, ban, ngành": a unit's rank within its block (N: the block's
    units in the ranking)."""
    return _("xếp thứ {rank} trong {block}").format(rank=format_rank(rank, of), block=_lower_first(block))
