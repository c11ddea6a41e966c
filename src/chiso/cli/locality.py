"""`chiso locality UNIT YEAR`: every index of one unit in one year (`chiso.results.locality`, the
service the locality page calls)."""

from __future__ import annotations

import argparse

from chiso.cli.common import CommandError, django_ready, render_table, to_csv, to_json
from chiso.cli.i18n import gettext as _

CSV_COLUMNS = [
    "index",
    "name",
    "score",
    "max",
    "rank",
    "of",
    "change_score",
    "change_rank",
    "direction",
    "group",
    "mean",
    "sentence_vi",
]


def cmd_locality(args: argparse.Namespace) -> str:
    """Each index's standard sentence, the indices up and down, the trends and the points at stake."""
    django_ready()
    from chiso.results.locality import LocalityError, overview, overview_to_dict

    try:
        data = overview(args.unit, args.year)
    except LocalityError as exc:
        raise CommandError(str(exc)) from exc
    if args.format == "json":
        return to_json(overview_to_dict(data))
    plain = overview_to_dict(data)
    if args.format == "csv":
        return to_csv(CSV_COLUMNS, [[row[key] for key in CSV_COLUMNS] for row in plain["indices"]])
    return _text(data, args.lang)


def _text(data, lang: str) -> str:
    from chiso.engine.numbers import format_number, format_rank

    lines = [f"{data.unit.name} — {data.year}", ""]
    if not data.standings:
        lines.append(_("Chưa có chỉ số nào công bố kết quả của đơn vị năm này."))
        return "\n".join(lines)
    lines += [data.counts_sentence, data.counts.down_text() + "; " + data.counts.up_text(), ""]
    for s in data.standings:
        lines.append(f"■ {s.index_name}")
        lines.append("  " + s.sentence)
        if s.mean_sentence:
            lines.append("  " + s.mean_sentence)
        trend = " · ".join(f"{p.year}: {format_rank(p.rank, p.of)}" for p in s.trend)
        if trend:
            lines.append("  " + _("Thứ hạng qua các năm: {trend}").format(trend=trend))
        lines.append("")
    if data.at_stake:
        lines.append(_("Điểm bị mất ở tất cả các chỉ số (nhiều nhất trước):"))
        headers = [_("Chỉ số"), _("Nội dung"), _("Điểm"), _("Điểm bị mất"), _("Hạng")]
        rows = [
            [
                r.standing.index_name,
                r.node.name,
                format_number(r.node.points, r.standing.places, lang)
                + (f"/{format_number(r.node.max_points, 0, lang)}" if r.node.max_points is not None else ""),
                format_number(r.stake, r.standing.places, lang),
                format_rank(r.node.rank, r.node.of),
            ]
            for r in data.at_stake
        ]
        lines.append(render_table(headers, rows, [False, False, True, True, True]))
    return "\n".join(lines)
