"""``chiso report`` and ``chiso proforma``.

    chiso report papi 2021 "Ninh Thuận" -o report.docx [--xlsx FILE] [--pdf FILE] [--template FILE]
    chiso proforma papi 2024 "Khánh Hòa" [--method mean|population] [--format table|json]

Wire into the main parser with ``register(sub)`` (``sub`` = the main ``add_subparsers`` object).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chiso.engine.i18n import gettext as _


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="báo cáo phân tích một chỉ số của một đơn vị: Word (mẫu sửa được), Excel, PDF",
    )
    p.add_argument("index", help="papi, pci, par_index, sipas …")
    p.add_argument("year", type=int)
    p.add_argument("unit", help='mã hoặc tên đơn vị, ví dụ "Ninh Thuận"')
    p.add_argument("-o", "--output", required=True, type=Path, help="tệp Word (.docx) xuất ra")
    p.add_argument("--xlsx", type=Path, help="kèm sổ Excel có mọi bảng của báo cáo")
    p.add_argument("--pdf", type=Path, help="kèm bản PDF (cần LibreOffice)")
    p.add_argument("--template", type=Path, help="mẫu Word riêng (sửa từ mẫu mặc định)")
    p.add_argument("--target-rank", type=int, help="hạng mục tiêu (mặc định: nhóm kế trên hoặc tốp 30/20/10)")
    p.add_argument("--issuer", default="Sở Nội vụ", help="cơ quan lập báo cáo (mặc định: Sở Nội vụ)")
    p.add_argument("--charts-dir", type=Path, help="giữ lại các biểu đồ PNG trong thư mục này")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser(
        "proforma",
        help="số liệu giả định (pro-forma) của tỉnh mới sau sáp nhập 2025, từ kết quả các tỉnh cũ",
    )
    p.add_argument("index")
    p.add_argument("year", type=int, help="năm kết quả của các tỉnh thành phần, ví dụ 2024")
    p.add_argument("unit", help='tỉnh mới, ví dụ "Khánh Hòa"')
    p.add_argument(
        "--method",
        choices=("mean", "population"),
        default="mean",
        help="mean: trung bình cộng; population: bình quân gia quyền theo dân số",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_proforma)


def _setup_and_index(name: str):
    from chiso.cli.main import _django, _index

    _django()
    return _index(name)


def cmd_report(args: argparse.Namespace) -> str:
    from chiso.cli.main import CommandError
    from chiso.reports.data import ReportError, build_report
    from chiso.reports.pdf import PdfError, docx_to_pdf, no_libreoffice, soffice
    from chiso.reports.word import TemplateError, write_docx
    from chiso.reports.xlsx import write_xlsx

    if args.output.suffix.lower() != ".docx":
        raise CommandError(_("Tệp xuất phải là .docx: {path}").format(path=args.output))
    if args.template is not None and not args.template.exists():
        raise CommandError(_("Không có tệp mẫu {path}.").format(path=args.template))
    if args.pdf is not None and soffice() is None:
        # Say it before the work, not after.
        raise CommandError(no_libreoffice())
    index = _setup_and_index(args.index)
    try:
        report = build_report(index, args.year, args.unit, target_rank=args.target_rank)
    except ReportError as exc:
        raise CommandError(str(exc)) from exc
    lines = []
    try:
        write_docx(report, args.output, args.template, issuer=args.issuer, charts_folder=args.charts_dir)
    except TemplateError as exc:
        raise CommandError(str(exc)) from exc
    lines.append(_("Đã lập báo cáo: {path}").format(path=args.output))
    if args.xlsx is not None:
        write_xlsx(report, args.xlsx)
        lines.append(_("Sổ Excel: {path}").format(path=args.xlsx))
    if args.pdf is not None:
        try:
            docx_to_pdf(args.output, args.pdf)
        except PdfError as exc:
            raise CommandError(str(exc)) from exc
        lines.append(f"PDF: {args.pdf}")
    lines.append(report.paragraphs["headline"] or "")
    return "\n".join(lines)


def cmd_proforma(args: argparse.Namespace) -> str:
    from chiso.cli.main import CommandError
    from chiso.cli.output import json_number, render_table, to_json
    from chiso.engine.numbers import format_number
    from chiso.engine.proforma import POPULATION_WEIGHTED, ProformaError
    from chiso.engine.units import UnitError
    from chiso.reports.proforma import build_proforma

    index = _setup_and_index(args.index)
    from chiso.units.registry import registry

    units = registry((index.unit_level,))
    # The new unit as it is today ("Khánh Hòa" names both the old and the new province).
    try:
        unit = units.resolve(args.unit, level=index.unit_level)
    except UnitError as exc:
        raise CommandError(str(exc)) from exc
    method = "population_weighted" if args.method == "population" else "mean"
    try:
        result = build_proforma(index, args.year, unit, units, method)
    except ProformaError as exc:
        raise CommandError(str(exc)) from exc
    from chiso.frameworks.services import framework_for

    framework = framework_for(index, args.year).to_engine()
    nodes = [framework.root, *framework.root.children]
    if args.format == "json":
        return to_json(
            {
                "unit": {"code": result.unit_code, "name": result.unit_name},
                "index": index.code,
                "year": result.year,
                "method": result.method,
                "method_vi": result.method_vi,
                "label_vi": result.label_vi,
                "label_en": result.label_en,
                "official": result.official,
                "ranked": False,
                "total": result.total,
                "values": {code: json_number(v) for code, v in result.values.items()},
                "weights": {code: json_number(w) for code, w in result.weights.items()},
                "constituents": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "total": json_number(c.values.get(result.total)),
                        "population": json_number(c.population),
                        "population_year": c.population_year,
                        "population_kind": c.population_kind,
                        "population_source": c.population_source,
                    }
                    for c in result.constituents
                ],
                "omitted": result.omitted,
            }
        )
    places = framework.display_precision
    names = [c.name for c in result.constituents]
    rows = []
    for node in nodes:
        rows.append(
            [
                node.code,
                node.name_vi,
                *[format_number(c.values.get(node.code), places) for c in result.constituents],
                format_number(result.values.get(node.code), places),
            ]
        )
    headers = ["Mã", "Nội dung", *names, "Giả định"]
    lines = [
        f"{result.unit_name} (mã {result.unit_code}) — {index.short_name} {result.year}: {result.label_vi}.",
        _("Phương pháp: {method}.").format(method=result.method_vi),
    ]
    weights = ", ".join(
        f"{c.name} {format_number(result.weights[c.code] * 100, 2)}%" for c in result.constituents
    )
    lines.append(_("Tỷ trọng: {weights}.").format(weights=weights))
    if result.method == POPULATION_WEIGHTED:
        for c in result.constituents:
            lines.append(
                f"  Dân số {c.name}: {format_number(c.population, 0)} người ({c.population_kind} năm "
                f"{c.population_year}) — nguồn: {c.population_source}"
            )
    lines.append("")
    lines.append(render_table(headers, rows, [False, False, *([True] * (len(names) + 1))]))
    lines.append("")
    if result.omitted:
        lines.append(
            _("Không tính: {nodes}").format(
                nodes="; ".join(f"{code} (thiếu {', '.join(who)})" for code, who in result.omitted.items())
            )
        )
    lines.append(_("Không lưu vào kết quả, không xếp hạng; chỉ dùng làm mốc tham khảo."))
    return "\n".join(lines)
