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
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from chiso.engine.i18n import active_language, gettext_noop, localized
from chiso.engine.narrative import index_in_sentence, unit_phrase
from chiso.engine.numbers import format_date, format_number
from chiso.engine.proforma import POPULATION_WEIGHTED
from chiso.engine.units import DISTRICT, Unit
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
    name, short = report.unit.display_name, short_name(report.unit)
    mean_label = _capital(_(report.mean_label))
    drawn: dict[str, Path] = {}
    if report.ranking:
        drawn["ranking"] = charts.ranking_chart(
            [bar.name for bar in report.ranking],
            [bar.score for bar in report.ranking],
            name,
            report.national_mean,
            _("Chỉ số {index} {year}: {count}/{of} địa phương có kết quả").format(
                index=index_in_sentence(report.index_name),
                year=report.when,
                count=len(report.ranking),
                of=report.profile.of,
            ),
            folder / "xep-hang.png",
            places,
            mean_label,
        )
    if report.province_map is not None:
        drawn["map"] = charts.province_map_png(
            report.province_map,
            _("Chỉ số {index} {year} theo tỉnh, thành phố (điểm)").format(
                index=index_in_sentence(report.index_name), year=report.year
            ),
            folder / "ban-do.png",
        )
    if report.proforma_map is not None:
        drawn["map34"] = charts.province_map_png(
            report.proforma_map,
            _("Chỉ số {index} {year}: {label}").format(
                index=index_in_sentence(report.index_name), year=report.year, label=report.proforma_map.label
            ),
            folder / "ban-do-34.png",
        )
    if report.components:
        drawn["components"] = charts.components_chart(
            [f"{report.numbers.get(c['code'], c['code'])}. {c['name']}" for c in report.components],
            [c["score"] for c in report.components],
            [c["mean"] for c in report.components],
            [c["best"] for c in report.components],
            name,
            _("{index} {year}: {unit} so với trung bình và cao nhất").format(
                index=report.index_name, year=report.when, unit=short
            ),
            folder / "noi-dung.png",
            places,
            mean_label,
        )
    if len(report.trend) >= 2:
        drawn["trend"] = charts.trend_chart(
            report.trend,
            short,
            _("Chỉ số {index} qua các năm").format(index=index_in_sentence(report.index_name)),
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
    name, index, year = short_name(report.unit), index_in_sentence(report.index_name), report.year
    if report.noun == "lĩnh vực":
        components = _("Điểm từng lĩnh vực của {unit} so với {mean} và địa phương cao nhất")
    else:
        components = _("Điểm từng nội dung của {unit} so với {mean} và địa phương cao nhất")
    chart_titles = {
        "ranking": (
            _("Xếp hạng Chỉ số {index} {period} ({unit} tô đỏ)").format(
                index=index, period=report.when, unit=name
            )
            if report.period
            else _("Xếp hạng Chỉ số {index} năm {year} ({unit} tô đỏ)").format(
                index=index, year=year, unit=name
            )
        ),
        "components": components.format(unit=name, mean=_(report.mean_label)),
        "map": _(
            "Bản đồ Chỉ số {index} năm {year} theo tỉnh, thành phố ({unit} viền đỏ; quần đảo Hoàng Sa thuộc "
            "thành phố Đà Nẵng, quần đảo Trường Sa thuộc tỉnh Khánh Hòa)"
        ).format(index=index, year=year, unit=name),
        "trend": _("Điểm và thứ hạng Chỉ số {index} của {unit} qua các năm").format(index=index, unit=name),
        "map34": _(
            "Chỉ số {index} năm {year} trên 34 tỉnh, thành phố sau sắp xếp (tỉnh, thành phố có {unit} viền đỏ)."
        ).format(index=index, year=year, unit=name)
        + (" " + report.proforma_map.note if report.proforma_map is not None else ""),
    }
    for key, kind in order:
        if kind == "chart":
            if key in drawn:
                figures += 1
                result[f"chart_{key}"] = _("Hình {number}. {title}").format(
                    number=figures, title=chart_titles[key]
                )
        elif key in report.tables and report.tables[key].rows:
            tables += 1
            result[key] = _("Bảng {number}. {title}").format(number=tables, title=report.tables[key].title)
    return result


def issuer_parent(unit: Unit) -> str:
    """The letterhead's authority: the people's committee of the unit that exists on the report's
    date (for a province merged in 2025, the province it was merged into)."""
    return _("UBND {unit}").format(unit=unit_phrase(unit)).upper()


DEFAULT_ISSUER = gettext_noop("Sở Nội vụ")
DISTRICT_ISSUER = gettext_noop("Phòng Nội vụ")


def default_issuer(unit: Unit) -> str:
    """The agency that drafts a locality's report on the indices: the province's Department of Home
    Affairs, a district's Office of Home Affairs."""
    return DISTRICT_ISSUER if unit.level == DISTRICT else DEFAULT_ISSUER


def issuer_name(issuer: str) -> str:
    """The issuing agency in the active language: a default one from the catalogue, a name the
    user typed as given."""
    for default in (DEFAULT_ISSUER, DISTRICT_ISSUER):
        if issuer.strip().lower() == default.lower():
            return _(default)
    return issuer


def short_name(unit: Unit) -> str:
    """The unit's name without its kind, as a dateline and a caption write it ("Quảng Ninh",
    "Bình Liêu" for Huyện Bình Liêu); in English its English name when it has one."""
    name = unit.display_name
    if unit.kind and name.lower().startswith(unit.kind.lower() + " "):
        return name[len(unit.kind) + 1 :]
    return name


def issuer_code(issuer: str) -> str:
    """ "SNV" for "Sở Nội vụ": the initials of the Vietnamese name, as document numbers use them
    in either language ("Số: …/BC-SNV")."""
    return "".join(word[0] for word in issuer.split()).upper()


def letterhead(place: str, year: int, code: str) -> dict[str, str]:
    """The texts of the letterhead in the active language (Decree 30/2020 in Vietnamese)."""
    return {
        "number": _("Số:       /BC-{code}").format(code=code),
        "republic": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": _("Độc lập - Tự do - Hạnh phúc"),
        "dateline": _("{place}, ngày {day} tháng {month} năm {year}").format(
            place=place, day="     ", month="     ", year=year
        ),
    }


def context(
    report: Report, document: DocxTemplate, drawn: dict[str, Path], issuer: str | None = None
) -> dict[str, Any]:
    issuer = issuer or default_issuer(report.issuer_unit)
    today = report.generated
    proforma = None
    if report.proforma is not None:
        methods = []
        for result in report.proforma.results:
            total = result.values.get(result.total)
            language = active_language()
            line = _("Phương pháp {method}: {total} điểm").format(
                method=_(result.method_vi), total=format_number(total, report.places, language)
            )
            if result.method == POPULATION_WEIGHTED:
                shares = ", ".join(
                    f"{c.name} {format_number(result.weights[c.code] * 100, 1, language)}%"
                    for c in result.constituents
                )
                line += " " + _("(tỷ trọng dân số: {shares}; số liệu dân số năm {year})").format(
                    shares=shares, year=result.constituents[0].population_year
                )
            methods.append(line + f" — {localized(result.label_vi, result.label_en)}.")
        methods += [_("Không lập được: {reason}").format(reason=reason) for reason in report.proforma.refused]
        proforma = {"text": report.proforma.text, "methods": methods}
    return {
        "title": report.title,
        "index_name": report.index_name,
        "index_full_name": report.index_full_name,
        "year": report.year,
        "unit_name": report.unit.display_name,
        "unit_phrase": report.unit_phrase,
        "noun": report.noun,
        "noun_upper": report.noun.upper(),
        "issuer_parent": issuer_parent(report.issuer_unit),
        "issuer": issuer_name(issuer).upper(),
        "issuer_code": issuer_code(issuer),
        "place": short_name(report.issuer_unit),
        "day": "     ",
        "month": "     ",
        "issued_year": today.year,
        "letterhead": letterhead(short_name(report.issuer_unit), today.year, issuer_code(issuer)),
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
        "generated_note": generated_note(today),
    }


def generated_note(today: date) -> str:
    return _(
        "Báo cáo do chiso lập tự động ngày {date} từ số liệu công bố; các nhận định cần được cơ quan "
        "chủ trì rà soát trước khi sử dụng."
    ).format(date=format_date(today))


def write_docx(
    report: Report,
    output: Path,
    template: Path | None = None,
    issuer: str | None = None,
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
