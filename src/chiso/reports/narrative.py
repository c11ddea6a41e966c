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
from chiso.engine.i18n import active_language, gettext_noop, localized
from chiso.engine.i18n import gettext as _
from chiso.engine.indices import IndexWording, score_phrase, wording_for_level
from chiso.engine.losses import NodeLoss
from chiso.engine.narrative import (
    block_rank_phrase,
    change_phrase,
    group_phrase,
    index_in_sentence,
    mean_phrase,
    peer_words,
    rank_change_phrase,
    rounded_difference,
    score_change_phrase,
    unit_phrase,
)
from chiso.engine.numbers import format_number, format_rank
from chiso.engine.periods import period_label

# The nouns for an index's components, in Vietnamese as the callers pass them; translated at use.
COMPONENT_NOUNS = (gettext_noop("nội dung"), gettext_noop("lĩnh vực"))


# The subregions the press uses (provinces_63.csv has no English for them), translated at use.
SUBREGIONS = (
    gettext_noop("Đông Bắc"),
    gettext_noop("Tây Bắc"),
    gettext_noop("Bắc Trung Bộ"),
    gettext_noop("Duyên hải Nam Trung Bộ"),
)


def group_name(profile: Profile, group) -> str:
    """A peer group's name in the active language: the unit's region or block by its English name
    when it has one, the subregions and the centrally-run cities from the catalogue."""
    unit = profile.unit
    if group.kind == REGION and group.name == unit.region:
        return unit.region_name or group.name
    if group.kind == BLOCK and group.name == unit.block:
        return localized(group.name, unit.block_en)
    if group.kind in (SUBREGION, CENTRAL_CITIES):
        return _(group.name)
    return group.name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _scale(maximum: Decimal | None) -> str:
    return f"/{_num(maximum, 0)}" if maximum is not None else ""


def _num(value: Decimal | None, places: int) -> str:
    """A figure in the active language's notation: "86,55" (Vietnamese), "86.55" (English)."""
    return format_number(value, places, active_language())


def headline_paragraph(profile: Profile, index_name: str, wording: IndexWording | None = None) -> str:
    """The opening sentence: score/max (or percent, with the share of the maximum when the index
    states it), rank x/N with the index's peer noun, change in points and ranks, group."""
    wording = wording or wording_for_level(profile.unit.level)
    places = profile.framework.display_precision
    who = unit_phrase(profile.unit)
    index_name = index_in_sentence(index_name)
    if profile.period:  # a month or quarter: "Tháng 10/2025, Chỉ số 766 của …"
        when = period_label(profile.year, profile.period)
        if profile.score is None:
            return _("{when}, Chỉ số {index} của {unit} không được công bố.").format(
                when=when[:1].upper() + when[1:], index=index_name, unit=who
            )
    if profile.score is None:
        return _("Năm {year}, Chỉ số {index} của {unit} không được công bố.").format(
            year=profile.year, index=index_name, unit=who
        )
    scored = score_phrase(profile.score, profile.framework.root.max_points, places, wording)
    opening = (
        _("{when}, Chỉ số {index} của {unit} đạt {score}, xếp vị thứ {rank} {peers}")
        if profile.period
        else _("Năm {year}, Chỉ số {index} của {unit} đạt {score}, xếp vị thứ {rank} {peers}")
    )
    when = period_label(profile.year, profile.period)
    text = opening.format(
        when=when[:1].upper() + when[1:],
        year=profile.year,
        index=index_name,
        unit=who,
        score=scored,
        rank=format_rank(profile.rank, profile.of),
        peers=peer_words(wording),
    )
    moved = change_phrase(profile, wording)
    if moved:
        text += f"; {moved}"
    if profile.group is not None:
        group = group_phrase(profile.group.label_vi, profile.group.label_en)
        # "thuộc nhóm đạt điểm cao nhất"; a bare label ("Rất tốt") gets its noun: "thuộc nhóm rất tốt".
        if active_language() != "en" and not group.startswith("nhóm"):
            group = "nhóm " + group
        text += _("; thuộc {group}").format(group=group)
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
                _(" (trung bình vùng {mean} điểm)").format(mean=_num(group.mean, places))
                if group.mean is not None
                else ""
            )
            places_in.append(
                _("thứ {rank} địa phương vùng {region}").format(rank=rank, region=group_name(profile, group))
                + mean
            )
        elif group.kind == SUBREGION:
            places_in.append(
                _("thứ {rank} địa phương tiểu vùng {region}").format(
                    rank=rank, region=group_name(profile, group)
                )
            )
        elif group.kind == CENTRAL_CITIES:
            places_in.append(_("thứ {rank} {group}").format(rank=rank, group=_(group.name)))
    if places_in:
        parts.append(_("xếp {places}").format(places=", ".join(places_in)))
    parts += [
        block_rank_phrase(g.rank, g.of, group_name(profile, g))
        for g in profile.peer_groups
        if g.kind == BLOCK and g.rank is not None
    ]
    if not parts:
        return None
    return _("Điểm tổng hợp {parts}.").format(parts="; ".join(parts))


def _change_note(component: ComponentResult, places: int) -> str:
    change = component.change
    points = rounded_difference(component.score, change.previous_score if change else None, places)
    bits = []
    if points is not None:
        bits.append(score_change_phrase(points, places))
    if change is not None and change.rank is not None:
        bits.append(rank_change_phrase(change.rank))
    return _(" và ").join(bits)


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
    noun = _(noun)
    text = _(
        "So với năm {year}, có {up_points}/{total} {noun} tăng điểm và {up_ranks}/{total} {noun} tăng bậc"
    ).format(
        year=profile.previous_year, up_points=len(up_points), up_ranks=len(up_ranks), total=total, noun=noun
    )
    if down:
        listed = "; ".join(f"{c.name} ({_change_note(c, places)})" for c in down)
        text += _("; các {noun} giảm điểm hoặc giảm bậc: {listed}").format(noun=noun, listed=listed)
    return text + "."


def _standing(component: ComponentResult, places: int) -> str:
    return _("{name} ({score}{scale} điểm, xếp thứ {rank})").format(
        name=component.name,
        score=_num(component.score, places),
        scale=_scale(component.max_points),
        rank=format_rank(component.rank, component.of),
    )


def strengths_paragraph(profile: Profile, noun: str = "nội dung") -> str:
    """The strengths under the one rule (`compare.is_strength`: a rank in the top quarter), saying
    the rule, so that a mid-table rank is never called high."""
    places = profile.framework.display_precision
    noun = _(noun)
    if not profile.strengths:
        return _("Không có {noun} nào xếp trong nhóm một phần tư đầu bảng ({ranks}).").format(
            noun=noun, ranks=_top_ranks(profile.of)
        )
    return _("Các {noun} là điểm mạnh, xếp trong nhóm một phần tư đầu bảng ({ranks}): {listed}.").format(
        noun=noun,
        ranks=_top_ranks(profile.of),
        listed=", ".join(_standing(c, places) for c in profile.strengths),
    )


JOIN = "\u2060–\u2060"  # an en dash that a line never breaks at ("hạng 1–16/63" stays whole)


def _top_ranks(of: int | None) -> str:
    if not of:
        return _("hạng cao nhất")
    return _("hạng {first}{join}{last}/{of}").format(first=1, join=JOIN, last=quarter(of), of=of)


def _bottom_ranks(of: int | None) -> str:
    if not of:
        return _("hạng thấp nhất")
    return _("hạng {first}{join}{last}/{of}").format(first=of - quarter(of) + 1, join=JOIN, last=of, of=of)


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
    noun, mean_label = _(noun), _(mean_label)
    if not profile.weaknesses:
        return _("Không có {noun} nào xếp trong nhóm một phần tư cuối bảng ({ranks}).").format(
            noun=noun, ranks=_bottom_ranks(profile.of)
        )
    parts = []
    for c in profile.weaknesses:
        text = _standing(c, places)
        below = rounded_difference(c.mean, c.score, places)
        if below is not None and below > 0:
            text = text[:-1] + _(", thấp hơn {mean} {amount} điểm)").format(
                mean=mean_label, amount=_num(below, places)
            )
        parts.append(text)
    return _(
        "Các {noun} là điểm yếu, xếp trong nhóm một phần tư cuối bảng ({ranks}), cần tập trung cải thiện: "
        "{listed}."
    ).format(noun=noun, ranks=_bottom_ranks(profile.of), listed=", ".join(parts))


def losses_paragraph(components: list[NodeLoss], criteria: list[NodeLoss], places: int) -> str | None:
    """Where most points were lost (components with a maximum) and the widest gaps to the best
    unit among the criteria."""
    sentences = []
    if components:
        listed = ", ".join(
            _("{name} (mất {lost}{scale} điểm)").format(
                name=localized(r.name_vi, r.name_en), lost=_num(r.lost, places), scale=_scale(r.max_points)
            )
            for r in components
        )
        sentences.append(_("Điểm bị mất nhiều nhất ở các nội dung: {listed}.").format(listed=listed))
    if criteria:
        listed = ", ".join(
            _("{name} ({points} so với {best}, kém {gap} điểm)").format(
                name=localized(r.name_vi, r.name_en),
                points=_num(r.points, places),
                best=_num(r.best, places),
                gap=_num(r.gap_to_best, places),
            )
            for r in criteria
        )
        sentences.append(
            _("Ở cấp tiêu chí, khoảng cách lớn nhất so với địa phương đạt điểm cao nhất: {listed}.").format(
                listed=listed
            )
        )
    return " ".join(sentences) or None
