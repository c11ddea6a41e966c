"""Indices as data: reading, checking and saving them (the built-in file, `chiso indices import`,
`chiso indices add`, a framework file that carries its index, the officer's index pages).

The format is that of `chiso/data/indices.yaml`: a list of entries with `code`, `short_name`,
`name_vi`, `name_en`, `publisher`, `legal_basis`, `unit_levels`, `max_points` or `percent`,
`precision`, `groups`, `share_of_max`, `peer_nouns` and `aliases`. Every problem names the entry and
the field; a file with a problem writes nothing.

An index's ranking precision, group rule and ranked level decide the figures of the frameworks that
inherit them: when figures were computed on such a framework (a result set, a started cycle), they
do not change (`IndexInUse`, raised by `save_index` whatever the path).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core.limits import field_problem
from chiso.core.logs import logged_import
from chiso.core.safe_yaml import load_yaml
from chiso.core.uploads import capped
from chiso.engine.frameworks import (
    BANDS,
    QUARTILES,
    FrameworkError,
    GroupBand,
    GroupRule,
    framework_from_dict,
    group_rule_to_dict,
)
from chiso.engine.indices import DEFAULT_PEER_NOUNS, GROUP_METHODS, NAMED_GROUPS, NO_GROUPS
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.frameworks.models import Index
from chiso.frameworks.usage import in_use

FIELDS = (
    "code",
    "short_name",
    "name_vi",
    "name_en",
    "publisher",
    "legal_basis",
    "unit_levels",
    "max_points",
    "percent",
    "precision",
    "groups",
    "share_of_max",
    "peer_nouns",
    "aliases",
)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# The PAR INDEX bands, which `groups: bands` means when no thresholds are given.
STANDARD_BANDS = (("Nhóm A", "Group A", 90), ("Nhóm B", "Group B", 80), ("Nhóm C", "Group C", 70))


class IndexDataError(ValueError):
    """Index data that cannot be saved; `problems` name the entry and the field."""

    def __init__(self, problems: list[str]) -> None:
        self.total = len(problems)
        self.problems = capped(problems)
        super().__init__("\n".join(self.problems))


class IndexInUse(IndexDataError):
    """A change of an index that would change figures computed on a framework inheriting from it."""


def standard_groups(method: str) -> dict[str, Any]:
    """The dictionary form of `groups: none | quartiles | bands` written without details."""
    if method == NO_GROUPS:
        return {"method": NO_GROUPS}
    if method == QUARTILES:
        return group_rule_to_dict(GroupRule())
    bands = [GroupBand(vi, Decimal(p), en) for vi, en, p in STANDARD_BANDS]
    bands.append(GroupBand("Nhóm D", Decimal(0), "Group D"))
    return group_rule_to_dict(
        GroupRule(
            method=BANDS,
            labels_vi=tuple(b.label_vi for b in bands),
            labels_en=tuple(b.label_en for b in bands),
            bands=bands,
        )
    )


def known_levels() -> tuple[str, ...]:
    """The unit levels an index may assess without naming their peer noun."""
    return tuple(DEFAULT_PEER_NOUNS)


class _Checker:
    """Collects the problems of one entry, each naming the entry and the field."""

    def __init__(self, entry: str) -> None:
        self.entry = entry
        self.problems: list[str] = []
        self.by_field: list[tuple[str, str]] = []

    def fail(self, field: str, problem: str) -> None:
        self.by_field.append((field, problem))
        self.problems.append(
            _("Chỉ số {entry}, trường {field}: {problem}").format(
                entry=self.entry, field=field, problem=problem
            )
        )

    def text(self, data: dict[str, Any], field: str, required: bool = False) -> str:
        """The field's text, checked against the model's column (its length, no control characters)."""
        value = data.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, _("bắt buộc"))
            return ""
        if not isinstance(value, str | int | float):
            self.fail(field, _("phải là một chuỗi chữ"))
            return ""
        text = str(value).strip()
        problem = field_problem(Index, field, text)
        if problem is not None:
            self.fail(field, problem)
        return text

    def flag(self, data: dict[str, Any], field: str) -> bool:
        value = data.get(field, False)
        if not isinstance(value, bool):
            self.fail(field, _("phải là true hoặc false"))
            return False
        return value


def _groups(check: _Checker, value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {"method": NO_GROUPS}
    if isinstance(value, str):
        method = NAMED_GROUPS if value == "named" else value
        if method not in (NO_GROUPS, QUARTILES, BANDS):
            check.fail("groups", _("phải là none, quartiles, bands hoặc một mục có method"))
            return {"method": NO_GROUPS}
        return standard_groups(method)
    if not isinstance(value, dict):
        check.fail("groups", _("phải là none, quartiles, bands hoặc một mục có method"))
        return {"method": NO_GROUPS}
    method = str(value.get("method") or "")
    method = NAMED_GROUPS if method == "named" else method
    if method not in GROUP_METHODS:
        check.fail("groups.method", _("phải là một trong {choices}").format(choices=", ".join(GROUP_METHODS)))
        return {"method": NO_GROUPS}
    if method == NO_GROUPS:
        return {"method": NO_GROUPS}
    data = standard_groups(method) if method in (QUARTILES, BANDS) else {"method": method, "bands": []}
    for key in ("labels_vi", "labels_en"):
        if key in value:
            labels = value[key]
            if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
                check.fail(f"groups.{key}", _("phải là danh sách tên nhóm"))
            else:
                data[key] = labels
    if method == NAMED_GROUPS and not data.get("labels_vi"):
        check.fail("groups.labels_vi", _("nhóm do đơn vị công bố cần danh sách tên nhóm"))
    if "bands" in value:
        bands = []
        for i, band in enumerate(value["bands"] or []):
            where = f"groups.bands[{i}]"
            if not isinstance(band, dict) or not band.get("label_vi"):
                check.fail(where, _("cần label_vi và min_percent"))
                continue
            try:
                minimum = parse_decimal(band.get("min_percent", 0))
            except NumberError as exc:
                check.fail(f"{where}.min_percent", str(exc))
                continue
            bands.append(
                {
                    "label_vi": str(band["label_vi"]),
                    "label_en": str(band.get("label_en") or ""),
                    "min_percent": format(minimum, "f"),
                }
            )
        data["bands"] = bands
        data["labels_vi"] = [b["label_vi"] for b in bands]
        data["labels_en"] = [b["label_en"] for b in bands]
    if method == BANDS and not data["bands"]:
        check.fail("groups.bands", _("nhóm theo ngưỡng cần ít nhất một ngưỡng"))
    return data


def clean_index(data: Any, entry: str) -> tuple[dict[str, Any], list[str]]:
    """The values of one index entry, ready for the model, and the problems found (empty: valid)."""
    values, check = _clean(data, entry)
    return values, check.problems


def check_index(data: Any, entry: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """As `clean_index`, with each problem as (field, problem) for a form to show beside its field."""
    values, check = _clean(data, entry)
    return values, check.by_field


def _clean(data: Any, entry: str) -> tuple[dict[str, Any], _Checker]:
    check = _Checker(entry)
    if not isinstance(data, dict):
        check.fail("-", _("phải là một mục có các trường"))
        return {}, check
    data = dict(data)
    if "unit_level" in data and "unit_levels" not in data:
        data["unit_levels"] = [data.pop("unit_level")]
    for unknown in sorted(set(data) - set(FIELDS)):
        check.fail(unknown, _("trường không có trong định dạng chỉ số"))
    values: dict[str, Any] = {}
    code = str(data.get("code") or "").strip()
    if not code:
        check.fail("code", _("bắt buộc"))
    elif not _CODE.match(code):
        check.fail("code", _("chỉ gồm chữ thường không dấu, số, '_' và '-', tối đa 40 ký tự"))
    values["code"] = code
    values["name_vi"] = check.text(data, "name_vi", required=True)
    values["short_name"] = check.text(data, "short_name") or code.upper()
    values["name_en"] = check.text(data, "name_en")
    values["publisher"] = check.text(data, "publisher")
    values["legal_basis"] = check.text(data, "legal_basis")

    nouns = data.get("peer_nouns") or {}
    if not isinstance(nouns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in nouns.items()
    ):
        check.fail("peer_nouns", _("phải là một mục cấp: danh từ, ví dụ district: huyện, thị xã, thành phố"))
        nouns = {}
    values["peer_nouns"] = {k: v.strip() for k, v in nouns.items() if v.strip()}

    levels = data.get("unit_levels")
    if isinstance(levels, str):
        levels = [levels]
    if not levels or not isinstance(levels, list) or not all(isinstance(x, str) and x for x in levels):
        check.fail("unit_levels", _("cần ít nhất một cấp đơn vị, ví dụ [province]"))
        levels = []
    for level in levels:
        if level not in DEFAULT_PEER_NOUNS and level not in values["peer_nouns"]:
            check.fail(
                "unit_levels",
                _(
                    "cấp {level!r} chưa biết: các cấp đã biết là {known}; cấp khác cần danh từ trong peer_nouns"
                ).format(level=level, known=", ".join(known_levels())),
            )
    values["unit_levels"] = list(dict.fromkeys(levels))

    values["percent"] = check.flag(data, "percent")
    maximum = data.get("max_points")
    values["max_points"] = None
    if maximum not in (None, "", "unknown"):
        try:
            values["max_points"] = parse_decimal(maximum)
            if values["max_points"] <= 0:
                check.fail("max_points", _("phải lớn hơn 0"))
            elif (problem := field_problem(Index, "max_points", values["max_points"])) is not None:
                check.fail("max_points", problem)
                values["max_points"] = None
        except NumberError as exc:
            check.fail("max_points", str(exc))
    if values["percent"] and values["max_points"] not in (None, Decimal(100)):
        check.fail("max_points", _("chỉ số tính theo phần trăm có tối đa 100"))
    precision = data.get("precision", 2)
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 6:
        check.fail("precision", _("phải là số nguyên từ 0 đến 6"))
        precision = 2
    values["precision"] = precision
    values["groups"] = _groups(check, data.get("groups"))
    values["share_of_max"] = check.flag(data, "share_of_max")
    if values["share_of_max"] and values["max_points"] is None and not values["percent"]:
        check.fail("share_of_max", _("cần điểm tối đa (max_points) để nêu tỷ lệ %"))
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        check.fail("aliases", _("phải là danh sách tên"))
        aliases = []
    values["aliases"] = [a.strip() for a in aliases if a.strip()]
    return values, check


def index_for_audit(index: Index) -> dict[str, Any]:
    """An index as the audit log keeps it (plain JSON: the maximum as text)."""
    data = index_to_dict(index)
    data["max_points"] = None if index.max_points is None else format(data["max_points"], "f")
    return {"index": index.code, **data}


def index_to_dict(index: Index) -> dict[str, Any]:
    """An index in the data-file format (what `chiso indices show --format yaml` prints)."""
    return {
        "code": index.code,
        "short_name": index.short_name,
        "name_vi": index.name_vi,
        "name_en": index.name_en,
        "publisher": index.publisher,
        "legal_basis": index.legal_basis,
        "unit_levels": index.levels,
        "max_points": None if index.max_points is None else index.max_points.normalize(),
        "percent": index.percent,
        "precision": index.precision,
        "groups": index.groups or {"method": NO_GROUPS},
        "share_of_max": index.share_of_max,
        "peer_nouns": dict(index.peer_nouns or {}),
        "aliases": list(index.aliases or []),
    }


def differences(index: Index, values: dict[str, Any], only: set[str] | None = None) -> list[str]:
    """The fields (all, or those in `only`) on which an existing index differs from cleaned `values`."""
    current = index_to_dict(index)
    changed = []
    for field in FIELDS:
        if only is not None and field not in only:
            continue
        old, new = current.get(field), values.get(field)
        if field == "max_points":
            old = None if old is None else Decimal(old)
        if old != new:
            changed.append(field)
    return changed


def change_refusal(index: Index, values: dict[str, Any]) -> str:
    """Why `index` may not take the cleaned `values`, or "": a change of the ranking precision or of
    the group rule that a framework in use inherits, or of the ranked level (the peers of its result
    sets), would change figures already computed."""
    changed = set(differences(index, values, only={"precision", "groups"}))
    if (values.get("unit_levels") or [index.unit_level])[0] != index.unit_level:
        changed.add("unit_levels")
    if not changed:
        return ""
    for framework in index.frameworks.order_by("code"):
        try:
            inherited = framework_from_dict(framework.definition).ranking.inherited
        except FrameworkError:
            inherited = frozenset({"precision", "groups"})
        fields = sorted(f for f in changed if f in inherited or f == "unit_levels")
        if not fields:
            continue
        use = in_use(framework)
        if use:
            return _(
                "Chỉ số {code}: không đổi được {fields} vì khung {framework} dùng giá trị này và đã được "
                "dùng cho {use}; các số liệu đã tính phải giữ nguyên. Hãy tạo chỉ số mới, hoặc khung "
                "phiên bản mới có giá trị riêng."
            ).format(code=index.code, fields=", ".join(fields), framework=framework.code, use=use)
    return ""


def save_index(values: dict[str, Any], index: Index | None = None) -> Index:
    """Create (or, given `index`, update) an index from cleaned values; `IndexInUse` when the change
    would change figures already computed (`change_refusal`)."""
    if index is not None:
        refusal = change_refusal(index, values)
        if refusal:
            raise IndexInUse([refusal])
    index = index or Index(code=values["code"])
    for field, value in values.items():
        if field != "code":
            setattr(index, field, value)
    index.save()
    return index


def read_indices_yaml(text: str) -> list[Any]:
    """The entries of an index file, or IndexDataError."""
    try:
        entries = load_yaml(text)
    except yaml.YAMLError as exc:
        raise IndexDataError([_("Tệp YAML không đọc được: {error}").format(error=exc)]) from exc
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not entries:
        raise IndexDataError([_("Tệp chỉ số phải là danh sách các chỉ số (mỗi mục có code, name_vi …).")])
    return entries


def clean_all(entries: list[Any]) -> list[dict[str, Any]]:
    """Every entry checked; IndexDataError with all the problems when any entry has one."""
    cleaned, problems = [], []
    seen: set[str] = set()
    for i, entry in enumerate(entries, start=1):
        name = entry.get("code") if isinstance(entry, dict) and entry.get("code") else f"#{i}"
        values, found = clean_index(entry, str(name))
        if values.get("code") in seen:
            found.append(_("Chỉ số {entry}: mã trùng trong tệp").format(entry=name))
        seen.add(values.get("code", ""))
        problems.extend(found)
        cleaned.append(values)
    if problems:
        raise IndexDataError(problems)
    return cleaned


@logged_import("indices")
@transaction.atomic
def import_indices(text: str) -> list[tuple[Index, str]]:
    """Create or update the indices of an index file; returns (index, "created" | "updated" |
    "unchanged") for each. Nothing is written when any entry has a problem."""
    done = []
    for values in clean_all(read_indices_yaml(text)):
        existing = Index.objects.filter(code=values["code"]).first()
        if existing is not None and not differences(existing, values):
            done.append((existing, "unchanged"))
            continue
        done.append((save_index(values, existing), "updated" if existing else "created"))
    return done


def ensure_index(data: Any, entry: str = "index") -> tuple[Index, bool]:
    """The index a framework file carries (its `index:` mapping): created when it does not exist;
    refused, naming the fields, when it exists with different data. Returns (index, created)."""
    if not isinstance(data, dict):
        raise IndexDataError([_("Chỉ số {entry}: phải là một mục có các trường").format(entry=entry)])
    existing = Index.objects.filter(code=str(data.get("code") or "")).first()
    given = set(data) | ({"unit_levels"} if "unit_level" in data else set())
    # Fields the file leaves out are not compared: they are the existing index's.
    complete = {**index_to_dict(existing), **data} if existing is not None else data
    if existing is not None and "unit_level" in data:
        complete.pop("unit_levels", None)
    values, problems = clean_index(complete, str(data.get("code") or entry))
    if problems:
        raise IndexDataError(problems)
    if existing is None:
        return save_index(values), True
    changed = differences(existing, values, only=given)
    if changed:
        raise IndexDataError(
            [
                _("Chỉ số {code} đã có với dữ liệu khác ở các trường: {fields}.").format(
                    code=values["code"], fields=", ".join(changed)
                )
            ]
        )
    return existing, False
