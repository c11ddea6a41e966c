"""``chiso dossiers``: dossier records of the one-stop systems (Decision 766/QĐ-TTg).

``generate`` writes synthetic records to files and needs no database, except to list the units
under a province (``--under``), which it asks the unit registry for.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from chiso.cli.common import CommandError
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext
from chiso.cli.progress import Bar


def cmd_generate(args: argparse.Namespace) -> str:
    """Generate a month of synthetic dossiers (and the procedures published) into files."""
    from chiso.dossiers.generate import generate, write
    from chiso.dossiers.periods import PeriodError, parse_period

    try:
        start, end = parse_period(args.period)
    except PeriodError as exc:
        raise CommandError(str(exc)) from exc
    if (end - start).days > 31:
        raise CommandError(_("dossiers generate sinh dữ liệu cho một tháng: --period yyyy-mm."))
    if args.rows < 1:
        raise CommandError(_("--rows phải là số dương."))
    if args.output.suffix.lower() not in (".parquet", ".csv"):
        raise CommandError(_("Tệp ra phải là .parquet hoặc .csv."))
    if args.under:
        units, publishers = units_under(args.under, start)
    else:
        units = [code.strip() for code in args.units.split(",") if code.strip()]
        publishers = units
    if not units:
        raise CommandError(_("Không có đơn vị nào để sinh hồ sơ."))
    generated = generate(units, start, args.rows, seed=args.seed, publishers=publishers)
    dossiers, procedures = write(generated, args.output)
    return ngettext(
        "Đã ghi {rows} hồ sơ của {units} đơn vị vào {dossiers} và {procedures} thủ tục công bố vào {other}.",
        "Đã ghi {rows} hồ sơ của {units} đơn vị vào {dossiers} và {procedures} thủ tục công bố vào {other}.",
        generated.dossiers.height,
    ).format(
        rows=generated.dossiers.height,
        units=len(units),
        dossiers=dossiers,
        procedures=generated.procedures.height,
        other=procedures,
    )


def units_under(province: str, on: date) -> tuple[list[str], list[str]]:
    """The codes of the units under a province valid on a day (departments, communes, offices …), and
    the publishers of procedures: its departments (each publishes its sector's), or every unit when
    it has none. Never the province itself: a unit is scored on what it publishes, and a province
    scored on its publications alone would be a one-unit ranking of the province level."""
    from chiso.cli.common import django_ready

    django_ready()
    from chiso.engine.units import DEPARTMENT, ORGANISED_LEVELS, PROVINCE, UnitError
    from chiso.units.registry import registry

    units = registry((PROVINCE, *ORGANISED_LEVELS))
    try:
        top = units.by_code(province, on=on)
    except UnitError as exc:
        raise CommandError(str(exc)) from exc
    codes = sorted(
        unit.code
        for level in ORGANISED_LEVELS
        for unit in units.valid_units(level, on=on)
        if units.is_within(unit, top.code)
    )
    if not codes:
        raise CommandError(
            _("Tỉnh {name} chưa có đơn vị trực thuộc trong danh mục (chiso units load-communes).").format(
                name=top.name
            )
        )
    departments = [
        unit.code for unit in units.valid_units(DEPARTMENT, on=on) if units.is_within(unit, top.code)
    ]
    return codes, sorted(departments) or codes


def cmd_import(args: argparse.Namespace) -> str:
    """Import dossier exports and procedure lists: each file whole, or nothing with its row errors."""
    from chiso.cli.common import django_ready

    django_ready()
    from chiso.dossiers import services
    from chiso.dossiers.mapping import ColumnMapping, MappingError
    from chiso.dossiers.models import DossierImport

    if not args.files and not args.procedures:
        raise CommandError(_("Cần ít nhất một tệp hồ sơ hoặc --procedures."))
    try:
        mapping = ColumnMapping.load(args.mapping) if args.mapping else None
    except (MappingError, OSError) as exc:
        raise CommandError(str(exc)) from exc
    lines: list[str] = []
    failed = False
    todo = [(p, DossierImport.Kind.DOSSIERS) for p in args.files]
    todo += [(p, DossierImport.Kind.PROCEDURES) for p in args.procedures]
    for path, kind in todo:
        if not path.exists():
            raise CommandError(_("Không có tệp {path}.").format(path=path))
        bar = Bar(_("Nhập {name}").format(name=path.name))
        outcome = services.import_file(path, kind=kind, mapping=mapping, progress=bar)
        if outcome.ok:
            lines.append(
                _("{name}: đã nhập {imported}/{total} dòng, thay {replaced} hồ sơ đã có.").format(
                    name=path.name, imported=outcome.imported, total=outcome.total, replaced=outcome.replaced
                )
            )
            lines.extend(f"  {message}" for message in outcome.warnings)
        else:
            failed = True
            lines.append(_("{name}: không nhập dòng nào:").format(name=path.name))
            lines.extend(f"  {message}" for message in outcome.errors)
    if failed:
        raise CommandError("\n".join(lines))
    return "\n".join(lines)


def cmd_compute(args: argparse.Namespace) -> str:
    """Compute the 766 index for a period on DuckDB or Spark and store it."""
    from chiso.cli.common import django_ready

    django_ready()
    from django.utils.text import capfirst

    from chiso.dossiers import services
    from chiso.dossiers.engines import EngineError
    from chiso.dossiers.jobs import compute_with_progress
    from chiso.dossiers.periods import PeriodError
    from chiso.engine.numbers import format_number, format_rank, format_signed

    try:
        run = compute_with_progress(
            args.period,
            engine=args.engine,
            master=args.master,
            under=args.under,
            progress=Bar(_("Tính chỉ số 766")),
        )
    except (PeriodError, EngineError) as exc:
        raise CommandError(str(exc)) from exc
    lines = [
        _("Kỳ {period}: {units} đơn vị, tính bằng {engine} trong {seconds} giây.").format(
            period=run.period, units=len(run.scores), engine=run.engine, seconds=f"{run.seconds:.1f}"
        )
    ]
    index = run.framework.index
    asked = getattr(args, "level", None)
    # Each level ranked among its own (a department is never ranked against a commune).
    shown = [asked] if asked else [lv for lv in index.levels if run.result_sets.filter(level=lv).exists()]
    for level in shown or [None]:
        node, rows = services.table(run, level_codes(run, level))
        if len(shown) > 1:
            lines.append(capfirst(index.peer_noun(level)) + ":")
        if node != "total":
            lines.append(
                _(
                    "Chưa tính được tổng điểm: chưa biết điểm tối đa của một số nhóm, tiêu chí (tổ chức đánh giá "
                    "đặt trong trình sửa khung). Xếp hạng theo nhóm {node}."
                ).format(node=node)
            )
        for row in rows[:20]:
            change = "" if row.change is None else "  " + format_signed(row.change)
            rank = format_rank(row.rank, len(rows)) if row.rank else "-"
            lines.append(f"{rank:>7}  {row.code:<10} {format_number(row.values.get(node))}{change}")
    return "\n".join([*lines, *result_set_lines(run)])


def level_codes(run: Any, level: str | None) -> list[str] | None:
    """The codes of the run's units of `level` (its result set of that level), ranked among
    themselves; None (every unit) when no level is asked."""
    from chiso.results.levels import checked
    from chiso.units.models import Unit

    if not level:
        return None
    try:
        checked(run.framework.index, level)
    except LookupError as exc:
        raise CommandError(str(exc)) from exc
    return list(
        Unit.objects.filter(results__result_set__in=run.result_sets.filter(level=level)).values_list(
            "code", flat=True
        )
    )


def result_set_lines(run: Any) -> list[str]:
    """What the run published: the index's result sets of the period, one per level (index, period,
    level, version, units), and the unit codes it left out."""
    from django.db.models import Count

    lines = []
    written = sorted(
        run.result_sets.select_related("index").annotate(units=Count("unit_results")),
        key=lambda rs: (rs.index.levels.index(rs.level) if rs.level in rs.index.levels else 99, rs.level),
    )
    for found in written:
        lines.append(
            _(
                "Đã ghi bộ kết quả {index} {period}, cấp {level}: phiên bản {version}, {units} đơn vị (đã công bố)."
            ).format(
                index=found.index.code,
                period=found.period or str(found.year),
                level=found.level,
                version=found.version,
                units=found.units,
            )
        )
    if not written:
        lines.append(_("Không ghi bộ kết quả: không mã đơn vị nào khớp cấp của chỉ số."))
    if run.unmatched:
        lines.append(
            _("Bỏ qua {n} mã đơn vị không có trong danh mục: {codes}.").format(
                n=len(run.unmatched), codes=", ".join(run.unmatched[:20])
            )
        )
    return lines
