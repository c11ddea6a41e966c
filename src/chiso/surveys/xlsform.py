"""Read an XLSForm (the KoboToolbox / ODK form format) with chiso's extra columns.

Đọc bảng hỏi XLSForm (định dạng của KoboToolbox / ODK) cùng các cột bổ sung của chiso.

Standard sheets and columns read: ``survey`` (type, name, label or label::<language>, required,
relevant), ``choices`` (list_name, name, label…), ``settings`` (form_title, form_id, version).

chiso's extra columns — ignored by Kobo/ODK, so the same file is deployed and analysed:

survey sheet
    ``chiso_factor``           factor code the question feeds (e.g. ``F1``); empty: not in any index.
    ``chiso_criterion``        criterion / heading the question belongs to (free text).
    ``chiso_satisfied``        answers counted as satisfied: choice names separated by spaces
                               (``"4 5"``) or a rule ``topN`` (the N highest codes; the N last
                               choices if codes are not numbers). Empty: the form's default.
    ``chiso_content``          ``satisfaction`` | ``perception`` | ``expectation`` | ``background``;
                               only satisfaction items (or items with no content) enter ``overall``.
    ``chiso_respondent_type``  respondent types asked this question, separated by spaces; empty: all.
    ``chiso_role``             design field: ``unit`` | ``respondent_type`` | ``weight`` |
                               ``stratum`` | ``psu``.
    ``chiso_source``           where the question's wording comes from.

settings sheet
    ``chiso_satisfied``        default satisfied rule (``top2`` if absent).
    ``chiso_respondent_types`` allowed respondent types, separated by spaces.
    ``chiso_default_respondent_type``  type of every respondent when no respondent_type field.
    ``chiso_unit_level``       ``province`` (resolved with the province registry) or ``free``.
    ``chiso_source``           provenance of the form.

Optional sheet ``chiso_factors``: code, name_vi, name_en, content — factor names for reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiso.core.uploads import FileRefused, Workbook
from chiso.engine.i18n import gettext as _
from chiso.engine.i18n import localized
from chiso.engine.survey import Item

ROLES = ("unit", "respondent_type", "weight", "stratum", "psu")
DEFAULT_SATISFIED = "top2"
_TOP = re.compile(r"^top\s*(\d+)$", re.IGNORECASE)


class FormError(ValueError):
    """An XLSForm chiso cannot use; the message names the sheet, row and column."""


@dataclass(frozen=True)
class Choice:
    """One answer option: `name` is the code stored in exports, `label` what respondents read."""

    name: str
    label: str


@dataclass(frozen=True)
class Question:
    """One field of the form (groups are flattened into `path`)."""

    name: str
    type: str
    label: str
    path: tuple[str, ...] = ()
    list_name: str | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    relevant: str = ""
    factor: str | None = None
    criterion: str | None = None
    satisfied: tuple[str, ...] = ()
    satisfied_rule: str = ""
    content: str | None = None
    respondent_types: tuple[str, ...] = ()
    role: str | None = None
    source: str = ""

    @property
    def header(self) -> str:
        """The Kobo "group/question" header of this field."""
        return "/".join((*self.path, self.name))

    @property
    def is_select_one(self) -> bool:
        return self.type == "select_one"

    @property
    def is_select_multiple(self) -> bool:
        return self.type == "select_multiple"

    def asked_of(self, respondent_type: str) -> bool:
        return not self.respondent_types or respondent_type in self.respondent_types


@dataclass(frozen=True)
class Factor:
    code: str
    name_vi: str
    name_en: str = ""
    content: str = ""

    @property
    def name(self) -> str:
        """The factor's name in the active language."""
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class Form:
    """A questionnaire: its fields, factors, settings and the satisfied rule in force."""

    form_id: str
    title: str
    version: str
    questions: tuple[Question, ...]
    factors: tuple[Factor, ...] = ()
    respondent_types: tuple[str, ...] = ()
    default_respondent_type: str = "citizen"
    satisfied_default: str = DEFAULT_SATISFIED
    unit_level: str = "province"
    source: str = ""
    settings: dict[str, str] = field(default_factory=dict)

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)

    def role(self, role: str) -> Question | None:
        """The field playing a design role (unit, weight …), if the form has one."""
        return next((q for q in self.questions if q.role == role), None)

    @property
    def indexed(self) -> list[Question]:
        """Questions that feed a factor (and so the satisfaction indices)."""
        return [q for q in self.questions if q.factor]

    def items(self, satisfied: Iterable[str] | None = None) -> list[Item]:
        """Engine items for the indexed questions; `satisfied` overrides every question's codes."""
        override = tuple(satisfied) if satisfied is not None else None
        return [
            Item(
                code=q.name,
                satisfied=override if override is not None else q.satisfied,
                factor=q.factor,
                in_overall=q.content in (None, "", "satisfaction"),
            )
            for q in self.indexed
        ]

    def satisfied_description(self, satisfied: Iterable[str] | None = None) -> str:
        """The satisfied rule as recorded with results, e.g. ``"top2 → 4 5"``."""
        if satisfied is not None:
            return f"answers {' '.join(satisfied)} (given)"
        rules = sorted({f"{q.satisfied_rule} → {' '.join(q.satisfied)}" for q in self.indexed})
        return "; ".join(rules) if rules else "none"


def nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text)).strip()


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(value)


def _sheet_rows(workbook: Workbook, name: str, required: bool = True) -> list[tuple[int, dict[str, str]]]:
    sheets = {s.lower(): s for s in workbook.sheetnames}
    if name not in sheets:
        if required:
            raise FormError(_("Thiếu trang {sheet!r}.").format(sheet=name))
        return []
    rows = iter(workbook.rows(sheets[name]))
    header = next(rows, None)
    if header is None:
        raise FormError(_("Trang {sheet!r} trống.").format(sheet=name))
    keys = [_cell(h).lower() if h is not None else "" for h in header]
    out = []
    for number, values in enumerate(rows, start=2):
        record = {k: _cell(v) for k, v in zip(keys, values, strict=False) if k}
        if any(record.values()):
            out.append((number, record))
    return out


def _label_key(record_keys: Iterable[str]) -> str | None:
    labels = [k for k in record_keys if k == "label" or k.startswith("label::")]
    for preferred in ("label::vietnamese (vi)", "label::vi", "label"):
        if preferred in labels:
            return preferred
    return labels[0] if labels else None


def resolve_satisfied(rule: str, choices: tuple[Choice, ...], where: str = "") -> tuple[str, ...]:
    """The choice names counted as satisfied under `rule` (``topN`` or names separated by spaces)."""
    names = [c.name for c in choices]
    match = _TOP.match(rule)
    if match:
        k = int(match.group(1))
        if not 0 < k < len(names):
            raise FormError(
                where
                + _("quy tắc {rule!r} không hợp với thang {levels} mức.").format(rule=rule, levels=len(names))
            )
        try:
            ordered = sorted(names, key=float)
        except ValueError:
            ordered = names
        return tuple(ordered[-k:])
    codes = tuple(rule.replace(",", " ").split())
    unknown = [c for c in codes if names and c not in names]
    if unknown:
        raise FormError(
            where + _("đáp án {answers} không có trong thang.").format(answers=", ".join(unknown))
        )
    return codes


def read_xlsform(source: str | Path | bytes) -> Form:
    """Read an XLSForm workbook (path or bytes) into a `Form`; raises `FormError` naming the place."""
    try:
        with Workbook(source, "XLSForm") as workbook:
            survey = _sheet_rows(workbook, "survey")
            choice_rows = _sheet_rows(workbook, "choices", required=False)
            settings_rows = _sheet_rows(workbook, "settings", required=False)
            factor_rows = _sheet_rows(workbook, "chiso_factors", required=False)
    except FileRefused as exc:
        raise FormError(_("Không đọc được tệp XLSForm: {error}").format(error=exc)) from exc
    settings = settings_rows[0][1] if settings_rows else {}

    choices: dict[str, list[Choice]] = {}
    if choice_rows:
        label_key = _label_key(choice_rows[0][1].keys())
        for number, rec in choice_rows:
            choice_list, name = rec.get("list_name") or rec.get("list name", ""), rec.get("name", "")
            if not choice_list or not name:
                raise FormError(_("Trang choices, dòng {row}: thiếu list_name hoặc name.").format(row=number))
            choices.setdefault(choice_list, []).append(Choice(name, rec.get(label_key or "", "") or name))

    default_rule = settings.get("chiso_satisfied") or DEFAULT_SATISFIED
    label_key = _label_key(survey[0][1].keys()) if survey else None
    path: list[str] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for number, rec in survey:
        where = _("Trang survey, dòng {row}: ").format(row=number)
        kind = rec.get("type", "").replace("  ", " ")
        name = rec.get("name", "")
        lowered = kind.lower()
        if lowered in ("begin group", "begin_group"):
            path.append(name)
            continue
        if lowered in ("end group", "end_group"):
            if not path:
                raise FormError(where + _("end group không có begin group."))
            path.pop()
            continue
        if lowered in ("begin repeat", "begin_repeat"):
            raise FormError(where + _("chưa hỗ trợ nhóm lặp (repeat)."))
        if not kind or lowered in ("note", "end repeat", "end_repeat"):
            continue
        if not name:
            raise FormError(where + _("thiếu tên câu hỏi (cột name)."))
        if name in seen:
            raise FormError(where + _("tên {name!r} bị trùng.").format(name=name))
        seen.add(name)
        parts = kind.split()
        base, list_name = parts[0], (parts[1] if len(parts) > 1 else None)
        options: tuple[Choice, ...] = ()
        if base in ("select_one", "select_multiple"):
            if list_name not in choices:
                raise FormError(
                    where
                    + _("danh sách đáp án {list!r} không có trong trang choices.").format(list=list_name)
                )
            options = tuple(choices[list_name])
        factor = rec.get("chiso_factor") or None
        role = rec.get("chiso_role") or None
        if role and role not in ROLES:
            raise FormError(
                where
                + _("chiso_role {role!r} không hợp lệ; dùng {roles}.").format(
                    role=role, roles=", ".join(ROLES)
                )
            )
        satisfied: tuple[str, ...] = ()
        rule = ""
        if factor:
            if base != "select_one":
                raise FormError(
                    where + _("câu {name!r} có chiso_factor nhưng không phải select_one.").format(name=name)
                )
            rule = rec.get("chiso_satisfied") or default_rule
            satisfied = resolve_satisfied(rule, options, where)
        questions.append(
            Question(
                name=name,
                type=base,
                label=rec.get(label_key or "", "") or name,
                path=tuple(path),
                list_name=list_name,
                choices=options,
                required=rec.get("required", "").lower() in ("yes", "true", "true()", "1"),
                relevant=rec.get("relevant", ""),
                factor=factor,
                criterion=rec.get("chiso_criterion") or None,
                satisfied=satisfied,
                satisfied_rule=rule,
                content=rec.get("chiso_content") or None,
                respondent_types=tuple(rec.get("chiso_respondent_type", "").split()),
                role=role,
                source=rec.get("chiso_source", ""),
            )
        )
    if path:
        raise FormError(_("Nhóm {group!r} không được đóng (end group).").format(group=path[-1]))
    factors = tuple(
        Factor(r.get("code", ""), r.get("name_vi", ""), r.get("name_en", ""), r.get("content", ""))
        for _row, r in factor_rows
        if r.get("code")
    )
    return Form(
        form_id=settings.get("form_id", ""),
        title=settings.get("form_title", ""),
        version=settings.get("version", ""),
        questions=tuple(questions),
        factors=factors,
        respondent_types=tuple(settings.get("chiso_respondent_types", "").split()),
        default_respondent_type=settings.get("chiso_default_respondent_type") or "citizen",
        satisfied_default=default_rule,
        unit_level=settings.get("chiso_unit_level") or "province",
        source=settings.get("chiso_source", ""),
        settings=settings,
    )
