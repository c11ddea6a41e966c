"""The conference report: one document for all the indices of one locality and year.

    summary (how many indices rose and fell in rank, each index's standard sentence)
    one chapter per index (results, fields and criteria, points lost, strengths and weaknesses
        under the one rule, the trend, the rank target) — the per-index report's content
    the weak criteria across the indices, with the agencies responsible (chiso.plans
        Responsibility) and the plan items (PlanItem)
    the draft conclusions: tasks and solutions for the next year

Word from an editable template (`templates/bao-cao-hoi-nghi.docx`, rebuilt by
`python -m chiso.reports.template`), an Excel workbook with every table, a PDF through LibreOffice.
The summary comes from `chiso.reports.overview` (isolated, to be swapped for the dashboard's service).

Language: the document's frame (title, headings, summary, weak criteria, conclusions, captions of
the summary) goes through gettext with Vietnamese msgids, so `--language en` gives it in English;
each chapter's sentences and tables are those of the per-index report.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override
from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Font

from chiso.core import xlsx as core_xlsx
from chiso.engine.i18n import active_language
from chiso.engine.narrative import index_in_sentence
from chiso.engine.numbers import format_rank, format_signed
from chiso.engine.units import Unit
from chiso.reports import overview, word
from chiso.reports import xlsx as report_xlsx
from chiso.reports.data import Report, keep_together
from chiso.reports.tables import NUMBER, TEXT, Column, Table
from chiso.reports.template import CONFERENCE_TEMPLATE

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


# The order of a chapter's tables and figures in the conference template (for numbering captions).
CHAPTER_ORDER = (
    ("summary", "table"),
    ("ranking", "chart"),
    ("fields", "table"),
    ("components", "chart"),
    ("criteria", "table"),
    ("losses", "table"),
    ("gaps", "table"),
    ("weak", "table"),
    ("trend", "chart"),
    ("trend", "table"),
    ("target", "table"),
    ("proforma", "table"),
)
# The sections of a chapter, in order (a section with nothing to show is left out, the others
# numbered 1, 2, …).
SECTIONS = ("results", "fields", "losses", "strengths", "trend", "target", "proforma")
# (key, kind, width in cm) of the two tables of the frame; their headers are translated when the
# document is written (the template shows {{ headers.<table>.<key> }}).
SUMMARY_SPEC = (
    ("index", TEXT, 2.4),
    ("score", TEXT, 2.4),
    ("rank", TEXT, 1.8),
    ("change_score", TEXT, 1.8),
    ("change_rank", TEXT, 1.6),
    ("group", TEXT, 6.5),
)
WEAK_SPEC = (
    ("index", TEXT, 1.4),
    ("code", TEXT, 1.0),
    ("name", TEXT, 3.6),
    ("rank", TEXT, 1.3),
    ("gap_to_best", NUMBER, 1.4),
    ("lead", TEXT, 2.6),
    ("supporters", TEXT, 2.2),
    ("plan", TEXT, 3.0),  # the plan's tasks are the longest texts of the table
)


def headers() -> dict[str, dict[str, str]]:
    return {
        "overview": {
            "index": _("Chỉ số"),
            "score": _("Điểm"),
            "rank": _("Hạng"),
            "change_score": _("± điểm"),
            "change_rank": _("± bậc"),
            "group": _("Nhóm"),
        },
        "weak_all": {
            "index": _("Chỉ số"),
            "code": _("TT"),
            "name": _("Tiêu chí"),
            "rank": _("Hạng"),
            "gap_to_best": _("Kém cao nhất"),
            "lead": _("Cơ quan chủ trì"),
            "supporters": _("Phối hợp"),
            "plan": _("Nhiệm vụ trong kế hoạch"),
        },
    }


def columns(table: str, spec, for_template: bool = False) -> list[Column]:
    """The columns of a frame table: translated headers, or the template's placeholders."""
    names = headers()[table] if not for_template else {}
    return [
        Column(key, "{{ headers.%s.%s }}" % (table, key) if for_template else names[key], kind, width)  # noqa: UP031
        for key, kind, width in spec
    ]


@dataclass
class Conference:
    unit: Unit
    issuer_unit: Unit
    year: int
    title: str
    summary: overview.Summary
    chapters: list[Report]
    skipped: list[str]
    tables: dict[str, Table]
    conclusions: list[str]
    sources: list[str]
    language: str = "vi"
    generated: date = field(default_factory=date.today)


# -- building ---------------------------------------------------------------------------------------


def build_conference(
    unit_text: str,
    year: int,
    codes: list[str] | None = None,
    *,
    language: str = "vi",
    with_trend: bool = True,
) -> Conference:
    """Every index's report for the unit and year, the summary, the weak criteria across them and
    the draft conclusions. Raises ReportError when there is nothing to report."""
    with override(language):
        reports, skipped = overview.locality_reports(unit_text, year, codes, with_trend=with_trend)
        first = reports[0]
        summary = overview.summarise(reports)
        who = first.unit_phrase
        title = _("BÁO CÁO PHÂN TÍCH KẾT QUẢ CÁC CHỈ SỐ NĂM {year} CỦA {unit}").format(
            year=year, unit=keep_together(who.upper())
        )
        tables = {
            "overview": _summary_table(summary, first.places),
            "weak_all": weak_across(reports),
        }
        sources: list[str] = []
        for report in reports:
            sources += [line for line in report.sources if line not in sources]
        return Conference(
            unit=first.unit,
            issuer_unit=first.issuer_unit,
            year=year,
            title=title,
            summary=summary,
            chapters=reports,
            skipped=skipped,
            tables=tables,
            conclusions=conclusions(reports, tables["weak_all"], year),
            sources=sources,
            language=language,
            generated=first.generated,
        )


def _summary_table(summary: overview.Summary, places: int) -> Table:
    """One row per index: score ("47,82/80", "94,01 %"), rank, changes, group (a column of dashes
    only when no index has groups)."""
    language = active_language()
    rows = []
    for line in summary.lines:
        rows.append(
            {
                "index": line.index_name,
                "score": line.shown_score,
                "rank": format_rank(line.rank, line.of),
                "change_score": format_signed(line.score_change, line.places, language)
                + (" %" if line.percent else "")
                if line.score_change is not None
                else "–",
                "change_rank": f"{line.rank_change:+d}" if line.rank_change is not None else "–",
                "group": (line.group if language == "vi" else line.group_en) or "–",
            }
        )
    return Table(
        "overview", _("Tổng quan"), _("Kết quả các chỉ số"), columns("overview", SUMMARY_SPEC), rows, places
    )


def _responsibilities(report: Report) -> dict[str, tuple[str, str]]:
    """{criterion code: (lead, supporters)} set in chiso.plans for the report's framework."""
    from django.apps import apps

    if not apps.is_installed("chiso.plans"):
        return {}
    from chiso.plans.models import Responsibility

    found = {}
    for r in (
        Responsibility.objects.filter(framework__code=report.profile.framework.code)
        .select_related("lead")
        .prefetch_related("supporters")
    ):
        found[r.criterion] = (r.lead.name, ", ".join(sorted(u.name for u in r.supporters.all())))
    return found


def _lineage(report: Report, code: str) -> list[str]:
    """The code and its ancestors' codes (a plan item or responsibility on a dimension covers its
    criteria)."""
    parents = report.profile.framework.parent_map()
    chain: list[str] = []
    current: str | None = code
    while current is not None:
        chain.append(current)
        current = parents.get(current)
    return chain


def weak_across(reports: list[Report]) -> Table:
    """The weak criteria of every index (bottom quarter, `losses.weak_criteria`), worst first, with
    the agency that leads on each (its plan item's, else the responsibility set on it or on its
    dimension) and the plan items that address it. The chapters' tables of weak criteria get the same lead."""
    rows = []
    for report in reports:
        responsible = _responsibilities(report)
        for row in report.tables["weak"].rows:
            chain = _lineage(report, row["code"])
            items = [p for code in chain for p in report.plan_rows if p["code"] == code]
            assigned = next((responsible[c] for c in chain if c in responsible), None)
            lead = "; ".join(dict.fromkeys(p["lead"] for p in items if p["lead"]))
            supporters = "; ".join(dict.fromkeys(p["supporters"] for p in items if p["supporters"]))
            if not lead and assigned:
                lead = assigned[0]
            # One answer in both tables: the chapter's table of weak criteria names the same lead
            # (its own looks only at plan items on the criterion itself).
            row["lead"] = lead or _("Chưa phân công")
            if not supporters and assigned:
                supporters = assigned[1]
            plan = "; ".join(
                f"{p['action']} ({_('hạn')} {p['deadline']})" if p["deadline"] else p["action"]
                for p in items
                if p["action"]
            )
            rows.append(
                {
                    "index": report.index_name,
                    "code": report.numbers.get(row["code"], row["code"]),
                    "name": row["name"],
                    "rank": format_rank(row["rank"], report.profile.of),
                    "share": (row["rank"] or 0) / (report.profile.of or 1),
                    "gap_to_best": row["gap_to_best"],
                    "lead": lead or _("Chưa phân công"),
                    "supporters": supporters,
                    "plan": plan or _("Chưa có trong kế hoạch"),
                }
            )
    rows.sort(key=lambda r: -r["share"])
    for row in rows:
        del row["share"]
    places = reports[0].places if reports else 2
    return Table(
        "weak_all",
        _("Tiêu chí yếu"),
        _("Các tiêu chí còn yếu của các chỉ số, cơ quan chủ trì và nhiệm vụ"),
        columns("weak_all", WEAK_SPEC),
        rows,
        places,
    )


def conclusions(reports: list[Report], weak: Table, year: int) -> list[str]:
    """The draft "nhiệm vụ, giải pháp năm sau": a target per index, the weak criteria to work on and
    who leads, and the reporting that follows. A draft for the officer to edit."""
    lines = []
    nxt = year + 1
    for report in reports:
        profile = report.profile
        target = report.target
        goal = None
        if target is not None:
            goal = target.target_rank if target.reachable else target.best_reachable_rank
        if goal is not None and profile.rank is not None and goal < profile.rank:
            line = _(
                "Phấn đấu năm {next} Chỉ số {index} đạt hạng {target}/{of} (năm {year}: {rank}/{of})."
            ).format(
                next=nxt,
                index=index_in_sentence(report.index_name),
                target=goal,
                of=profile.of,
                year=year,
                rank=profile.rank,
            )
        elif profile.rank is not None and profile.rank > 1:
            # No reachable better rank is known (a target out of reach): never "keep" a low rank.
            line = _("Phấn đấu nâng thứ hạng Chỉ số {index} (năm {year}: {rank}/{of}).").format(
                index=index_in_sentence(report.index_name), year=year, rank=profile.rank, of=profile.of
            )
        else:
            line = _("Giữ vững thứ hạng Chỉ số {index} (năm {year}: {rank}/{of}).").format(
                index=index_in_sentence(report.index_name), year=year, rank=profile.rank, of=profile.of
            )
        focus = [c.name for c in profile.weaknesses] or [
            row["name"] for row in report.tables["losses"].rows[:2]
        ]
        if focus:
            line += " " + _("Tập trung cải thiện: {names}.").format(names="; ".join(focus))
        lines.append(line)
    leads: dict[str, list[str]] = {}
    unassigned = []
    for row in weak.rows:
        if row["lead"] == _("Chưa phân công"):
            unassigned.append(f"{row['index']} {row['code']} {row['name']}")
        else:
            leads.setdefault(row["lead"], []).append(f"{row['index']} {row['code']}")
    for lead, criteria in leads.items():
        lines.append(
            _("{lead} chủ trì khắc phục các tiêu chí còn yếu: {criteria}.").format(
                lead=lead, criteria=", ".join(criteria)
            )
        )
    # The agency that follows the indices: the province's Sở Nội vụ, a district's Phòng Nội vụ.
    agency = _(word.default_issuer(reports[0].issuer_unit)) if reports else _(word.DEFAULT_ISSUER)
    if unassigned:
        lines.append(
            _(
                "{agency} tham mưu phân công cơ quan chủ trì cho {count} tiêu chí còn yếu chưa có cơ quan "
                "chủ trì."
            ).format(agency=agency, count=len(unassigned))
        )
    lines.append(
        _(
            "Các cơ quan, đơn vị được giao chủ trì xây dựng kế hoạch cải thiện năm {next}, báo cáo tiến độ "
            "định kỳ hằng quý về {agency}; {agency} tổng hợp, báo cáo Ủy ban nhân dân."
        ).format(next=nxt, agency=agency)
    )
    return lines


# -- writing ----------------------------------------------------------------------------------------


def labels() -> dict[str, str]:
    return {
        "summary": _("TỔNG QUAN"),
        "results": _("Kết quả"),
        "fields": _("Kết quả theo từng nội dung và tiêu chí"),
        "losses": _("Điểm bị mất"),
        "strengths": _("Điểm mạnh, điểm yếu"),
        "trend": _("Xu hướng qua các năm"),
        "target": _("Mục tiêu thứ hạng"),
        "proforma": _("Số liệu giả định sau sắp xếp đơn vị hành chính"),
        "weak": _("TIÊU CHÍ CÒN YẾU, CƠ QUAN CHỦ TRÌ VÀ NHIỆM VỤ"),
        "conclusions": _("DỰ THẢO KẾT LUẬN: NHIỆM VỤ, GIẢI PHÁP NĂM {next}"),
        "sources": _("NGUỒN SỐ LIỆU"),
        "draft": _("(Dự thảo để cơ quan chủ trì chỉnh sửa trước hội nghị.)"),
    }


def context(
    conference: Conference,
    document: DocxTemplate,
    drawn: list[dict[str, Path]],
    issuer: str | None = None,
) -> dict[str, Any]:
    issuer = issuer or word.default_issuer(conference.issuer_unit)
    texts = labels()
    texts["conclusions"] = texts["conclusions"].format(next=conference.year + 1)
    tables_before, figures_before = (1 if conference.tables["overview"].rows else 0), 0
    chapters = []
    for number, (report, charts) in enumerate(zip(conference.chapters, drawn, strict=True), start=2):
        chapter_captions = word.captions(report, charts, tables_before, figures_before, CHAPTER_ORDER)
        tables_before += sum(1 for key in chapter_captions if not key.startswith("chart_"))
        figures_before += sum(1 for key in chapter_captions if key.startswith("chart_"))
        single = word.context(report, document, charts)
        tables = report.tables
        paragraphs = report.paragraphs
        shown = {
            "results": True,
            "fields": bool(tables["fields"].rows or tables["criteria"].rows or "components" in charts),
            "losses": bool(paragraphs["losses"] or tables["losses"].rows or tables["gaps"].rows),
            # Strengths and weaknesses are components ranked: none for a framework of the total only.
            "strengths": bool(report.profile.components),
            "trend": len(report.trend) >= 2,  # one year is no trend
            "target": bool(paragraphs["target_note"] or paragraphs["target"] or tables["target"].rows),
            "proforma": single["proforma"] is not None,
        }
        numbered = [key for key in SECTIONS if shown[key]]
        chapters.append(
            {
                # "1. Kết quả", "2. …" numbered over the sections that have something to say.
                "sections": {key: f"{i}. {texts[key]}" for i, key in enumerate(numbered, start=1)},
                "heading": f"{ROMAN[number - 1]}. "
                + _("CHỈ SỐ {index}").format(index=report.index_name.upper()),
                "full_name": report.index_full_name,
                "noun": _(report.noun),
                "headers": {
                    key: {c.key: c.header for c in table.columns} for key, table in report.tables.items()
                },
                "paragraphs": report.paragraphs,
                "tables": single["tables"],
                "captions": chapter_captions,
                "charts": single["charts"],
                "proforma": single["proforma"],
            }
        )
    last = len(conference.chapters) + 1
    weak_rows = bool(conference.tables["weak_all"].rows)
    weak_caption = _("Bảng {number}. {title}").format(
        number=tables_before + 1, title=conference.tables["weak_all"].title
    )
    return {
        "title": conference.title,
        "unit_name": conference.unit.display_name,
        "year": conference.year,
        "issuer_parent": word.issuer_parent(conference.issuer_unit),
        "issuer": word.issuer_name(issuer).upper(),
        "issuer_code": word.issuer_code(issuer),
        "place": word.short_name(conference.issuer_unit),
        "day": "     ",
        "month": "     ",
        "issued_year": conference.generated.year,
        "letterhead": word.letterhead(
            word.short_name(conference.issuer_unit), conference.generated.year, word.issuer_code(issuer)
        ),
        "labels": texts,
        "headers": headers(),
        # The weak criteria across indices only when there are some (none for indices published as
        # totals only); the chapters after it numbered on.
        "headings": {
            "summary": f"I. {texts['summary']}",
            "weak": f"{ROMAN[last]}. {texts['weak']}" if weak_rows else "",
            "conclusions": f"{ROMAN[last + 1 if weak_rows else last]}. {texts['conclusions']}",
        },
        "summary": {
            "sentence": conference.summary.sentence,
            # Vietnamese: each index's standard sentence; other languages: its figures in words of
            # the catalogue (the standard sentence is written in Vietnamese only).
            "lines": [
                line.sentence if conference.language == "vi" else line.short(conference.language)
                for line in conference.summary.lines
            ],
            "skipped": conference.skipped,
        },
        "tables": {key: {"rows": table.display_rows()} for key, table in conference.tables.items()},
        "captions": {
            "overview": _("Bảng 1. {title}").format(title=conference.tables["overview"].title),
            "weak_all": weak_caption,
        },
        "chapters": chapters,
        "conclusions": conference.conclusions,
        "sources": conference.sources,
        "generated_note": word.generated_note(conference.generated),
    }


def write_conference_docx(
    conference: Conference,
    output: Path,
    template: Path | None = None,
    charts_folder: Path | None = None,
    issuer: str | None = None,
) -> Path:
    source = template or CONFERENCE_TEMPLATE
    if not source.exists():
        raise word.TemplateError(_("Không có tệp mẫu {path}.").format(path=source))
    try:
        document = DocxTemplate(str(source))
        document.init_docx()
    except Exception as exc:
        raise word.TemplateError(
            _("{name} không phải tệp Word (.docx) hợp lệ: {error}").format(name=source.name, error=exc)
        ) from exc
    with override(conference.language), tempfile.TemporaryDirectory() as scratch:
        folder = charts_folder or Path(scratch)
        drawn = []
        for report in conference.chapters:
            sub = folder / report.index_code
            sub.mkdir(parents=True, exist_ok=True)
            drawn.append(word.draw_charts(report, sub))
        try:
            document.render(context(conference, document, drawn, issuer), autoescape=True)
        except Exception as exc:
            raise word.TemplateError(
                _("Lỗi trong mẫu {name}: {error}").format(name=source.name, error=exc)
            ) from exc
        output.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(output))
    return output


def write_conference_xlsx(conference: Conference, output: Path) -> Path:
    """The summary, the weak criteria across indices, the conclusions, then every table of every
    chapter on its own sheet ("PAPI Nội dung"), and the sources."""
    with override(conference.language):
        workbook = Workbook()
        workbook.remove(workbook.worksheets[0])
        for key in ("overview", "weak_all"):
            report_xlsx._sheet(workbook, conference.tables[key])
        sheet = workbook.create_sheet(_("Kết luận")[:31])
        core_xlsx.append(sheet, [labels()["conclusions"].format(next=conference.year + 1)])
        sheet["A1"].font = Font(bold=True)
        for line in conference.conclusions:
            core_xlsx.append(sheet, [line])
        sheet.column_dimensions["A"].width = 120
        used = set(workbook.sheetnames)
        for report in conference.chapters:
            for key in report_xlsx.ORDER:
                if key not in report.tables:
                    continue
                table = report.tables[key]
                name = f"{report.index_name} {table.sheet}"[:31]
                while name in used:
                    name = name[:29] + f"{len(used) % 100:02d}"
                used.add(name)
                report_xlsx._sheet(
                    workbook,
                    dataclasses.replace(table, sheet=name, title=f"{report.index_name}: {table.title}"),
                )
        sources = workbook.create_sheet(_("Nguồn"))
        core_xlsx.append(sources, [conference.title])
        sources["A1"].font = Font(bold=True)
        for line in conference.sources:
            core_xlsx.append(sources, [line])
        sources.column_dimensions["A"].width = 120
        output.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(str(output))
    return output
