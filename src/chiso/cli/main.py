"""The `chiso` command: everything a user does without a browser.

chiso ranking papi 2021
chiso profile papi 2021 "Ninh Thuận" --format json
chiso import-results par2024.xlsx --index par_index --year 2024
chiso frameworks list | show CODE | validate FILE | export CODE -o FILE
chiso units resolve "TP. HCM" | lineage "Ninh Thuận" | list --year 2025
chiso demo
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from chiso.cli.output import render_table, to_csv, to_json
from chiso.cli.survey import register as register_survey
from chiso.plans.cli import register as register_plans
from chiso.reports.cli import register as register_reports

FORMATS = ("table", "json", "csv")


class CommandError(Exception):
    """A user-facing error: printed without a traceback, exit status 1."""


def _django() -> None:
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready()


def _index(name: str):
    from chiso.frameworks.services import IndexNotFound, find_index

    try:
        return find_index(name)
    except IndexNotFound as exc:
        raise CommandError(str(exc)) from exc


def _analysis(index, year: int):
    from chiso.results.services import analyse

    try:
        return analyse(index, year)
    except LookupError as exc:
        raise CommandError(str(exc)) from exc


# -- ranking and profile ---------------------------------------------------------------------------


def cmd_ranking(args: argparse.Namespace) -> str:
    _django()
    from chiso.results.presenters import league_table_cells, ranking_to_dict

    index = _index(args.index)
    analysis = _analysis(index, args.year)
    node = _node_code(analysis.framework, args.node)
    data = ranking_to_dict(analysis, index, node)
    if args.format == "json":
        return to_json(data)
    headers, rows, right = league_table_cells(analysis, args.lang, node)
    if args.format == "csv":
        columns = list(data["rows"][0].keys()) if data["rows"] else []
        return to_csv(columns, [list(r.values()) for r in data["rows"]])
    return _ranking_text(index, analysis, data, headers, rows, right)


def _node_code(framework, text: str | None) -> str:
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
        f"Khung {framework.code} không có nội dung {text!r} / no such node. Có / known: {known}"
    )


def _ranking_text(index, analysis, data, headers, rows, right) -> str:
    from chiso.engine.numbers import format_number, format_signed

    places = analysis.framework.display_precision
    national, source = analysis.national_mean(data["node"])
    title = f"{index.short_name} {analysis.current.year} — {index.name_vi}"
    if data["node"] != analysis.framework.root.code:
        title += f"\nNội dung / component {data['node']}: {data['node_name']}"
    lines = [title, f"Khung tiêu chí / framework: {analysis.framework.code}", ""]
    lines.append(render_table(headers, rows, right))
    lines.append("")
    lines.append(
        f"Xếp hạng {data['ranked']}/{data['of']} đơn vị; hòa điểm xét ở {analysis.precision} chữ số thập phân."
    )
    if data["unranked"]:
        lines.append("Không có kết quả / no result: " + ", ".join(data["unranked"]) + ".")
    if national is not None:
        origin = "số công bố" if source and source.startswith("published") else "trung bình cộng các đơn vị"
        lines.append(
            f"Trung bình cả nước: {format_number(national, places)} ({origin}); "
            f"{data['above_mean']} đơn vị cao hơn trung bình."
        )
    if data["previous_year"]:
        lines.append(f"So với {data['previous_year']}: {data['up']} tăng điểm, {data['down']} giảm điểm.")
        gains = ", ".join(
            f"{g['name']} ({format_signed(_dec(g['change']), places)})" for g in data["biggest_gains"]
        )
        losses = ", ".join(
            f"{g['name']} ({format_signed(_dec(g['change']), places)})" for g in data["biggest_losses"]
        )
        if gains:
            lines.append(f"Tăng nhiều nhất / biggest gains: {gains}.")
        if losses:
            lines.append(f"Giảm nhiều nhất / biggest losses: {losses}.")
    elif analysis.previous_not_comparable:
        lines.append("Không so sánh với năm trước: khung tiêu chí khác (thang điểm khác).")
    lines.append(f"Nguồn / source: {analysis.framework.source}")
    return "\n".join(lines)


def _dec(value) -> Decimal:
    return Decimal(str(value))


def cmd_profile(args: argparse.Namespace) -> str:
    _django()
    from chiso.engine.units import UnitError
    from chiso.results.presenters import profile_to_dict
    from chiso.results.services import reference_date
    from chiso.units.registry import registry

    index = _index(args.index)
    analysis = _analysis(index, args.year)
    try:
        unit = registry((index.unit_level,)).resolve(
            args.unit, level=index.unit_level, on=reference_date(args.year)
        )
    except UnitError as exc:
        raise CommandError(str(exc)) from exc
    profile = analysis.profile(unit.ref)
    data = profile_to_dict(profile, index)
    if args.format == "json":
        return to_json(data)
    if args.format == "csv":
        columns = [
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
        rows += [[c[k] for k in columns] for c in data["components"]]
        return to_csv(columns, rows)
    return _profile_text(profile, data, args.lang)


def _profile_text(profile, data, lang: str) -> str:
    from chiso.engine.numbers import format_number, format_rank, format_signed
    from chiso.results.presenters import signed_int

    places = profile.framework.display_precision
    change = profile.change
    lines = [data["sentence_vi"]]
    if data["mean_sentence_vi"]:
        lines.append(data["mean_sentence_vi"])
    if profile.status_note:
        lines.append(f"({profile.status_note})")
    lines.append("")
    facts = [
        [
            "Điểm / score",
            f"{format_number(profile.score, places)}/{format_number(profile.framework.root.max_points, 0)}",
        ],
        ["Xếp hạng / rank", format_rank(profile.rank, profile.of)],
        ["Nhóm / group", profile.group.label_vi if profile.group else "–"],
        [
            f"Năm trước / previous ({profile.previous_year or '–'})",
            f"{format_number(change.previous_score, places)} — hạng {format_rank(change.previous_rank, profile.of)}"
            if change
            else "–",
        ],
        [
            "Thay đổi / change",
            f"{format_signed(change.score, places)} điểm, {signed_int(change.rank)} bậc" if change else "–",
        ],
        ["Trung bình cả nước / national mean", format_number(profile.national_mean, places)],
    ]
    for group in profile.peer_groups:
        facts.append([f"Hạng trong nhóm / rank in {group.name}", format_rank(group.rank, group.of)])
    lines.append(render_table(["", ""], facts, [False, False]).split("\n", 2)[2])
    lines.append("")
    headers = ["Mã", "Nội dung", "Điểm", "Tối đa", "Hạng", "± bậc", "TB cả nước", "Cao nhất"]
    rows = []
    for c in profile.components:
        rows.append(
            [
                c.code,
                c.name_vi if lang == "vi" else (c.name_en or c.name_vi),
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
    lines.append(f"Điểm mạnh (hạng thuộc một phần tư đầu bảng) / strengths (top quarter of ranks): {strong}")
    lines.append(
        f"Điểm yếu (hạng thuộc một phần tư cuối bảng) / weaknesses (bottom quarter of ranks): {weak}"
    )
    lines.append(f"Nguồn / source: {profile.framework.source}")
    return "\n".join(lines)


# -- where points were lost, what-if, rank targets ------------------------------------------------


def _unit_in(index, year: int, text: str):
    from chiso.engine.units import UnitError
    from chiso.results.services import reference_date
    from chiso.units.registry import registry

    try:
        return registry((index.unit_level,)).resolve(text, level=index.unit_level, on=reference_date(year))
    except UnitError as exc:
        raise CommandError(str(exc)) from exc


def _pairs(items: list[str] | None, what: str) -> dict[str, Decimal]:
    from chiso.engine.numbers import NumberError, parse_decimal

    result = {}
    for item in items or []:
        if "=" not in item:
            raise CommandError(f"{what}: cần dạng MÃ=SỐ, ví dụ d5=2 / expected CODE=NUMBER: {item!r}")
        code, value = item.split("=", 1)
        try:
            result[code.strip()] = parse_decimal(value)
        except NumberError as exc:
            raise CommandError(f"{what} {item!r}: {exc}") from exc
    return result


def cmd_whatif(args: argparse.Namespace) -> str:
    _django()
    from chiso.cli.output import json_number
    from chiso.engine.numbers import format_number, format_rank
    from chiso.engine.whatif import Change, WhatIfError, what_if

    index = _index(args.index)
    analysis = _analysis(index, args.year)
    unit = _unit_in(index, args.year, args.unit)
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
    movement = (
        f"tăng {moved} bậc" if moved > 0 else f"giảm {-moved} bậc" if moved < 0 else "không đổi thứ hạng"
    )
    return (
        f"{unit.name}, {index.short_name} {args.year}: "
        f"{format_number(result.score, places)} điểm, hạng {format_rank(result.rank, result.of)} → "
        f"{format_number(result.new_score, places)} điểm, hạng {format_rank(result.new_rank, result.of)} ({movement}); "
        "các đơn vị khác giữ nguyên điểm."
    )


def cmd_target(args: argparse.Namespace) -> str:
    _django()
    from chiso.cli.output import json_number
    from chiso.engine.numbers import format_number
    from chiso.engine.whatif import WhatIfError, rank_target

    index = _index(args.index)
    analysis = _analysis(index, args.year)
    unit = _unit_in(index, args.year, args.unit)
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
                "name": g.name_vi,
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
        [g.code, g.name_vi, format_number(g.points, places), format_number(g.feasible, places)]
        for g in result.gains
    ]
    table = (
        render_table(["Mã", "Nội dung", "Tăng thêm", "Tối đa có thể"], rows, [False, False, True, True])
        if rows
        else ""
    )
    return result.explanation_vi + ("\n\n" + table if table else "")


def cmd_losses(args: argparse.Namespace) -> str:
    _django()
    from chiso.cli.output import json_number
    from chiso.engine.losses import components_at_stake, loss_analysis, weak_criteria
    from chiso.engine.numbers import format_number, format_rank, format_signed
    from chiso.results.presenters import signed_int

    index = _index(args.index)
    analysis = _analysis(index, args.year)
    unit = _unit_in(index, args.year, args.unit)
    rows = loss_analysis(analysis, unit.ref)
    weak = weak_criteria(rows)
    if args.format == "json":
        return to_json(
            [
                {
                    "code": r.code,
                    "name": r.name_vi,
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
            r.name_vi,
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
        f"{unit.name} — {index.short_name} {args.year}: điểm bị mất theo từng nội dung / points lost",
        "",
        render_table(
            ["Mã", "Nội dung", "Điểm", "Tối đa", "Mất", "Hạng", "± điểm", "± bậc", "Cao nhất", "TB"],
            table,
            [False, False, True, True, True, True, True, True, True, True],
        ),
        "",
        "Nhiều điểm bị mất nhất / most points at stake: "
        + ", ".join(f"{r.code} ({format_number(r.lost, places)})" for r in stake[:3]),
        "Tiêu chí yếu (hạng thuộc một phần tư cuối bảng) / weak criteria (bottom quarter of ranks): "
        + (", ".join(f"{r.code} ({format_rank(r.rank, r.of)})" for r in weak) or "–"),
    ]
    return "\n".join(lines)


# -- import ----------------------------------------------------------------------------------------


def cmd_import_results(args: argparse.Namespace) -> str:
    _django()
    from chiso.frameworks.models import Framework
    from chiso.frameworks.services import framework_for
    from chiso.results.importer import ImportFailed, import_results
    from chiso.results.services import ResultSetExists
    from chiso.units.registry import registry

    path = Path(args.file)
    if not path.exists():
        raise CommandError(f"Không có tệp {path} / no such file.")
    index = _index(args.index)
    try:
        framework = (
            Framework.objects.get(code=args.framework) if args.framework else framework_for(index, args.year)
        )
    except (LookupError, Framework.DoesNotExist) as exc:
        raise CommandError(str(exc)) from exc
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
        )
    except ImportFailed as exc:
        shown = exc.errors[:50]
        more = len(exc.errors) - len(shown)
        lines = [
            f"Tệp bị từ chối, không ghi gì / file refused, nothing written ({len(exc.errors)} lỗi / errors):"
        ]
        lines += [f"  - {e}" for e in shown]
        if more:
            lines.append(f"  … và {more} lỗi khác / and {more} more.")
        raise CommandError("\n".join(lines)) from exc
    except ResultSetExists as exc:
        raise CommandError(str(exc)) from exc
    mapping = ", ".join(f"{column!r} → {code}" for column, code in report.columns.items())
    verb = "Kiểm tra xong (chưa ghi) / checked, not written" if args.dry_run else "Đã nhập / imported"
    return (
        f"{verb}: {index.short_name} {args.year}, {report.units} đơn vị / units, "
        f"khung / framework {framework.code}.\nCột / columns: {mapping}"
    )


# -- frameworks ------------------------------------------------------------------------------------


def cmd_frameworks(args: argparse.Namespace) -> str:
    if args.action == "validate":
        return _validate_framework_file(Path(args.name))[0]
    _django()
    from chiso.frameworks.models import Framework

    if args.action == "import":
        return _import_framework(Path(args.name), args.replace)
    if args.action == "list":
        rows = [
            [f.code, f.index.short_name, _years(f), f.status, f.name_vi]
            for f in Framework.objects.select_related("index").order_by("index__code", "first_year")
        ]
        return render_table(["Mã", "Chỉ số", "Năm", "Tình trạng", "Tên"], rows, [False] * 5)
    try:
        framework = Framework.objects.get(code=args.name)
    except Framework.DoesNotExist as exc:
        known = ", ".join(Framework.objects.values_list("code", flat=True))
        raise CommandError(f"Không có khung {args.name!r} / unknown framework. Có / known: {known}") from exc
    if args.action == "show":
        return _show_framework(framework.to_engine(), args.format)
    if args.action == "export":
        return _export_framework(framework.to_engine(), Path(args.output))
    raise CommandError(f"unknown action {args.action}")


def _years(framework) -> str:
    first = framework.first_year or "…"
    last = framework.last_year or "nay"
    return str(first) if framework.first_year == framework.last_year else f"{first}–{last}"


def _show_framework(framework, fmt: str) -> str:
    from chiso.engine.frameworks import framework_to_dict
    from chiso.engine.numbers import format_number

    if fmt == "json":
        return to_json(framework_to_dict(framework))
    if fmt == "yaml":
        from chiso.frameworks.io import dump_framework_yaml

        return dump_framework_yaml(framework)
    depth = {framework.root.code: 0}
    rows = []
    for node in framework.nodes():
        for child in node.children:
            depth[child.code] = depth[node.code] + 1
        maximum = format_number(node.max_points, 2) if node.max_points is not None else "chưa rõ"
        rule = node.rule.type if node.rule else ""
        rows.append(["  " * depth[node.code] + node.code, node.name_vi, maximum, node.method, rule])
    basis = "; ".join(f"{b.number} {b.date}".strip() for b in framework.legal_basis)
    head = [
        f"{framework.code}: {framework.name_vi}",
        f"Năm áp dụng / years: {framework.years_label}; căn cứ / legal basis: {basis or '–'}; "
        f"tình trạng / status: {framework.status}",
        "",
    ]
    return "\n".join(head) + render_table(
        ["Mã", "Nội dung", "Điểm tối đa", "Phương pháp", "Quy tắc"], rows, [False, False, True, False, False]
    )


def _export_framework(framework, output: Path) -> str:
    from chiso.frameworks.io import dump_framework_yaml, framework_to_xlsx

    if output.suffix.lower() == ".xlsx":
        framework_to_xlsx(framework, output)
    elif output.suffix.lower() in (".yaml", ".yml"):
        output.write_text(dump_framework_yaml(framework), encoding="utf-8")
    else:
        raise CommandError("Chỉ xuất được .xlsx hoặc .yaml / export to .xlsx or .yaml.")
    return f"Đã xuất / exported {framework.code} → {output}"


def _import_framework(path: Path, replace: bool) -> str:
    from chiso.frameworks.models import Framework, Index
    from chiso.frameworks.services import save_framework

    report, framework = _validate_framework_file(path)
    if not Index.objects.filter(code=framework.index).exists():
        known = ", ".join(Index.objects.values_list("code", flat=True))
        raise CommandError(f"Chỉ số {framework.index!r} chưa có / unknown index. Có / known: {known}")
    if Framework.objects.filter(code=framework.code).exists() and not replace:
        raise CommandError(f"Đã có khung {framework.code}; dùng --replace / already exists; use --replace.")
    save_framework(framework)
    return f"{report}\nĐã lưu / saved {framework.code} ({framework.years_label})."


def _validate_framework_file(path: Path):
    """Read and validate a framework file; returns the report text and the framework."""
    from chiso.engine.frameworks import FrameworkError
    from chiso.engine.validation import validate_framework
    from chiso.frameworks.io import framework_from_xlsx, load_framework_yaml

    if not path.exists():
        raise CommandError(f"Không có tệp {path} / no such file.")
    try:
        framework = framework_from_xlsx(path) if path.suffix.lower() == ".xlsx" else load_framework_yaml(path)
    except FrameworkError as exc:
        raise CommandError(f"{path.name}: {exc}") from exc
    problems = validate_framework(framework)
    errors = [p for p in problems if p.severity == "error"]
    lines = [
        f"{path.name}: {framework.code} — {len(errors)} lỗi / errors, {len(problems) - len(errors)} cảnh báo / warnings"
    ]
    for problem in problems:
        mark = "LỖI" if problem.severity == "error" else "cảnh báo"
        lines.append(f"  [{mark}] {problem.code}: {problem.message}")
    if errors:
        raise CommandError("\n".join(lines))
    return "\n".join(lines), framework


# -- units -----------------------------------------------------------------------------------------


def cmd_units(args: argparse.Namespace) -> str:
    _django()
    from datetime import date

    from chiso.engine.numbers import format_date
    from chiso.engine.units import UnitError
    from chiso.units.registry import load_communes, registry

    if args.action == "load-communes":
        return f"Đã nạp {load_communes()} xã, phường, đặc khu / communes loaded."
    level = args.level
    units = registry((level, "province") if level != "province" else ("province",))
    on = date(args.year, 12, 31) if args.year else None
    if args.action == "list":
        listed = units.valid_units(level, on=on or date.today())
        rows = [[u.code, u.name, u.kind, u.region or "–", _validity(u, format_date)] for u in listed]
        return (
            render_table(["Mã", "Tên", "Loại", "Vùng", "Hiệu lực"], rows, [False] * 5)
            + f"\n{len(rows)} đơn vị."
        )
    try:
        unit = units.resolve(args.name, level=level, on=on)
    except UnitError as exc:
        raise CommandError(str(exc)) from exc
    lines = [f"{unit.name} — mã {unit.code}, {unit.kind}, hiệu lực {_validity(unit, format_date)}"]
    if unit.region:
        lines.append(f"Vùng: {unit.region}" + (f" ({unit.subregion})" if unit.subregion else ""))
    successors = units.successors(unit)
    predecessors = units.predecessors(unit)
    for edge in successors:
        new = units.get(edge.new)
        relation = "đổi tên thành" if edge.relation == "renamed" else "sáp nhập vào"
        lines.append(f"→ từ {format_date(edge.effective)} {relation} {new.name} (mã {new.code})")
    if args.action == "lineage":
        for edge in predecessors:
            old = units.get(edge.old)
            lines.append(
                f"← hình thành từ {old.name} (mã {old.code}) từ {format_date(edge.effective)}"
                + (f" — {edge.note}" if edge.note else "")
            )
        current = units.current_successor(unit, date.today())
        if current and current.ref != unit.ref:
            lines.append(f"Hiện nay / today: {current.name} (mã {current.code})")
    return "\n".join(lines)


def _validity(unit, format_date: Callable) -> str:
    start = format_date(unit.valid_from) if unit.valid_from else "…"
    end = format_date(unit.valid_to) if unit.valid_to else "nay"
    return f"{start}–{end}"


# -- web -------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> str:
    """The demo always runs on the embedded SQLite database, whatever DATABASE_URL says."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["CHISO_DEMO"] = "1"
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready(out=sys.stdout)
    from chiso.administration.demo import seed_demo

    seed_demo(out=sys.stdout)
    from django.core.management import call_command

    print(f"chiso đang chạy tại / running at http://127.0.0.1:{args.port}/ (Ctrl+C để dừng / to stop)")
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, insecure_serving=True)
    return ""


def cmd_setup(args: argparse.Namespace) -> str:
    from chiso.bootstrap import ensure_ready, setup_django

    setup_django()
    ensure_ready(out=sys.stdout, communes=args.communes)
    return "Cơ sở dữ liệu sẵn sàng / database ready."


# -- parser ----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chiso",
        description="chiso — chỉ số hành chính công: xếp hạng, phân tích, cải thiện, báo cáo.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
        p.add_argument("--format", choices=formats, default="table", help="table (người đọc), json, csv")
        p.add_argument("--lang", choices=("vi", "en"), default="vi")

    p = sub.add_parser("ranking", help="bảng xếp hạng của một chỉ số trong một năm")
    p.add_argument("index", help="papi, pci, par_index, sipas …")
    p.add_argument("year", type=int)
    p.add_argument("--node", help="xếp hạng theo một nội dung/lĩnh vực (mã hoặc tên), ví dụ d5")
    common(p)
    p.set_defaults(func=cmd_ranking)

    p = sub.add_parser("profile", help="vị trí của một đơn vị: điểm, hạng, thay đổi, nhóm, từng nội dung")
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit", help='mã hoặc tên đơn vị, ví dụ 58 hoặc "Ninh Thuận"')
    common(p)
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("import-results", help="nhập bảng kết quả (CSV/XLSX) của một chỉ số, một năm")
    p.add_argument("file")
    p.add_argument("--index", required=True)
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--framework", help="mã khung tiêu chí (mặc định: khung áp dụng cho năm đó)")
    p.add_argument("--sheet", help="tên trang tính (XLSX)")
    p.add_argument("--replace", action="store_true", help="thay thế kết quả đã có của năm đó")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    p.add_argument("--source", help="nguồn số liệu (quyết định, trang tin …)")
    p.set_defaults(func=cmd_import_results)

    p = sub.add_parser(
        "frameworks",
        help="khung tiêu chí: list | show CODE | validate FILE | import FILE | export CODE -o FILE",
    )
    p.add_argument("action", choices=("list", "show", "validate", "import", "export"))
    p.add_argument("--replace", action="store_true", help="import: thay khung cùng mã")
    p.add_argument("name", nargs="?", default="")
    p.add_argument("-o", "--output", help="tệp xuất (.xlsx hoặc .yaml)")
    p.add_argument("--format", choices=("table", "json", "yaml"), default="table")
    p.set_defaults(func=cmd_frameworks)

    p = sub.add_parser("units", help="đơn vị: resolve NAME | lineage NAME | list | load-communes")
    p.add_argument("action", choices=("resolve", "lineage", "list", "load-communes"))
    p.add_argument("name", nargs="?", default="")
    p.add_argument("--year", type=int, help="năm tham chiếu (đơn vị có hiệu lực ngày 31/12 năm đó)")
    p.add_argument("--level", default="province", choices=("province", "commune"))
    p.set_defaults(func=cmd_units)

    p = sub.add_parser(
        "losses", help="điểm bị mất theo từng nội dung, tiêu chí; so với đơn vị tốt nhất và trung bình"
    )
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit")
    p.add_argument("--all", action="store_true", help="mọi cấp của cây tiêu chí (mặc định: các nội dung)")
    common(p)
    p.set_defaults(func=cmd_losses)

    p = sub.add_parser("whatif", help="giả định điểm mới ở một số nội dung → điểm và hạng mới")
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit")
    p.add_argument(
        "--set", action="append", required=True, help="MÃ=+0.5 (tăng thêm) hoặc MÃ=7.2 (đặt giá trị)"
    )
    common(p)
    p.set_defaults(func=cmd_whatif)

    p = sub.add_parser("target", help="cần tăng ít nhất bao nhiêu điểm, ở nội dung nào, để đạt hạng mục tiêu")
    p.add_argument("index")
    p.add_argument("year", type=int)
    p.add_argument("unit")
    p.add_argument("--rank", type=int, required=True, help="hạng mục tiêu, ví dụ 30")
    p.add_argument("--nodes", help="các nội dung được tăng, cách nhau bởi dấu phẩy (mặc định: mọi nội dung)")
    p.add_argument(
        "--feasible",
        action="append",
        help="MÃ=SỐ: mức tăng tối đa khả thi (mặc định: tới mức đơn vị tốt nhất)",
    )
    p.add_argument("--effort", action="append", help="MÃ=SỐ: chi phí cho mỗi điểm (mặc định 1)")
    common(p)
    p.set_defaults(func=cmd_target)

    register_survey(sub)
    register_plans(sub)
    register_reports(sub)

    p = sub.add_parser("setup", help="tạo cơ sở dữ liệu và nạp dữ liệu có sẵn")
    p.add_argument("--communes", action="store_true", help="nạp cả 3.321 xã, phường, đặc khu")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("demo", help="chạy ứng dụng web với dữ liệu thật (SQLite)")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    needs_name = ("show", "validate", "import", "export", "resolve", "lineage")
    if args.command in ("frameworks", "units") and args.action in needs_name and not args.name:
        parser.error(f"{args.command} {args.action} cần một tên / needs a name")
    if args.command == "frameworks" and args.action == "export" and not args.output:
        parser.error("frameworks export cần -o FILE / needs -o FILE")
    try:
        output = args.func(args)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if output:
        try:
            print(output)
        except BrokenPipeError:  # e.g. `chiso ranking papi 2021 | head`
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
    return 0


if __name__ == "__main__":
    sys.exit(main())
