"""``chiso ranking``, ``chiso profile`` and ``chiso import-results``: published results."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chiso.cli.common import (
    CommandError,
    analysis_of,
    as_decimal,
    django_ready,
    index_named,
    level_of,
    no_such_file,
    period_of,
    render_table,
    to_csv,
    to_json,
    unit_in,
    when_of,
)
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext
from chiso.cli.progress import Bar
from chiso.core.text import local_moment

# -- ranking ---------------------------------------------------------------------------------------


def cmd_ranking(args: argparse.Namespace) -> str:
    """The league table of one index in one year, for the total or one node."""
    django_ready()
    from chiso.results.presenters import league_table_cells, ranking_to_dict
    from chiso.results.services import credit_of

    index = index_named(args.index)
    level = level_of(index, getattr(args, "level", None))
    period = period_of(args.year, getattr(args, "period", None))
    analysis = analysis_of(index, args.year, drafts=args.draft, level=level, period=period)
    node = _node_code(analysis.framework, args.node)
    data = ranking_to_dict(analysis, index, node)
    data["source"] = credit_of(index, args.year, drafts=args.draft, level=level, period=period)
    if args.format == "json":
        return to_json(data)
    headers, rows, right = league_table_cells(analysis, args.lang, node)
    if args.format == "csv":
        columns = list(data["rows"][0].keys()) if data["rows"] else []
        return to_csv(columns, [list(r.values()) for r in data["rows"]])
    return _ranking_text(index, analysis, data, headers, rows, right)


def _node_code(framework: Any, text: str | None) -> str:
    """The node a ranking is about: the total by default, else a node code or name of the framework."""
    from chiso.engine.names import match_key

    if not text:
        return framework.root.code
    for node in framework.nodes():
        if match_key(text) in {
            match_key(node.code),
            match_key(node.name_vi),
            match_key(node.name_en or node.code),
        }:
            return node.code
    known = ", ".join(n.code for n in framework.nodes())
    raise CommandError(
        _("Khung {framework} không có nội dung {node!r}. Có: {known}").format(
            framework=framework.code, node=text, known=known
        )
    )


def _ranking_text(index: Any, analysis: Any, data: dict, headers: list, rows: list, right: list) -> str:
    from django.utils.text import capfirst

    from chiso.engine.numbers import format_number, format_signed

    places = analysis.framework.display_precision
    national, source = analysis.national_mean(data["node"])
    title = f"{index.short_name} {when_of(analysis.current.year, analysis.current.period)} — {index.name}"
    if data["node"] != analysis.framework.root.code:
        title += "\n" + _("Nội dung {code}: {name}").format(code=data["node"], name=data["node_name"])
    lines = [title, _("Khung tiêu chí: {code}").format(code=analysis.framework.code), ""]
    lines.append(render_table(headers, rows, right))
    lines.append("")
    lines.append(
        _("Xếp hạng {ranked}/{of} đơn vị; hòa điểm xét ở {places} chữ số thập phân.").format(
            ranked=data["ranked"], of=data["of"], places=analysis.precision
        )
    )
    if data["unranked"]:
        lines.append(_("Không có kết quả: {units}.").format(units=", ".join(data["unranked"])))
    if national is not None:
        origin = (
            _("số công bố") if source and source.startswith("published") else _("trung bình cộng các đơn vị")
        )
        lines.append(
            ngettext(
                "{label}: {mean} ({origin}); {count} đơn vị cao hơn trung bình.",
                "{label}: {mean} ({origin}); {count} đơn vị cao hơn trung bình.",
                data["above_mean"],
            ).format(
                label=capfirst(_(data["mean_label"])),  # "Trung bình cả nước", "Trung bình của tỉnh" …
                mean=format_number(national, places),
                origin=origin,
                count=data["above_mean"],
            )
        )
    if data["previous_year"]:
        lines.append(
            _("So với {year}: {up} tăng điểm, {down} giảm điểm.").format(
                year=data["previous_year"], up=data["up"], down=data["down"]
            )
        )
        gains = ", ".join(
            f"{g['name']} ({format_signed(as_decimal(g['change']), places)})" for g in data["biggest_gains"]
        )
        losses = ", ".join(
            f"{g['name']} ({format_signed(as_decimal(g['change']), places)})" for g in data["biggest_losses"]
        )
        if gains:
            lines.append(_("Tăng nhiều nhất: {units}.").format(units=gains))
        if losses:
            lines.append(_("Giảm nhiều nhất: {units}.").format(units=losses))
    elif analysis.previous_not_comparable:
        lines.append(_("Không so sánh với năm trước: khung tiêu chí khác (thang điểm khác)."))
    lines.append(_("Nguồn: {source}").format(source=data["source"]))
    return "\n".join(lines)


# -- profile ---------------------------------------------------------------------------------------

PROFILE_CSV_COLUMNS = [
    "code",
    "name",
    "score",
    "max",
    "rank",
    "of",
    "change_score",
    "change_rank",
    "mean",
    "best",
]


def cmd_profile(args: argparse.Namespace) -> str:
    """Where one unit stands: score, rank, change, group and every component."""
    django_ready()
    from chiso.results.presenters import profile_to_dict
    from chiso.results.services import credit_of

    index = index_named(args.index)
    period = period_of(args.year, getattr(args, "period", None))
    unit = unit_in(index, args.year, args.unit, level_of(index, getattr(args, "level", None)), period)
    analysis = analysis_of(index, args.year, drafts=args.draft, level=unit.level, period=period)
    profile = analysis.profile(unit.ref)
    data = profile_to_dict(profile, index)
    data["source"] = credit_of(index, args.year, drafts=args.draft, level=unit.level, period=period)
    if args.format == "json":
        return to_json(data)
    if args.format == "csv":
        rows = [
            [
                data["index"],
                data["index_name"],
                data["score"],
                data["max"],
                data["rank"],
                data["of"],
                data["change"]["score"],
                data["change"]["rank"],
                data["national_mean"],
                None,
            ]
        ]
        rows += [[c[k] for k in PROFILE_CSV_COLUMNS] for c in data["components"]]
        return to_csv(PROFILE_CSV_COLUMNS, rows)
    return _profile_text(
        profile, data, args.lang, index.wording(profile.unit.level).for_peers(profile.peer_scope)
    )


def _profile_text(profile: Any, data: dict, lang: str, wording: Any) -> str:
    from django.utils.text import capfirst

    from chiso.engine.indices import NATIONAL, NO_GROUPS, score_phrase
    from chiso.engine.numbers import format_number, format_rank, format_signed
    from chiso.results.presenters import signed_int

    places = profile.framework.display_precision
    change = profile.change
    maximum = profile.framework.root.max_points
    # The score in the sentence's words: "43,83/80 điểm", "94,01 %", "165,02/220 điểm, đạt 75,01 %".
    score = "–" if profile.score is None else score_phrase(profile.score, maximum, places, wording)
    moved = _("{points} %, {ranks} bậc") if wording.percent else _("{points} điểm, {ranks} bậc")
    lines = [data["sentence_vi"]]
    if data["mean_sentence_vi"]:
        lines.append(data["mean_sentence_vi"])
    if profile.status_note:
        lines.append(f"({profile.status_note})")
    lines.append("")
    facts = [
        [_("Điểm"), score],
        [_("Xếp hạng"), format_rank(profile.rank, profile.of)],
        [
            _("Năm trước ({year})").format(year=profile.previous_year or "–"),
            _("{score} — hạng {rank}").format(
                score=format_number(change.previous_score, places),
                rank=format_rank(change.previous_rank, profile.of),
            )
            if change
            else "–",
        ],
        [
            _("Thay đổi"),
            moved.format(points=format_signed(change.score, places), ranks=signed_int(change.rank))
            if change
            else "–",
        ],
        # The mean's label follows the peer set: "Trung bình cả nước", "Trung bình của tỉnh" …
        [capfirst(_(data["mean_label"])), format_number(profile.national_mean, places)],
    ]
    if profile.framework.ranking.groups.method != NO_GROUPS:  # no group line where none is defined
        facts.insert(2, [_("Nhóm"), profile.group.label if profile.group else "–"])
    for group in profile.peer_groups:
        facts.append(
            [_("Hạng trong nhóm {group}").format(group=group.name), format_rank(group.rank, group.of)]
        )
    lines.append(render_table(["", ""], facts, [False, False]).split("\n", 2)[2])
    lines.append("")
    headers = [
        _("Mã"),
        _("Nội dung"),
        _("Điểm"),
        _("Tối đa"),
        _("Hạng"),
        _("± bậc"),
        _("TB cả nước") if profile.peer_scope == NATIONAL else _("Trung bình"),
        _("Cao nhất"),
    ]
    rows = []
    for c in profile.components:
        rows.append(
            [
                c.code,
                c.name,
                format_number(c.score, places),
                format_number(c.max_points, 0) if c.max_points is not None else "?",
                format_rank(c.rank, c.of),
                signed_int(c.change.rank) if c.change else "–",
                format_number(c.mean, places),
                format_number(c.best, places),
            ]
        )
    lines.append(render_table(headers, rows, [False, False, True, True, True, True, True, True]))
    lines.append("")
    strong = ", ".join(f"{c.code} ({format_rank(c.rank, c.of)})" for c in profile.strengths) or "–"
    weak = ", ".join(f"{c.code} ({format_rank(c.rank, c.of)})" for c in profile.weaknesses) or "–"
    lines.append(_("Điểm mạnh (hạng thuộc một phần tư đầu bảng): {components}").format(components=strong))
    lines.append(_("Điểm yếu (hạng thuộc một phần tư cuối bảng): {components}").format(components=weak))
    lines.append(_("Nguồn: {source}").format(source=data["source"]))
    return "\n".join(lines)


# -- import ----------------------------------------------------------------------------------------


def cmd_import_results(args: argparse.Namespace) -> str:
    """Import one year's results of an index from a CSV or XLSX table (all rows or none)."""
    django_ready()
    from chiso.engine.numbers import NumberError, parse_decimal
    from chiso.frameworks.models import Framework
    from chiso.frameworks.services import framework_for
    from chiso.results.importer import ImportFailed, import_results
    from chiso.results.services import ResultSetExists
    from chiso.units.registry import registry

    path = Path(args.file)
    if not path.exists():
        raise no_such_file(path)
    index = index_named(args.index)
    try:
        framework = (
            Framework.objects.get(code=args.framework) if args.framework else framework_for(index, args.year)
        )
    except (LookupError, Framework.DoesNotExist) as exc:
        raise CommandError(str(exc)) from exc
    try:
        national_mean = parse_decimal(args.national_mean) if args.national_mean else None
    except NumberError as exc:
        raise CommandError(
            _("--national-mean: {value!r} không phải số.").format(value=args.national_mean)
        ) from exc
    try:
        report = import_results(
            path,
            index,
            args.year,
            framework,
            registry((index.unit_level,)),
            sheet=args.sheet,
            replace=args.replace,
            dry_run=args.dry_run,
            source=args.source or "",
            publisher=args.publisher or "",
            document=args.document or "",
            national_mean=national_mean,
            publish=args.publish,
            progress=Bar(_("Nhập bảng kết quả")),
        )
    except ImportFailed as exc:
        shown = exc.errors[:50]
        more = exc.total - len(shown)
        lines = [
            ngettext(
                "Tệp bị từ chối, không ghi gì ({count} lỗi):",
                "Tệp bị từ chối, không ghi gì ({count} lỗi):",
                exc.total,
            ).format(count=exc.total)
        ]
        lines += [f"  - {e}" for e in shown]
        if more:
            lines.append(
                "  " + ngettext("… và {count} lỗi khác.", "… và {count} lỗi khác.", more).format(count=more)
            )
        raise CommandError("\n".join(lines)) from exc
    except ResultSetExists as exc:
        raise CommandError(str(exc)) from exc
    mapping = ", ".join(f"{column!r} → {code}" for column, code in report.columns.items())
    done = (
        _("Kiểm tra xong (chưa ghi): {index} {year}, {units} đơn vị, khung {framework}.")
        if args.dry_run
        else _("Đã nhập: {index} {year}, {units} đơn vị, khung {framework}.")
    )
    lines = [
        done.format(index=index.short_name, year=args.year, units=report.units, framework=framework.code),
        _("Cột: {mapping}").format(mapping=mapping),
    ]
    lines += _import_checks(report)
    if report.result_set is not None:
        if report.result_set.status == "published":
            lines.append(_("Đã công bố (phiên bản {version}).").format(version=report.result_set.version))
        else:
            lines.append(
                _(
                    "Lưu bản nháp (phiên bản {version}), chưa công khai; công bố bằng: "
                    "chiso publish-results {index} {year}"
                ).format(version=report.result_set.version, index=index.code, year=args.year)
            )
    return "\n".join(lines)


def _import_checks(report: Any) -> list[str]:
    """The published means and every published rank that differs from chiso's."""
    from chiso.engine.numbers import format_number

    lines = []
    for code, value in report.means.items():
        lines.append(
            _("Trung bình công bố ({code}): {value}").format(code=code, value=format_number(value, 2))
        )
    if report.ranks_compared:
        if not report.differences:
            lines.append(
                _("Thứ hạng công bố khớp với thứ hạng chiso tính ({count} đơn vị).").format(
                    count=report.ranks_compared
                )
            )
        else:
            lines.append(
                _("{count} thứ hạng công bố khác thứ hạng chiso tính:").format(count=len(report.differences))
            )
            rows = [
                [str(d.line), d.unit, str(d.published), str(d.computed or "–")] for d in report.differences
            ]
            lines.append(
                render_table(
                    [_("Dòng"), _("Đơn vị"), _("Hạng công bố"), _("Hạng chiso")],
                    rows,
                    [True, False, True, True],
                )
            )
    return lines


def cmd_publish_results(args: argparse.Namespace) -> str:
    """Publish the draft of an index-year: the public sees it from now on; the version it replaces
    is kept, marked superseded."""
    django_ready()
    from chiso.results.models import ResultSet
    from chiso.results.services import publish_result_set

    index = index_named(args.index)
    draft = (
        ResultSet.objects.annual().filter(index=index, year=args.year, status=ResultSet.Status.DRAFT).first()
    )
    if draft is None:
        raise CommandError(
            _("Không có bản nháp {index} năm {year} để công bố.").format(
                index=index.short_name, year=args.year
            )
        )
    previous = publish_result_set(draft)
    text = _("Đã công bố {index} {year} (phiên bản {version}, nguồn: {source}).").format(
        index=index.short_name, year=args.year, version=draft.version, source=draft.dataset.credit
    )
    if previous is not None:
        text += "\n" + _("Phiên bản {version} được giữ lại, đánh dấu đã thay thế.").format(
            version=previous.version
        )
    return text


def cmd_result_versions(args: argparse.Namespace) -> str:
    """Every version of an index's results: year, period (the whole year, a month or a quarter),
    version, status, source, when imported."""
    django_ready()
    from chiso.results.models import ResultSet

    index = index_named(args.index)
    sets = (
        ResultSet.objects.filter(index=index).select_related("dataset").order_by("year", "period", "version")
    )
    if args.year:
        sets = sets.filter(year=args.year)
    rows = [
        [
            str(rs.year),
            rs.period_label,
            str(rs.version),
            str(rs.get_status_display()),
            rs.dataset.credit,
            local_moment(rs.dataset.imported_at),
        ]
        for rs in sets
    ]
    if not rows:
        return _("Chưa có kết quả {index}.").format(index=index.short_name)
    headers = [_("Năm"), _("Kỳ"), _("Phiên bản"), _("Trạng thái"), _("Nguồn"), _("Nhập lúc")]
    return render_table(headers, rows, [True, False, True, False, False, False])
