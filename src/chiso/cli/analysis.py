"""``chiso losses``, ``chiso whatif`` and ``chiso target``: where points were lost, what a change
would give, and the least gain that reaches a rank."""

from __future__ import annotations

import argparse
from decimal import Decimal

from chiso.cli.common import (
    CommandError,
    analysis_of,
    django_ready,
    index_named,
    json_number,
    period_of,
    render_table,
    to_json,
    unit_in,
    when_of,
)
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext

# `cmd_losses` is kept line for line as it was in cli/main.py (another change rewrites its body);
# these are the names it used there.
_django = django_ready
_index = index_named
_analysis = analysis_of
_unit_in = unit_in


def _pairs(items: list[str] | None, what: str) -> dict[str, Decimal]:
    from chiso.engine.numbers import NumberError, parse_decimal

    result = {}
    for item in items or []:
        if "=" not in item:
            raise CommandError(
                _("{option}: cần dạng MÃ=SỐ, ví dụ d5=2: {item!r}").format(option=what, item=item)
            )
        code, value = item.split("=", 1)
        try:
            result[code.strip()] = parse_decimal(value)
        except NumberError as exc:
            raise CommandError(f"{what} {item!r}: {exc}") from exc
    return result


def cmd_whatif(args: argparse.Namespace) -> str:
    """New total and rank of a unit if some of its scores changed, everyone else held."""
    django_ready()
    from chiso.engine.numbers import format_number, format_rank
    from chiso.engine.whatif import Change, WhatIfError, what_if

    index = index_named(args.index)
    period = period_of(args.year, getattr(args, "period", None))
    unit = unit_in(index, args.year, args.unit, period=period)
    # Among the units of its own level, in the year or the period asked.
    analysis = analysis_of(index, args.year, level=unit.level, period=period)
    try:
        result = what_if(analysis, unit.ref, [Change.parse(text) for text in args.set])
    except WhatIfError as exc:
        raise CommandError(str(exc)) from exc
    data = {
        "index": index.code,
        "year": args.year,
        "unit": {"code": unit.code, "name": unit.name},
        "changes": [
            {"code": c.code, "amount": json_number(c.amount), "relative": c.relative} for c in result.changes
        ],
        "score": json_number(result.score),
        "rank": result.rank,
        "of": result.of,
        "new_score": json_number(result.new_score),
        "new_rank": result.new_rank,
        "new_values": {code: json_number(v) for code, v in result.new_values.items()},
    }
    if args.format == "json":
        return to_json(data)
    places = analysis.framework.display_precision
    moved = result.rank - result.new_rank
    if moved > 0:
        movement = ngettext("tăng {count} bậc", "tăng {count} bậc", moved).format(count=moved)
    elif moved < 0:
        movement = ngettext("giảm {count} bậc", "giảm {count} bậc", -moved).format(count=-moved)
    else:
        movement = _("không đổi thứ hạng")
    return _(
        "{unit}, {index} {year}: {score} điểm, hạng {rank} → {new_score} điểm, hạng {new_rank} "
        "({movement}); các đơn vị khác giữ nguyên điểm."
    ).format(
        unit=unit.name,
        index=index.short_name,
        year=when_of(args.year, period),
        score=format_number(result.score, places),
        rank=format_rank(result.rank, result.of),
        new_score=format_number(result.new_score, places),
        new_rank=format_rank(result.new_rank, result.of),
        movement=movement,
    )


def cmd_target(args: argparse.Namespace) -> str:
    """The least gain, and where, for a unit to reach a target rank."""
    django_ready()
    from chiso.engine.numbers import format_number
    from chiso.engine.whatif import WhatIfError, rank_target

    index = index_named(args.index)
    period = period_of(args.year, getattr(args, "period", None))
    unit = unit_in(index, args.year, args.unit, period=period)
    # Among the units of its own level, in the year or the period asked.
    analysis = analysis_of(index, args.year, level=unit.level, period=period)
    nodes = [n.strip() for n in args.nodes.split(",")] if args.nodes else None
    try:
        result = rank_target(
            analysis,
            unit.ref,
            args.rank,
            nodes=nodes,
            feasible=_pairs(args.feasible, "--feasible") or None,
            effort=_pairs(args.effort, "--effort") or None,
            unit_name=unit.name,
        )
    except (WhatIfError, KeyError) as exc:
        raise CommandError(str(exc)) from exc
    data = {
        "index": index.code,
        "year": args.year,
        "unit": {"code": unit.code, "name": unit.name},
        "target_rank": result.target_rank,
        "rank": result.current_rank,
        "of": result.of,
        "score": json_number(result.current_score),
        "needed_score": json_number(result.needed_score),
        "needed_gain": json_number(result.needed_gain),
        "reachable": result.reachable,
        "best_reachable_rank": result.best_reachable_rank,
        "total_effort": json_number(result.total_effort),
        "gains": [
            {
                "code": g.code,
                "name": g.name,
                "points": json_number(g.points),
                "total_points": json_number(g.total_points),
                "feasible": json_number(g.feasible),
                "effort": json_number(g.effort),
            }
            for g in result.gains
        ],
        "explanation_vi": result.explanation_vi,
    }
    if args.format == "json":
        return to_json(data)
    places = analysis.framework.display_precision
    rows = [
        [g.code, g.name, format_number(g.points, places), format_number(g.feasible, places)]
        for g in result.gains
    ]
    table = (
        render_table(
            [_("Mã"), _("Nội dung"), _("Tăng thêm"), _("Tối đa có thể")], rows, [False, False, True, True]
        )
        if rows
        else ""
    )
    return result.explanation_vi + ("\n\n" + table if table else "")


def cmd_losses(args: argparse.Namespace) -> str:
    _django()
    from chiso.core.serialize import json_number
    from chiso.engine.losses import components_at_stake, loss_analysis, weak_criteria
    from chiso.engine.numbers import format_number, format_rank, format_signed
    from chiso.results.presenters import signed_int

    index = _index(args.index)
    period = period_of(args.year, getattr(args, "period", None))
    unit = _unit_in(index, args.year, args.unit, period=period)
    # Among the units of its own level, in the year or the period asked.
    analysis = _analysis(index, args.year, level=unit.level, period=period)
    rows = loss_analysis(analysis, unit.ref)
    weak = weak_criteria(rows)
    if args.format == "json":
        return to_json(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "depth": r.depth,
                    "points": json_number(r.points),
                    "max": json_number(r.max_points),
                    "lost": json_number(r.lost),
                    "percent": json_number(r.percent),
                    "at_max": r.at_max,
                    "rank": r.rank,
                    "of": r.of,
                    "change_points": json_number(r.change_points),
                    "change_rank": r.change_rank,
                    "best": json_number(r.best),
                    "regional_best": json_number(r.regional_best),
                    "mean": json_number(r.mean),
                    "weak": r in weak,
                }
                for r in rows
            ]
        )
    places = analysis.framework.display_precision
    table = [
        [
            "  " * r.depth + r.code,
            r.name,
            format_number(r.points, places),
            format_number(r.max_points, places) if r.max_points is not None else "?",
            format_number(r.lost, places) if r.lost is not None else "?",
            format_rank(r.rank, r.of),
            format_signed(r.change_points, places) if r.change_points is not None else "–",
            signed_int(r.change_rank),
            format_number(r.best, places),
            format_number(r.mean, places),
        ]
        for r in rows
        if args.all or r.depth <= 1
    ]
    stake = components_at_stake(rows)
    lines = [
        _("{unit} — {index} {year}: điểm bị mất theo từng nội dung").format(
            unit=unit.name, index=index.short_name, year=when_of(args.year, period)
        ),
        "",
        render_table(
            [
                _("Mã"),
                _("Nội dung"),
                _("Điểm"),
                _("Tối đa"),
                _("Mất"),
                _("Hạng"),
                _("± điểm"),
                _("± bậc"),
                _("Cao nhất"),
                _("TB"),
            ],
            table,
            [False, False, True, True, True, True, True, True, True, True],
        ),
        "",
        _("Nhiều điểm bị mất nhất: {components}").format(
            components=", ".join(f"{r.code} ({format_number(r.lost, places)})" for r in stake[:3])
        ),
        _("Tiêu chí yếu (hạng thuộc một phần tư cuối bảng): {criteria}").format(
            criteria=", ".join(f"{r.code} ({format_rank(r.rank, r.of)})" for r in weak) or "–"
        ),
    ]
    return "\n".join(lines)
