"""The report's paragraphs, written the way provincial reports and the press write them.

"Năm 2021, Chỉ số PAPI của tỉnh Ninh Thuận đạt 43,83/80 điểm, xếp vị thứ 14/63 tỉnh, thành phố;
tăng 3,08 điểm và tăng 44 bậc so với năm 2020; thuộc nhóm đạt điểm cao nhất."

Pure functions of engine objects (Profile, NodeLoss); differences are taken between the figures
as displayed (rounded), so that the text and the tables always agree.
"""

from __future__ import annotations

from decimal import Decimal

from chiso.engine.analysis import BLOCK, CENTRAL_CITIES, REGION, SUBREGION, ComponentResult, Profile
from chiso.engine.compare import quarter
from chiso.engine.indices import IndexWording, score_phrase, wording_for_level
from chiso.engine.losses import NodeLoss
from chiso.engine.narrative import (
    block_rank_phrase,
    change_phrase,
    mean_phrase,
    rank_change_phrase,
    rounded_difference,
    score_change_phrase,
    unit_phrase,
)
from chiso.engine.numbers import format_number, format_rank


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _scale(maximum: Decimal | None) -> str:
    return f"/{format_number(maximum, 0)}" if maximum is not None else ""


def headline_paragraph(profile: Profile, index_name: str, wording: IndexWording | None = None) -> str:
    """The opening sentence: score/max (or percent, with the share of the maximum when the index
    states it), rank x/N with the index's peer noun, change in points and ranks, group."""
    wording = wording or wording_for_level(profile.unit.level)
    places = profile.framework.display_precision
    who = unit_phrase(profile.unit)
    if profile.score is None:
        return f"Năm {profile.year}, Chỉ số {index_name} của {who} không được công bố."
    scored = score_phrase(profile.score, profile.framework.root.max_points, places, wording)
    text = (
        f"Năm {profile.year}, Chỉ số {index_name} của {who} đạt {scored}, "
        f"xếp vị thứ {format_rank(profile.rank, profile.of)} {wording.peer_noun}"
    )
    moved = change_phrase(profile, wording)
    if moved:
        text += f"; {moved}"
    if profile.group is not None:
        group = _lower_first(profile.group.label_vi)
        # "thuộc nhóm đạt điểm cao nhất"; a bare label ("Rất tốt") gets its noun: "thuộc nhóm rất tốt".
        text += f"; thuộc {group if group.startswith('nhóm') else 'nhóm ' + group}"
    return text + "."


def comparison_paragraph(profile: Profile, wording: IndexWording | None = None) -> str | None:
    """Against the peers' mean (its label follows the peer set: "trung bình cả nước", "trung bình
    của tỉnh") and inside the region, subregion and the centrally-run cities."""
    if profile.score is None:
        return None
    places = profile.framework.display_precision
    parts: list[str] = []
    against_mean = mean_phrase(profile, wording)
    if against_mean:
        parts.append(against_mean)
    places_in = []
    order = {REGION: 0, SUBREGION: 1, CENTRAL_CITIES: 2}
    for group in sorted(profile.peer_groups, key=lambda g: order.get(g.kind, 9)):
        if group.rank is None:
            continue
        rank = format_rank(group.rank, group.of)
        if group.kind == REGION:
            mean = (
                f" (trung bình vùng {format_number(group.mean, places)} điểm)"
                if group.mean is not None
                else ""
            )
            places_in.append(f"thứ {rank} địa phương vùng {group.name}{mean}")
        elif group.kind == SUBREGION:
            places_in.append(f"thứ {rank} địa phương tiểu vùng {group.name}")
        elif group.kind == CENTRAL_CITIES:
            places_in.append(f"thứ {rank} {group.name}")
    if places_in:
        parts.append("xếp " + ", ".join(places_in))
    parts += [
        block_rank_phrase(g.rank, g.of, g.name)
        for g in profile.peer_groups
        if g.kind == BLOCK and g.rank is not None
    ]
    if not parts:
        return None
    return "Điểm tổng hợp " + "; ".join(parts) + "."


def _change_note(component: ComponentResult, places: int) -> str:
    change = component.change
    points = rounded_difference(component.score, change.previous_score if change else None, places)
    bits = []
    if points is not None:
        bits.append(score_change_phrase(points, places))
    if change is not None and change.rank is not None:
        bits.append(rank_change_phrase(change.rank))
    return " và ".join(bits)


def components_paragraph(profile: Profile, noun: str = "nội dung") -> str | None:
    """How many components rose or fell against last year, naming those that fell."""
    if profile.previous_year is None:
        return None
    places = profile.framework.display_precision
    compared = [c for c in profile.components if c.change is not None and c.change.score is not None]
    if not compared:
        return None
    total = len(profile.components)

    def points(c: ComponentResult) -> Decimal:
        return rounded_difference(c.score, c.change.previous_score, places)  # type: ignore[union-attr,return-value]

    up_points = [c for c in compared if points(c) > 0]
    up_ranks = [c for c in compared if (c.change.rank or 0) > 0]  # type: ignore[union-attr]
    down = [c for c in compared if points(c) < 0 or (c.change.rank or 0) < 0]  # type: ignore[union-attr]
    text = (
        f"So với năm {profile.previous_year}, có {len(up_points)}/{total} {noun} tăng điểm "
        f"và {len(up_ranks)}/{total} {noun} tăng bậc"
    )
    if down:
        listed = "; ".join(f"{c.name_vi} ({_change_note(c, places)})" for c in down)
        text += f"; các {noun} giảm điểm hoặc giảm bậc: {listed}"
    return text + "."


def _standing(component: ComponentResult, places: int) -> str:
    return (
        f"{component.name_vi} ({format_number(component.score, places)}{_scale(component.max_points)} điểm, "
        f"xếp thứ {format_rank(component.rank, component.of)})"
    )


def strengths_paragraph(profile: Profile, noun: str = "nội dung") -> str:
    """The strengths under the one rule (`compare.is_strength`: a rank in the top quarter), saying
    the rule, so that a mid-table rank is never called high."""
    places = profile.framework.display_precision
    if not profile.strengths:
        return f"Không có {noun} nào xếp trong nhóm một phần tư đầu bảng ({_top_ranks(profile.of)})."
    return (
        f"Các {noun} là điểm mạnh, xếp trong nhóm một phần tư đầu bảng ({_top_ranks(profile.of)}): "
        + ", ".join(_standing(c, places) for c in profile.strengths)
        + "."
    )


JOIN = "\u2060–\u2060"  # an en dash that a line never breaks at ("hạng 1–16/63" stays whole)


def _top_ranks(of: int | None) -> str:
    return f"hạng 1{JOIN}{quarter(of)}/{of}" if of else "hạng cao nhất"


def _bottom_ranks(of: int | None) -> str:
    return f"hạng {of - quarter(of) + 1}{JOIN}{of}/{of}" if of else "hạng thấp nhất"


def without_codes(text: str, target) -> str:
    """The target's explanation naming components by name only ("Quản trị môi trường thêm 0,61
    điểm", not "d7 (Quản trị môi trường) …")."""
    for gain in target.gains:
        text = text.replace(f"{gain.code} ({gain.name})", gain.name)
        text = text.replace(f"{gain.code} ({gain.name_vi})", gain.name_vi)
    return text


def weaknesses_paragraph(
    profile: Profile, noun: str = "nội dung", mean_label: str = "trung bình cả nước"
) -> str:
    places = profile.framework.display_precision
    if not profile.weaknesses:
        return f"Không có {noun} nào xếp trong nhóm một phần tư cuối bảng ({_bottom_ranks(profile.of)})."
    parts = []
    for c in profile.weaknesses:
        text = _standing(c, places)
        below = rounded_difference(c.mean, c.score, places)
        if below is not None and below > 0:
            text = text[:-1] + f", thấp hơn {mean_label} {format_number(below, places)} điểm)"
        parts.append(text)
    return (
        f"Các {noun} là điểm yếu, xếp trong nhóm một phần tư cuối bảng ({_bottom_ranks(profile.of)}), "
        "cần tập trung cải thiện: " + ", ".join(parts) + "."
    )


def losses_paragraph(components: list[NodeLoss], criteria: list[NodeLoss], places: int) -> str | None:
    """Where most points were lost (components with a maximum) and the widest gaps to the best
    unit among the criteria."""
    sentences = []
    if components:
        listed = ", ".join(
            f"{r.name_vi} (mất {format_number(r.lost, places)}{_scale(r.max_points)} điểm)"
            for r in components
        )
        sentences.append(f"Điểm bị mất nhiều nhất ở các nội dung: {listed}.")
    if criteria:
        listed = ", ".join(
            f"{r.name_vi} ({format_number(r.points, places)} so với {format_number(r.best, places)}, "
            f"kém {format_number(r.gap_to_best, places)} điểm)"
            for r in criteria
        )
        sentences.append(
            f"Ở cấp tiêu chí, khoảng cách lớn nhất so với địa phương đạt điểm cao nhất: {listed}."
        )
    return " ".join(sentences) or None
