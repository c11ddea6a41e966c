"""The shipped SIPAS questionnaire (Decision 1001/QĐ-BNV structure) as an XLSForm.

Bảng hỏi SIPAS (cấu trúc Quyết định 1001/QĐ-BNV) dưới dạng XLSForm.

The items are the "TT" set of the transcribed questionnaire (``sipas_questionnaire.csv`` in the
project's shared data; see its SIPAS.md): the 2026 form of UBND phường Tùng Thiện (Hà Nội), which
follows the 1001 structure — Câu 1–8 perception, Câu 9 satisfaction (policy groups A–D, service
factors A–E), Câu 10 expectations. The national wording may differ (ward-level localisation).

`build_sipas_workbook` turns the CSV into the workbook shipped as
``chiso/data/surveys/sipas-1001.xlsx``; `sipas_form` reads that shipped file.

What is *not* from a source and is chiso's choice, recorded in the form's settings: the satisfied
rule (top-2 of the 5-point scale, "Hài lòng" and "Rất hài lòng"), the design fields (unit,
respondent type, weight, stratum, PSU) and the English factor names.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import Workbook

from chiso.core import xlsx
from chiso.surveys.xlsform import Form, read_xlsform

SHIPPED = ("surveys", "sipas-1001.xlsx")
SOURCE_SET = "TT."

FACTORS = [
    ("P_A", "Chính sách: cung cấp thông tin về chính sách", "Policy: information on policies", "policy"),
    (
        "P_B",
        "Chính sách: tham gia góp ý xây dựng chính sách",
        "Policy: participation in policy making",
        "policy",
    ),
    (
        "P_C",
        "Chính sách: chất lượng tổ chức thực hiện chính sách",
        "Policy: quality of implementation",
        "policy",
    ),
    ("P_D", "Chính sách: kết quả, tác động của chính sách", "Policy: results and impact", "policy"),
    ("F1", "Tiếp cận dịch vụ", "Access to services", "service"),
    ("F2", "Thủ tục hành chính", "Administrative procedures", "service"),
    ("F3", "Công chức trực tiếp giải quyết công việc", "Civil servants", "service"),
    ("F4", "Kết quả dịch vụ", "Service results", "service"),
    ("F5", "Tiếp nhận, xử lý phản ánh, kiến nghị", "Handling of feedback and complaints", "service"),
]

RESPONDENT_TYPES = [("citizen", "Người dân"), ("organisation", "Tổ chức, doanh nghiệp")]

SETTINGS_SOURCE = (
    "Items: sipas_questionnaire.csv, set TT (HoangLan01/form_test3 public/index.html: web transcription of "
    "'Phiếu khảo sát ý kiến – Sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước năm 2026', "
    "UBND phường Tùng Thiện, Hà Nội), following the structure of Quyết định 1001/QĐ-BNV (11/12/2023). "
    "Factor headings as printed in Câu 9. Official index formula not found: satisfied = top-2 (4 Hài lòng, "
    "5 Rất hài lòng) is chiso's configurable default; design fields added by chiso."
)

SURVEY_COLUMNS = [
    "type",
    "name",
    "label::Vietnamese (vi)",
    "required",
    "chiso_factor",
    "chiso_criterion",
    "chiso_satisfied",
    "chiso_content",
    "chiso_respondent_type",
    "chiso_role",
    "chiso_source",
]

_OPTION = re.compile(r"^\s*(\d+)\s*\.?\s*(.*)$")


def _options(scale: str) -> list[tuple[str, str]]:
    options = []
    for part in scale.split("|"):
        match = _OPTION.match(part.strip())
        if not match:
            raise ValueError(f"unnumbered option {part!r}")
        options.append((match.group(1), match.group(2).strip() or match.group(1)))
    return options


def _name(code: str) -> str:
    """``TT.Q9.24`` → ``q9_24``; ``TT.A1`` → ``a1``."""
    return code.removeprefix(SOURCE_SET).lower().replace(".", "_")


def build_sipas_workbook(csv_path: str | Path, out_path: str | Path) -> Path:
    """Write the SIPAS XLSForm from the transcribed questionnaire CSV (set TT)."""
    with Path(csv_path).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["question_code"].startswith(SOURCE_SET)]
    survey: list[dict[str, str]] = []
    choices: list[tuple[str, str, str]] = []
    lists: dict[tuple[tuple[str, str], ...], str] = {}

    def choice_list(options: list[tuple[str, str]], hint: str) -> str:
        key = tuple(options)
        if key not in lists:
            name = hint if hint not in lists.values() else f"{hint}_{len(lists)}"
            lists[key] = name
            choices.extend((name, code, label) for code, label in options)
        return lists[key]

    def add(**fields: str) -> None:
        survey.append({c: fields.get(c, "") for c in SURVEY_COLUMNS})

    # Design fields (chiso's additions).
    add(
        type="begin_group",
        name="design",
        **{"label::Vietnamese (vi)": "Thông tin mẫu (do đơn vị khảo sát điền)"},
    )
    add(
        type="text",
        name="province",
        required="yes",
        chiso_role="unit",
        **{"label::Vietnamese (vi)": "Tỉnh/Thành phố"},
    )
    rt = choice_list(RESPONDENT_TYPES, "respondent_type")
    add(
        type=f"select_one {rt}",
        name="respondent_type",
        chiso_role="respondent_type",
        **{"label::Vietnamese (vi)": "Loại người trả lời"},
    )
    add(type="decimal", name="weight", chiso_role="weight", **{"label::Vietnamese (vi)": "Trọng số thiết kế"})
    add(type="text", name="stratum", chiso_role="stratum", **{"label::Vietnamese (vi)": "Tầng"})
    add(type="text", name="psu", chiso_role="psu", **{"label::Vietnamese (vi)": "Đơn vị mẫu cấp 1 (PSU)"})
    add(type="end_group", name="design")

    group = None
    for r in rows:
        code, content, scale = r["question_code"], r["content_type"], r["answer_scale_vi"]
        section = code.removeprefix(SOURCE_SET).split(".")[0].lower()  # a1 → a1, q9 → q9
        section = "a" if section.startswith("a") else section
        if section != group:
            if group is not None:
                add(type="end_group", name=group)
            add(
                type="begin_group", name=section, **{"label::Vietnamese (vi)": r["factor_vi"].split(" — ")[0]}
            )
            group = section
        label = r["question_vi"]
        common = {
            "name": _name(code),
            "label::Vietnamese (vi)": label,
            "chiso_content": content,
            "chiso_source": f"sipas_questionnaire.csv {code}",
        }
        if scale.strip() == "(open text)":
            add(type="text", **common)
            continue
        options = _options(scale)
        hint = {
            "satisfaction": "satisfaction5",
            "expectation": "expectation4",
        }.get(content, _name(code).split("_")[0])
        kind = "select_multiple" if "(Chọn nhiều)" in label else "select_one"
        fields = dict(common, type=f"{kind} {choice_list(options, hint)}")
        if content == "satisfaction":
            fields.update(chiso_factor=r["factor_code"], chiso_criterion=r["factor_vi"], required="yes")
        add(**fields)
    if group is not None:
        add(type="end_group", name=group)

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "survey"
    xlsx.append(sheet, SURVEY_COLUMNS)
    for row in survey:
        xlsx.append(sheet, [row[c] for c in SURVEY_COLUMNS])
    sheet = book.create_sheet("choices")
    xlsx.append(sheet, ["list_name", "name", "label::Vietnamese (vi)"])
    for choice in choices:
        xlsx.append(sheet, list(choice))
    sheet = book.create_sheet("settings")
    keys = [
        (
            "form_title",
            "Phiếu khảo sát sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)",
        ),
        ("form_id", "chiso_sipas_1001"),
        ("version", "2026-tt-1"),
        ("default_language", "Vietnamese (vi)"),
        ("chiso_satisfied", "top2"),
        ("chiso_respondent_types", " ".join(code for code, _ in RESPONDENT_TYPES)),
        ("chiso_default_respondent_type", "citizen"),
        ("chiso_unit_level", "province"),
        ("chiso_source", SETTINGS_SOURCE),
    ]
    xlsx.append(sheet, [k for k, _ in keys])
    xlsx.append(sheet, [v for _, v in keys])
    sheet = book.create_sheet("chiso_factors")
    xlsx.append(sheet, ["code", "name_vi", "name_en", "content"])
    for factor in FACTORS:
        xlsx.append(sheet, list(factor))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def sipas_form() -> Form:
    """The shipped SIPAS form (``chiso/data/surveys/sipas-1001.xlsx``)."""
    from chiso.data import data_path

    return read_xlsform(data_path(*SHIPPED))
