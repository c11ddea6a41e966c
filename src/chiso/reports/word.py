"""The Word report: charts drawn, the template filled in with docxtpl.

Names available in a template (Jinja, see docxtpl's documentation for {%p %} and {%tr %} tags):

    title, index_name, index_full_name, year, unit_name, unit_phrase, noun, noun_upper
    issuer_parent, issuer, issuer_code, place, day, month, issued_year
    paragraphs.headline | comparison | components | strengths | weaknesses | losses | target_note
               | target | plans | status | trend          (texts; None when there is nothing to say)
    tables.<key>.rows   rows of display texts, keys as in chiso.reports.tables.COLUMNS[<key>]
                        (summary, fields, criteria, losses, gaps, target, weak, plans, trend, ranking,
                        proforma)
    captions.<key>      "Bảng 2. …" numbered in order of appearance; captions.chart_<key> for figures
    charts.ranking | map | components | trend     images (InlineImage)
    proforma.text, proforma.methods         (None when the unit is not concerned by the 2025 merger)
    sources             list of texts; generated_note
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from chiso.engine.narrative import unit_phrase
from chiso.engine.numbers import format_date, format_number
from chiso.engine.proforma import POPULATION_WEIGHTED
from chiso.reports import charts
from chiso.reports.data import Report
from chiso.reports.template import DEFAULT_TEMPLATE

# The order in which tables and figures appear in the default template (for numbering captions).
ORDER = (
    ("summary", "table"),
    ("ranking", "chart"),
    ("map", "chart"),
    ("map34", "chart"),
    ("fields", "table"),
    ("components", "chart"),
    ("criteria", "table"),
    ("losses", "table"),
    ("gaps", "table"),
    ("target", "table"),
    ("weak", "table"),
    ("plans", "table"),
    ("trend", "chart"),
    ("trend", "table"),
    ("proforma", "table"),
)
IMAGE_WIDTH_MM = 160
MAP_WIDTH_MM = 100  # the map is tall (Vietnam from north to south): it fits the page's height


class TemplateError(ValueError):
    """A user template that cannot be read or filled in."""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def draw_charts(report: Report, folder: Path) -> dict[str, Path]:
    """The three charts as PNG files in `folder`."""
    places = report.places
    drawn: dict[str, Path] = {}
    if report.ranking:
        drawn["ranking"] = charts.ranking_chart(
            [bar.name for bar in report.ranking],
            [bar.score for bar in report.ranking],
            report.unit.name,
            report.national_mean,
            f"Chỉ số {report.index_name} {report.year}: {len(report.ranking)}/{report.profile.of} "
            "địa phương có kết quả",
            folder / "xep-hang.png",
            places,
            _capital(report.mean_label),
        )
    if report.province_map is not None:
        drawn["map"] = charts.province_map_png(
            report.province_map,
            f"Chỉ số {report.index_name} {report.year} theo tỉnh, thành phố (điểm)",
            folder / "ban-do.png",
        )
    if report.proforma_map is not None:
        drawn["map34"] = charts.province_map_png(
            report.proforma_map,
            f"Chỉ số {report.index_name} {report.year}: {report.proforma_map.label}",
            folder / "ban-do-34.png",
        )
    if report.components:
        drawn["components"] = charts.components_chart(
            [f"{report.numbers.get(c['code'], c['code'])}. {c['name']}" for c in report.components],
            [c["score"] for c in report.components],
            [c["mean"] for c in report.components],
            [c["best"] for c in report.components],
            report.unit.name,
            f"{report.index_name} {report.year}: {report.unit.name} so với trung bình và cao nhất",
            folder / "noi-dung.png",
            places,
            _capital(report.mean_label),
        )
    if len(report.trend) >= 2:
        drawn["trend"] = charts.trend_chart(
            report.trend,
            report.unit.name,
            f"Chỉ số {report.index_name} qua các năm",
            folder / "xu-huong.png",
            places,
        )
    return drawn


def captions(
    report: Report,
    drawn: dict[str, Path],
    tables_before: int = 0,
    figures_before: int = 0,
    order: tuple[tuple[str, str], ...] = ORDER,
) -> dict[str, str]:
    """ "Bảng 1. Kết quả tổng hợp", "Hình 1. …", numbered over what is actually shown (after
    `tables_before` tables and `figures_before` figures when the report is a chapter)."""
    result: dict[str, str] = {}
    tables, figures = tables_before, figures_before
    chart_titles = {
        "ranking": f"Xếp hạng Chỉ số {report.index_name} năm {report.year} ({report.unit.name} tô đỏ)",
        "components": f"Điểm từng {report.noun} của {report.unit.name} so với {report.mean_label} và "
        "địa phương cao nhất",
        "map": f"Bản đồ Chỉ số {report.index_name} năm {report.year} theo tỉnh, thành phố ({report.unit.name} "
        "viền đỏ; quần đảo Hoàng Sa thuộc thành phố Đà Nẵng, quần đảo Trường Sa thuộc tỉnh Khánh Hòa)",
        "trend": f"Điểm và thứ hạng Chỉ số {report.index_name} của {report.unit.name} qua các năm",
        "map34": f"Chỉ số {report.index_name} năm {report.year} trên 34 tỉnh, thành phố sau sắp xếp "
        f"(tỉnh, thành phố có {report.unit.name} viền đỏ). "
        + (report.proforma_map.note if report.proforma_map is not None else ""),
    }
    for key, kind in order:
        if kind == "chart":
            if key in drawn:
                figures += 1
                result[f"chart_{key}"] = f"Hình {figures}. {chart_titles[key]}"
        elif key in report.tables and report.tables[key].rows:
            tables += 1
            result[key] = f"Bảng {tables}. {report.tables[key].title}"
    return result


def _issuer_parent(report: Report) -> str:
    """The letterhead's authority: the people's committee of the unit that exists on the report's
    date (for a province merged in 2025, the province it was merged into)."""
    return f"UBND {unit_phrase(report.issuer_unit).upper()}"


def context(
    report: Report, document: DocxTemplate, drawn: dict[str, Path], issuer: str = "SỞ NỘI VỤ"
) -> dict[str, Any]:
    today = report.generated
    proforma = None
    if report.proforma is not None:
        methods = []
        for result in report.proforma.results:
            total = result.values.get(result.total)
            line = f"Phương pháp {result.method_vi}: {format_number(total, report.places)} điểm"
            if result.method == POPULATION_WEIGHTED:
                shares = ", ".join(
                    f"{c.name} {format_number(result.weights[c.code] * 100, 1)}%" for c in result.constituents
                )
                line += f" (tỷ trọng dân số: {shares}; số liệu dân số năm {result.constituents[0].population_year})"
            methods.append(line + f" — {result.label_vi}.")
        methods += [f"Không lập được: {reason}" for reason in report.proforma.refused]
        proforma = {"text": report.proforma.text, "methods": methods}
    return {
        "title": report.title,
        "index_name": report.index_name,
        "index_full_name": report.index_full_name,
        "year": report.year,
        "unit_name": report.unit.name,
        "unit_phrase": report.unit_phrase,
        "noun": report.noun,
        "noun_upper": report.noun.upper(),
        "issuer_parent": _issuer_parent(report),
        "issuer": issuer.upper(),
        "issuer_code": "".join(word[0] for word in issuer.split()).upper(),
        "place": report.issuer_unit.name,
        "day": "     ",
        "month": "     ",
        "issued_year": today.year,
        "paragraphs": report.paragraphs,
        "tables": {key: {"rows": table.display_rows()} for key, table in report.tables.items()},
        "captions": captions(report, drawn),
        "charts": {
            key: InlineImage(
                document, str(path), width=Mm(MAP_WIDTH_MM if key in ("map", "map34") else IMAGE_WIDTH_MM)
            )
            for key, path in drawn.items()
        },
        "proforma": proforma,
        "sources": report.sources,
        "generated_note": (
            f"Báo cáo do chiso lập tự động ngày {format_date(today)} từ số liệu công bố; "
            "các nhận định cần được cơ quan chủ trì rà soát trước khi sử dụng."
        ),
    }


def write_docx(
    report: Report,
    output: Path,
    template: Path | None = None,
    issuer: str = "SỞ NỘI VỤ",
    charts_folder: Path | None = None,
) -> Path:
    """Fill the template (the default one unless given) and save the report to `output`."""
    source = template or DEFAULT_TEMPLATE
    if not source.exists():
        raise TemplateError(_("Không có tệp mẫu {path}.").format(path=source))
    try:
        document = DocxTemplate(str(source))
        document.init_docx()
    except Exception as exc:  # a zip that is not a Word file
        raise TemplateError(
            _("{name} không phải tệp Word (.docx) hợp lệ: {error}").format(name=source.name, error=exc)
        ) from exc
    with tempfile.TemporaryDirectory() as scratch:
        folder = charts_folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        drawn = draw_charts(report, folder)
        try:
            document.render(context(report, document, drawn, issuer), autoescape=True)
        except Exception as exc:  # Jinja errors in a user's template
            raise TemplateError(
                _("Lỗi trong mẫu {name}: {error}").format(name=source.name, error=exc)
            ) from exc
        output.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(output))
    return output
