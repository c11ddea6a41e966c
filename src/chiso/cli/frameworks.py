"""``chiso frameworks``: list, show, validate, import and export criteria frameworks."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chiso.cli.common import (
    CommandError,
    django_configured,
    django_ready,
    no_such_file,
    render_table,
    to_json,
)
from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import ngettext


def cmd_frameworks(args: argparse.Namespace) -> str:
    """One of list | show CODE | validate FILE | import FILE | export CODE -o FILE."""
    if args.action == "validate":
        django_configured()
        return _validate_framework_file(Path(args.name))[0]
    django_ready()
    from chiso.frameworks.models import Framework

    if args.action == "import":
        return _import_framework(Path(args.name), args.replace)
    if args.action == "list":
        rows = [
            [f.code, f.index.short_name, _years(f), f.status, f.name]
            for f in Framework.objects.select_related("index").order_by("index__code", "first_year")
        ]
        return render_table([_("Mã"), _("Chỉ số"), _("Năm"), _("Tình trạng"), _("Tên")], rows, [False] * 5)
    try:
        framework = Framework.objects.get(code=args.name)
    except Framework.DoesNotExist as exc:
        known = ", ".join(Framework.objects.values_list("code", flat=True))
        raise CommandError(
            _("Không có khung {code!r}. Có: {known}").format(code=args.name, known=known)
        ) from exc
    if args.action == "show":
        return _show_framework(framework.to_engine(), args.format)
    if args.action == "export":
        return _export_framework(framework.to_engine(), Path(args.output))
    raise CommandError(_("Không có thao tác {action}.").format(action=args.action))


def _years(framework: Any) -> str:
    first = framework.first_year or "…"
    last = framework.last_year or _("nay")
    return str(first) if framework.first_year == framework.last_year else f"{first}–{last}"


def _show_framework(framework: Any, fmt: str) -> str:
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
        maximum = format_number(node.max_points, 2) if node.max_points is not None else _("chưa rõ")
        rule = node.rule.type if node.rule else ""
        rows.append(["  " * depth[node.code] + node.code, node.name, maximum, node.method, rule])
    basis = "; ".join(f"{b.number} {b.date}".strip() for b in framework.legal_basis)
    head = [
        f"{framework.code}: {framework.name}",
        _("Năm áp dụng: {years}; căn cứ: {basis}; tình trạng: {status}").format(
            years=framework.years_label, basis=basis or "–", status=framework.status
        ),
        "",
    ]
    return "\n".join(head) + render_table(
        [_("Mã"), _("Nội dung"), _("Điểm tối đa"), _("Phương pháp"), _("Quy tắc")],
        rows,
        [False, False, True, False, False],
    )


def _export_framework(framework: Any, output: Path) -> str:
    from chiso.frameworks.io import dump_framework_yaml, framework_to_xlsx

    if output.suffix.lower() == ".xlsx":
        framework_to_xlsx(framework, output)
    elif output.suffix.lower() in (".yaml", ".yml"):
        output.write_text(dump_framework_yaml(framework), encoding="utf-8")
    else:
        raise CommandError(_("Chỉ xuất được .xlsx hoặc .yaml."))
    return _("Đã xuất {code} → {path}").format(code=framework.code, path=output)


def _import_framework(path: Path, replace: bool) -> str:
    from chiso.frameworks.indices import IndexDataError
    from chiso.frameworks.models import Framework, Index
    from chiso.frameworks.services import FrameworkLocked, save_framework

    report, framework = _validate_framework_file(path)
    # A file may carry its index (an `index:` mapping): save_framework creates it.
    if framework.index_data is None and not Index.objects.filter(code=framework.index).exists():
        known = ", ".join(Index.objects.values_list("code", flat=True))
        raise CommandError(
            _("Chỉ số {index!r} chưa có. Có: {known}").format(index=framework.index, known=known)
        )
    if Framework.objects.filter(code=framework.code).exists() and not replace:
        raise CommandError(_("Đã có khung {code}; dùng --replace để thay.").format(code=framework.code))
    created = framework.index_data is not None and not Index.objects.filter(code=framework.index).exists()
    try:
        save_framework(framework)
    except (IndexDataError, FrameworkLocked) as exc:
        raise CommandError(f"{path.name}: {exc}") from exc
    if created:
        report += "\n" + _("Đã thêm chỉ số {code}.").format(code=framework.index)
    return (
        report + "\n" + _("Đã lưu {code} ({years}).").format(code=framework.code, years=framework.years_label)
    )


def _validate_framework_file(path: Path) -> tuple[str, Any]:
    """Read and validate a framework file; returns the report text and the framework."""
    from chiso.engine.frameworks import FrameworkError
    from chiso.engine.validation import validate_framework
    from chiso.frameworks.io import framework_from_xlsx, load_framework_yaml

    if not path.exists():
        raise no_such_file(path)
    try:
        framework = framework_from_xlsx(path) if path.suffix.lower() == ".xlsx" else load_framework_yaml(path)
    except FrameworkError as exc:
        raise CommandError(f"{path.name}: {exc}") from exc
    problems = validate_framework(framework)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    lines = [
        f"{path.name}: {framework.code} — "
        + ngettext("{count} lỗi", "{count} lỗi", len(errors)).format(count=len(errors))
        + ", "
        + ngettext("{count} cảnh báo", "{count} cảnh báo", warnings).format(count=warnings)
    ]
    from chiso.core.uploads import capped

    shown = []
    for problem in problems:
        mark = _("LỖI") if problem.severity == "error" else _("cảnh báo")
        shown.append(f"  [{mark}] {problem.code}: {problem.message}")
    lines += capped(shown)
    if errors:
        raise CommandError("\n".join(lines))
    return "\n".join(lines), framework
