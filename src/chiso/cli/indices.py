"""``chiso indices``: list, show, add and import indices (an index is data)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chiso.cli.common import CommandError, django_ready, no_such_file, render_table, to_json
from chiso.cli.i18n import gettext as _


def cmd_indices(args: argparse.Namespace) -> str:
    """One of list | show CODE | add CODE … | import FILE."""
    django_ready()
    from chiso.frameworks.indices import IndexDataError

    try:
        if args.action == "list":
            return _list()
        if args.action == "show":
            return _show(args.name, args.format)
        if args.action == "add":
            return _add(args)
        if args.action == "import":
            return _import(Path(args.name))
    except IndexDataError as exc:
        raise CommandError(str(exc)) from exc
    raise CommandError(_("Không có thao tác {action}.").format(action=args.action))


def _scale(index: Any) -> str:
    from chiso.engine.numbers import format_number

    if index.percent:
        return "%"
    return f"/{format_number(index.max_points, 0)}" if index.max_points is not None else _("chưa rõ")


def _groups(index: Any) -> str:
    return str((index.groups or {}).get("method") or "none")


def _list() -> str:
    from chiso.frameworks.models import Index

    rows = [
        [i.code, i.short_name, ", ".join(i.levels), _scale(i), str(i.precision), _groups(i), i.name]
        for i in Index.objects.order_by("code")
    ]
    return render_table(
        [_("Mã"), _("Tên viết tắt"), _("Cấp"), _("Thang điểm"), _("Số lẻ"), _("Nhóm"), _("Tên")],
        rows,
        [False, False, False, True, True, False, False],
    )


def _show(name: str, fmt: str) -> str:
    from chiso.cli.common import index_named
    from chiso.frameworks.indices import index_to_dict

    index = index_named(name)
    data = index_to_dict(index)
    if fmt == "json":
        return to_json(data)
    if fmt == "yaml":
        import yaml

        maximum = data["max_points"]
        if maximum is not None:
            maximum = int(maximum) if maximum == maximum.to_integral_value() else float(maximum)
        plain = {**data, "max_points": maximum}
        return yaml.safe_dump([plain], allow_unicode=True, sort_keys=False, width=110).rstrip()
    nouns = "; ".join(f"{level}: {index.peer_noun(level)}" for level in index.levels)
    lines = [
        f"{index.code}: {index.short_name} — {index.name}",
        _("Cơ quan công bố: {publisher}").format(publisher=index.publisher or "–"),
        _("Căn cứ pháp lý: {basis}").format(basis=index.legal_basis or "–"),
        _("Cấp đơn vị: {levels}").format(levels=", ".join(index.levels)),
        _("Thang điểm: {scale}; xếp hạng với {precision} chữ số thập phân").format(
            scale=_scale(index), precision=index.precision
        ),
        _("Cách chia nhóm: {groups}").format(groups=_groups(index)),
        _("Nêu tỷ lệ phần trăm so với điểm tối đa: {answer}").format(
            answer=_("có") if index.share_of_max else _("không")
        ),
        _("Danh từ chỉ các đơn vị cùng cấp: {nouns}").format(nouns=nouns),
        _("Tên gọi khác: {aliases}").format(aliases=", ".join(index.aliases) or "–"),
    ]
    frameworks = [f.code for f in index.frameworks.order_by("first_year")]
    lines.append(_("Khung tiêu chí: {codes}").format(codes=", ".join(frameworks) or "–"))
    return "\n".join(lines)


def _add(args: argparse.Namespace) -> str:
    from chiso.frameworks.indices import IndexDataError, clean_index, save_index
    from chiso.frameworks.models import Index

    if Index.objects.filter(code=args.name).exists():
        raise CommandError(
            _("Đã có chỉ số {code}; sửa bằng trang Chỉ số hoặc chiso indices import.").format(code=args.name)
        )
    data: dict[str, Any] = {
        "code": args.name,
        "name_vi": args.name_vi,
        "name_en": args.name_en or "",
        "publisher": args.publisher or "",
        "legal_basis": args.legal_basis or "",
        "unit_levels": [args.level],
        "max_points": args.max,
        "percent": args.percent,
        "precision": args.precision,
        "groups": args.groups,
        "share_of_max": args.share_of_max,
        "peer_nouns": {args.level: args.peer_noun} if args.peer_noun else {},
        "aliases": list(args.alias or []),
    }
    if args.short_name:
        data["short_name"] = args.short_name
    if args.percent and args.max is None:
        data["max_points"] = None
    values, problems = clean_index(data, args.name)
    if problems:
        raise IndexDataError(problems)
    index = save_index(values)
    return _("Đã thêm chỉ số {code} ({name}).").format(code=index.code, name=index.short_name)


def _import(path: Path) -> str:
    from chiso.core.uploads import FileRefused, decode_text
    from chiso.frameworks.indices import import_indices

    if not path.exists():
        raise no_such_file(path)
    try:
        text = decode_text(path.read_bytes(), path.name)
    except (FileRefused, OSError) as exc:
        raise CommandError(str(exc)) from exc
    done = import_indices(text)
    words = {"created": _("đã thêm"), "updated": _("đã cập nhật"), "unchanged": _("không đổi")}
    return "\n".join(f"{index.code}: {words[status]}" for index, status in done)
