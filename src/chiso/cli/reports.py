"""``chiso report`` and ``chiso proforma``.

chiso report "Quảng Ninh" 2024 -o report.docx [--index CODE …] [--xlsx FILE] [--pdf FILE] [--language en]
chiso report papi 2021 "Ninh Thuận" -o report.docx [--xlsx FILE] [--pdf FILE] [--template FILE]
chiso proforma papi 2024 "Khánh Hòa" [--method mean|population] [--format table|json]
"""

from __future__ import annotations

import argparse

from chiso.cli.common import CommandError, django_ready, index_named, json_number, render_table, to_json
from chiso.cli.i18n import gettext as _
from chiso.cli.progress import Bar


def _words(args: argparse.Namespace) -> None:
    """UNIT YEAR (the conference report, every index) or INDEX YEAR UNIT (one index)."""
    words = args.words
    if len(words) == 2:
        args.unit, year = words
        args.index = None
    elif len(words) == 3:
        args.index, year, args.unit = words
    else:
        raise CommandError(
            _('Cần UNIT YEAR hoặc INDEX YEAR UNIT, ví dụ: chiso report "Quảng Ninh" 2024 -o bao-cao.docx')
        )
    try:
        args.year = int(year)
    except ValueError as exc:
        raise CommandError(_("Năm không hợp lệ: {value}").format(value=year)) from exc


def cmd_report(args: argparse.Namespace) -> str:
    """The analysis report of one unit: Word (from an editable template), Excel and PDF — for every
    index of the unit and year (the conference report), or for one index."""
    _words(args)
    if args.index is None:
        return cmd_conference(args)
    if args.indices:
        raise CommandError(_("--index chỉ dùng với dạng UNIT YEAR (mọi chỉ số)."))
    django_ready()
    from chiso.core.pdf import PdfError, docx_to_pdf, no_libreoffice, soffice
    from chiso.reports.data import ReportError, build_report
    from chiso.reports.word import TemplateError, write_docx
    from chiso.reports.xlsx import write_xlsx

    if args.output.suffix.lower() != ".docx":
        raise CommandError(_("Tệp xuất phải là .docx: {path}").format(path=args.output))
    if args.template is not None and not args.template.exists():
        raise CommandError(_("Không có tệp mẫu {path}.").format(path=args.template))
    if args.pdf is not None and soffice() is None:
        # Say it before the work, not after.
        raise CommandError(no_libreoffice())
    index = index_named(args.index)
    bar = Bar(_("Lập báo cáo"))
    steps = 2 + (args.xlsx is not None) + (args.pdf is not None)
    bar(0, steps, _("Đang tổng hợp số liệu"))
    try:
        report = build_report(index, args.year, args.unit, target_rank=args.target_rank)
    except ReportError as exc:
        raise CommandError(str(exc)) from exc
    lines = []
    bar(1, steps, _("Đang viết tệp Word"))
    try:
        write_docx(report, args.output, args.template, issuer=args.issuer, charts_folder=args.charts_dir)
    except TemplateError as exc:
        raise CommandError(str(exc)) from exc
    lines.append(_("Đã lập báo cáo: {path}").format(path=args.output))
    done = 2
    bar(done, steps, _("Đã viết tệp Word"))
    if args.xlsx is not None:
        write_xlsx(report, args.xlsx)
        done += 1
        bar(done, steps, _("Đã viết sổ Excel"))
        lines.append(_("Sổ Excel: {path}").format(path=args.xlsx))
    if args.pdf is not None:
        try:
            docx_to_pdf(args.output, args.pdf)
        except PdfError as exc:
            raise CommandError(str(exc)) from exc
        lines.append(f"PDF: {args.pdf}")
        bar(steps, steps, "PDF")
    lines.append(report.paragraphs["headline"] or "")
    return "\n".join(lines)


def cmd_conference(args: argparse.Namespace) -> str:
    """Every index of one unit and year in one report (summary, a chapter per index, the weak
    criteria with their agencies and plan items, draft conclusions)."""
    django_ready()
    from chiso.core.pdf import PdfError, docx_to_pdf, no_libreoffice, soffice
    from chiso.reports.conference import build_conference, write_conference_docx, write_conference_xlsx
    from chiso.reports.data import ReportError
    from chiso.reports.word import TemplateError

    if args.output.suffix.lower() != ".docx":
        raise CommandError(_("Tệp xuất phải là .docx: {path}").format(path=args.output))
    if args.template is not None and not args.template.exists():
        raise CommandError(_("Không có tệp mẫu {path}.").format(path=args.template))
    if args.pdf is not None and soffice() is None:
        raise CommandError(no_libreoffice())
    language = args.language or getattr(args, "lang", None) or "vi"
    bar = Bar(_("Lập báo cáo"))
    steps = 2 + (args.xlsx is not None) + (args.pdf is not None)
    bar(0, steps, _("Đang tổng hợp số liệu"))
    try:
        conference = build_conference(args.unit, args.year, args.indices, language=language)
    except ReportError as exc:
        raise CommandError(str(exc)) from exc
    bar(1, steps, _("Đang viết tệp Word"))
    try:
        write_conference_docx(
            conference, args.output, args.template, charts_folder=args.charts_dir, issuer=args.issuer
        )
    except TemplateError as exc:
        raise CommandError(str(exc)) from exc
    lines = [_("Đã lập báo cáo: {path}").format(path=args.output)]
    done = 2
    bar(done, steps, _("Đã viết tệp Word"))
    if args.xlsx is not None:
        write_conference_xlsx(conference, args.xlsx)
        done += 1
        bar(done, steps, _("Đã viết sổ Excel"))
        lines.append(_("Sổ Excel: {path}").format(path=args.xlsx))
    if args.pdf is not None:
        try:
            docx_to_pdf(args.output, args.pdf)
        except PdfError as exc:
            raise CommandError(str(exc)) from exc
        lines.append(f"PDF: {args.pdf}")
        bar(steps, steps, "PDF")
    lines.append(conference.summary.sentence)
    lines += [line.sentence for line in conference.summary.lines]
    return "\n".join(lines)


def cmd_proforma(args: argparse.Namespace) -> str:
    """The labelled pro-forma figures of a merged province, from its former provinces' results."""
    django_ready()
    from chiso.engine.numbers import format_number
    from chiso.engine.proforma import POPULATION_WEIGHTED, ProformaError
    from chiso.engine.units import UnitError
    from chiso.results.proforma import build_proforma

    index = index_named(args.index)
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
    headers = [_("Mã"), _("Nội dung"), *names, _("Giả định")]
    lines = [
        _("{unit} (mã {code}) — {index} {year}: {label}.").format(
            unit=result.unit_name,
            code=result.unit_code,
            index=index.short_name,
            year=result.year,
            label=result.label_vi,
        ),
        _("Phương pháp: {method}.").format(method=result.method_vi),
    ]
    weights = ", ".join(
        f"{c.name} {format_number(result.weights[c.code] * 100, 2)}%" for c in result.constituents
    )
    lines.append(_("Tỷ trọng: {weights}.").format(weights=weights))
    if result.method == POPULATION_WEIGHTED:
        for c in result.constituents:
            lines.append(
                "  "
                + _("Dân số {name}: {population} người ({kind} năm {year}) — nguồn: {source}").format(
                    name=c.name,
                    population=format_number(c.population, 0),
                    kind=c.population_kind,
                    year=c.population_year,
                    source=c.population_source,
                )
            )
    lines.append("")
    lines.append(render_table(headers, rows, [False, False, *([True] * (len(names) + 1))]))
    lines.append("")
    if result.omitted:
        omitted = "; ".join(
            _("{code} (thiếu {units})").format(code=code, units=", ".join(who))
            for code, who in result.omitted.items()
        )
        lines.append(_("Không tính: {components}").format(components=omitted))
    lines.append(_("Không lưu vào kết quả, không xếp hạng; chỉ dùng làm mốc tham khảo."))
    return "\n".join(lines)
