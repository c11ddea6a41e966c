"""What-if and rank targets.

`what_if`: set hypothetical values on any nodes of one unit → the new total and the new rank x/N,
every other unit held at its value.

`rank_target`: the least total gain — weighted by an effort per point of each component — that
lifts a unit to rank ≤ k, given how much each component can still gain. The total is a linear
function of the components (a sum, a mean or a weighted sum), so the problem is a linear programme
with one constraint; filling the components in increasing order of effort per point of total is
its exact optimum (the continuous knapsack), computed here in Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from chiso.engine.analysis import TOTAL, YearAnalysis
from chiso.engine.frameworks import MEAN, WEIGHTED, Framework, Node
from chiso.engine.i18n import active_language, localized
from chiso.engine.i18n import gettext as _
from chiso.engine.names import shown_code
from chiso.engine.numbers import ZERO, format_number, quantum, round_half_up
from chiso.engine.ranking import rank
from chiso.engine.units import UnitRef


class WhatIfError(ValueError):
    """A change that cannot be applied (unknown node, value out of range, no result to start from)."""


@dataclass(frozen=True)
class Change:
    """A hypothetical change on one node: `+0.5` (relative) or `7.2` (absolute)."""

    code: str
    amount: Decimal
    relative: bool

    @classmethod
    def parse(cls, text: str) -> Change:
        """ "d5=+0.5", "d5=-1", "d5=7,2" (decimal comma accepted)."""
        from chiso.engine.numbers import NumberError, parse_decimal

        if "=" not in text:
            raise WhatIfError(_("{text}: cần dạng MÃ=GIÁ_TRỊ, ví dụ d5=+0.5").format(text=repr(text)))
        code, value = (part.strip() for part in text.split("=", 1))
        relative = value.startswith(("+", "-", "−"))
        try:
            amount = parse_decimal(value)
        except NumberError as exc:
            raise WhatIfError(f"{text!r}: {exc}") from exc
        return cls(code, amount, relative)


def _path_to_root(framework: Framework, code: str) -> list[Node]:
    parents = framework.parent_map()
    path = [framework.node(code)]
    while path[-1].code in parents:
        path.append(framework.node(parents[path[-1].code]))
    return path


def contribution(framework: Framework, code: str) -> Decimal | None:
    """How many points of the total one point of a node is worth (1 for a sum; 1/n for a mean of n
    children; the product of weights for a weighted sum). None when a weight is unknown."""
    factor = Decimal(1)
    path = _path_to_root(framework, code)
    for child, parent in pairwise(path):
        if framework.aggregation == MEAN:
            factor /= len(parent.children)
        elif framework.aggregation == WEIGHTED:
            if child.weight is None:
                return None
            factor *= child.weight
    return factor


def plannable_nodes(framework: Framework) -> list[Node]:
    """The criteria a what-if or a plan can aim at: each leaf, or its nearest ancestor that has a
    maximum (PAPI's sub-dimensions have none, so its dimensions are used), in tree order, never the
    root."""
    parents = framework.parent_map()
    chosen: list[str] = []
    for leaf in framework.leaves():
        code: str | None = leaf.code
        while code is not None and framework.node(code).max_points is None:
            code = parents.get(code)
        if code is not None and code != framework.root.code and code not in chosen:
            chosen.append(code)
    order = {node.code: i for i, node in enumerate(framework.nodes())}
    return [framework.node(code) for code in sorted(chosen, key=order.__getitem__)]


@dataclass(frozen=True)
class WhatIfResult:
    unit: UnitRef
    score: Decimal
    rank: int
    of: int
    new_score: Decimal
    new_rank: int
    new_values: dict[str, Decimal]
    changes: list[Change]


def what_if(analysis: YearAnalysis, unit: UnitRef, changes: list[Change]) -> WhatIfResult:
    """The unit's total and rank if the given nodes had other values; ancestors move by the change's
    contribution, every other unit stays where it is."""
    framework = analysis.framework
    values = dict(analysis.current.values.get(unit, {}))
    root = framework.root.code
    current_total = analysis.current.value(unit, TOTAL)
    if current_total is None:
        raise WhatIfError(_("Đơn vị không có kết quả năm này."))
    new_values = {code: value for code, value in values.items() if value is not None}
    for change in changes:
        try:
            node = framework.node(change.code)
        except KeyError:
            known = ", ".join(n.code for n in framework.nodes())
            raise WhatIfError(
                _("Không có nội dung {code}. Các mã có: {known}").format(code=repr(change.code), known=known)
            ) from None
        old = values.get(change.code)
        if old is None:
            raise WhatIfError(_("{code}: không có điểm năm này.").format(code=change.code))
        target = old + change.amount if change.relative else change.amount
        if target < 0 or (node.max_points is not None and target > node.max_points):
            raise WhatIfError(
                _("{code}: {value} ngoài khoảng 0–{maximum}.").format(
                    code=change.code,
                    value=format_number(target, 2, active_language()),
                    maximum=format_number(node.max_points, 2, active_language()),
                )
            )
        delta = target - new_values[change.code]
        for ancestor in _path_to_root(framework, change.code):
            if ancestor.code == change.code:
                new_values[ancestor.code] = target
                continue
            factor = contribution(framework, change.code)
            if factor is None:
                raise WhatIfError(_("Khung không ghi trọng số; không tính được tổng."))
            # The ancestor moves by the change times the node's contribution relative to that ancestor.
            share = factor / (contribution(framework, ancestor.code) or Decimal(1))
            if new_values.get(ancestor.code) is None:
                raise WhatIfError(_("{code}: không có điểm năm này.").format(code=ancestor.code))
            new_values[ancestor.code] = new_values[ancestor.code] + delta * share
    new_total = new_values[root]
    others = {ref: analysis.current.value(ref, TOTAL) for ref in (u.ref for u in analysis.current.peers)}
    others[unit] = new_total
    reranked = rank(others, analysis.precision, of_rule=framework.ranking.of)
    return WhatIfResult(
        unit=unit,
        score=current_total,
        rank=analysis.total_ranking.rank_of(unit),  # type: ignore[arg-type]
        of=analysis.total_ranking.of,
        new_score=new_total,
        new_rank=reranked.rank_of(unit),  # type: ignore[arg-type]
        new_values={k: v for k, v in new_values.items() if v is not None},
        changes=changes,
    )


@dataclass(frozen=True)
class Gain:
    """Points to add to one component in the optimal plan."""

    code: str
    name_vi: str
    points: Decimal  # on the component's own scale
    total_points: Decimal  # what that adds to the total
    feasible: Decimal
    effort: Decimal
    name_en: str = ""

    @property
    def name(self) -> str:
        """The component's name in the active language."""
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class TargetResult:
    unit: UnitRef
    target_rank: int
    current_rank: int
    of: int
    current_score: Decimal
    needed_score: Decimal | None  # the total needed (None if already there)
    needed_gain: Decimal
    reachable: bool
    gains: list[Gain] = field(default_factory=list)
    total_effort: Decimal = ZERO
    best_reachable_rank: int | None = None
    explanation_vi: str = ""


def rank_target(
    analysis: YearAnalysis,
    unit: UnitRef,
    target_rank: int,
    *,
    nodes: list[str] | None = None,
    feasible: dict[str, Decimal] | None = None,
    effort: dict[str, Decimal] | None = None,
    unit_name: str = "",
) -> TargetResult:
    """The least effort-weighted gain to reach rank ≤ `target_rank`.

    `nodes`: the components that may gain (default: the root's children). `feasible`: the most each
    may gain (default: up to the best unit's score on that component this year, within its maximum). `effort`: the cost of one point of
    that component (default 1). Ties count as in the ranking: reaching the k-th unit's score at the
    ranking precision is enough."""
    framework = analysis.framework
    ranking = analysis.total_ranking
    current = analysis.current.value(unit, TOTAL)
    current_rank = ranking.rank_of(unit)
    if current is None or current_rank is None:
        raise WhatIfError(_("Đơn vị không có kết quả năm này."))
    if not 1 <= target_rank <= ranking.of:
        raise WhatIfError(_("Hạng mục tiêu phải từ 1 đến {of}.").format(of=ranking.of))
    name = unit_name or str(unit.code)
    if current_rank <= target_rank:
        return TargetResult(
            unit,
            target_rank,
            current_rank,
            ranking.of,
            current,
            None,
            ZERO,
            True,
            explanation_vi=_("{name} đã ở hạng {rank}/{of}, không cần tăng điểm.").format(
                name=name, rank=current_rank, of=ranking.of
            ),
        )
    others = sorted((e.rounded for e in ranking.entries if e.unit != unit), reverse=True)
    threshold = others[target_rank - 1]  # the k-th best other score: matching it gives rank ≤ k
    half = quantum(analysis.precision) / 2
    needed_score = threshold - half  # the smallest total that rounds to the threshold
    needed_gain = max(ZERO, needed_score - current)

    codes = nodes or [child.code for child in framework.root.children]
    if not codes:
        # A framework that holds only the total (an index whose components are not published):
        # the gain is on the total itself, with no component to split it over and no ceiling.
        result = TargetResult(
            unit, target_rank, current_rank, ranking.of, current, needed_score, needed_gain, True
        )
        return _explained(result, name, analysis.framework.display_precision, threshold)
    options = []
    for code in codes:
        node = framework.node(code)
        value = analysis.current.value(unit, code)
        factor = contribution(framework, code)
        if value is None or factor is None or factor == 0:
            continue
        room = (feasible or {}).get(code)
        if room is None:
            room = _default_room(analysis, code, value, node)
        cost = (effort or {}).get(code, Decimal(1))
        if room > 0:
            options.append((cost / factor, node, room, factor, cost))
    # Cheapest per point of total first; among equals, the component with the most room (the
    # weakest relative to the best unit) first, so equal efforts do not all land on one code.
    options.sort(key=lambda item: (item[0], -item[2], item[1].code))

    gains: list[Gain] = []
    remaining = needed_gain
    total_effort = ZERO
    for _per_point, node, room, factor, cost in options:
        if remaining <= 0:
            break
        points = min(room, remaining / factor)
        gains.append(Gain(node.code, node.name_vi, points, points * factor, room, cost, node.name_en))
        remaining -= points * factor
        total_effort += points * cost
    reachable = remaining <= 0
    best = None
    if not reachable:
        ceiling = current + sum((option[2] * option[3] for option in options), ZERO)
        best = 1 + sum(1 for value in others if value > round_half_up(ceiling, analysis.precision))
    result = TargetResult(
        unit,
        target_rank,
        current_rank,
        ranking.of,
        current,
        needed_score,
        needed_gain,
        reachable,
        gains,
        total_effort,
        best,
    )
    return _explained(result, name, analysis.framework.display_precision, threshold)


def _default_room(analysis: YearAnalysis, code: str, value: Decimal, node: Node) -> Decimal:
    """By default a component may rise to the level the best unit reached this year (a level shown
    to be attainable), and never above its maximum."""
    ranking = analysis.ranking(code)
    best = ranking.entries[0].value if ranking.entries else value
    room = best - value
    if node.max_points is not None:
        room = min(room, node.max_points - value)
    return max(room, ZERO)


def _explained(result: TargetResult, name: str, places: int, threshold: Decimal) -> TargetResult:
    def fmt(value: Decimal) -> str:
        return format_number(value, places, active_language())

    head = _(
        "Để đạt hạng {target}/{of} (hiện {current}/{of}), {name} cần tối thiểu {needed} điểm, tức tăng ít "
        "nhất {gain} điểm so với {score} (đơn vị đang đứng thứ {target} đạt {threshold})."
    ).format(
        target=result.target_rank,
        of=result.of,
        current=result.current_rank,
        name=name,
        needed=fmt(result.needed_score or result.current_score),
        gain=fmt(result.needed_gain),
        score=fmt(result.current_score),
        threshold=fmt(threshold),
    )
    if result.reachable and not result.gains:
        text = head
    elif not result.reachable:
        text = _(
            "{head} Không đạt được trong giới hạn tăng điểm của các nội dung; hạng cao nhất có thể là "
            "{best}/{of}."
        ).format(head=head, best=result.best_reachable_rank, of=result.of)
    else:
        parts = []
        for g in result.gains:
            part = (
                _("{code} ({name}) thêm {points} điểm").format(
                    code=shown_code(g.code), name=g.name, points=fmt(g.points)
                )
                if shown_code(g.code)
                else _("{name} thêm {points} điểm").format(name=g.name, points=fmt(g.points))
            )
            if g.points == g.feasible:
                part = _("{part} — tối đa còn {feasible}").format(part=part, feasible=fmt(g.feasible))
            parts.append(part)
        text = _(
            "{head} Cách tăng ít tốn công nhất (ưu tiên nội dung có chi phí thấp nhất cho mỗi điểm tổng): "
            "{parts}."
        ).format(head=head, parts="; ".join(parts))
    return TargetResult(**{**result.__dict__, "explanation_vi": text})


TARGET_LADDER = (30, 20, 10, 5, 3, 1)


def default_target(analysis: YearAnalysis, unit: UnitRef) -> tuple[int | None, str]:
    """The one default rank target (the loss page, the Word report): entering the next better
    performance group — the rank of the lowest unit of that group — else the next of the top 30, 20,
    10, 5, 3, 1. Returns the rank and a sentence saying why; (None, sentence) for the unit ranked
    first, (None, "") for a unit without a rank."""
    ranking = analysis.total_ranking
    rank_now = ranking.rank_of(unit)
    if rank_now is None:
        return None, ""
    of = ranking.of
    groups = analysis.total_groups
    group = groups.get(unit)
    if group is not None and group.position > 0:
        better = [g for g in groups.values() if g.position == group.position - 1]
        target = sum(1 for g in groups.values() if g.position < group.position)
        if better and 0 < target < rank_now:
            label = localized(better[0].label_vi, better[0].label_en)
            return target, _(
                "Mục tiêu: vào {group} — hạng {rank}/{of}, thứ hạng của địa phương thấp nhất trong nhóm "
                "này năm {year}."
            ).format(group=label[:1].lower() + label[1:], rank=target, of=of, year=analysis.current.year)
    for step in TARGET_LADDER:
        if step < rank_now:
            if step == 1:
                return step, _("Mục tiêu: đứng đầu — hạng 1/{of}.").format(of=of)
            return step, _("Mục tiêu: vào tốp {step} — hạng {step}/{of}.").format(step=step, of=of)
    name = analysis.units[unit].display_name
    return None, _("{unit} đang đứng đầu; không đặt mục tiêu thứ hạng.").format(unit=name)
