"""Framework files: YAML (the built-in and user-written form) and Excel (for people who keep their
criteria tables in a spreadsheet).

YAML numbers are read as Decimal, never float, so "7.5" stays exactly 7.5 points.

The Excel form has two sheets:
- "Khung": one row per node in tree order, columns code, parent_code, level, name_vi, name_en,
  max_points, method, evidence_required, rule_type, rule_params (JSON text), note, weight (with
  `weighted` aggregation: the node's weight in its parent, empty when unknown);
- "Thông tin": the framework's metadata as key / value rows (structured values as JSON text).

Every problem raises FrameworkError; for Excel the message names the row and the column.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

from chiso.core import xlsx
from chiso.core.limits import field_problem, text_problem
from chiso.core.safe_yaml import load_yaml
from chiso.core.uploads import FileRefused, decode_text
from chiso.core.uploads import Workbook as ReadWorkbook
from chiso.engine.frameworks import (
    METHODS,
    PUBLISHED,
    Framework,
    FrameworkError,
    framework_from_dict,
    framework_to_dict,
)
from chiso.engine.i18n import gettext as _
from chiso.engine.numbers import NumberError, parse_decimal
from chiso.frameworks.models import Framework as FrameworkRow

# The deepest tree a framework file may hold (PAPI has four levels, root included).
MAX_TREE_DEPTH = 20

# -- YAML -------------------------------------------------------------------------------------------


class _DecimalDumper(yaml.SafeDumper):
    """A safe dumper that writes Decimal as a plain YAML number."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." in text:
        return dumper.represent_scalar("tag:yaml.org,2002:float", text)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


_DecimalDumper.add_representer(Decimal, _represent_decimal)

# Fields of the dictionary form written by framework_to_dict as text but meaning numbers.
_NUMERIC_KEYS = {"max_points", "min_percent", "adjusted_floor", "adjusted_cap"}


def _numbers_as_decimals(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _numbers_as_decimals(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_decimals(v, key) for v in value]
    if key in _NUMERIC_KEYS and isinstance(value, str) and value != "unknown":
        return Decimal(value)
    return value


def load_framework_yaml(path_or_text: str | Path) -> Framework:
    """A framework from a YAML file (a Path, or a str naming an existing .yaml/.yml file) or YAML text."""
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and path_or_text.endswith((".yaml", ".yml"))
    ):
        path = Path(path_or_text)
        try:
            text = decode_text(path.read_bytes(), path.name)
        except OSError as exc:
            raise FrameworkError(
                _("Không đọc được tệp {name}: {error}").format(name=path.name, error=exc)
            ) from exc
        except FileRefused as exc:
            raise FrameworkError(str(exc)) from exc
        where = path.name
    else:
        text = str(path_or_text)
        where = "YAML"
    try:
        data = load_yaml(text, decimals=True)
    except yaml.YAMLError as exc:
        raise FrameworkError(_("{where}: YAML không hợp lệ: {error}").format(where=where, error=exc)) from exc
    return _framework(data, where)


def _framework(data: Any, where: str) -> Framework:
    """The framework of a file's data, checked to fit the database; FrameworkError naming `where`."""
    try:
        framework = framework_from_dict(data)
    except FrameworkError as exc:
        raise FrameworkError(f"{where}: {exc}") from exc
    except RecursionError:
        raise FrameworkError(
            _("{where}: cây tiêu chí sâu quá {limit} cấp").format(where=where, limit=MAX_TREE_DEPTH)
        ) from None
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as exc:
        raise FrameworkError(
            _("{where}: cấu trúc không hợp lệ: {error}").format(where=where, error=exc)
        ) from exc
    problems = storable_problems(framework)
    if problems:
        raise FrameworkError(f"{where}: " + "; ".join(problems))
    return framework


def storable_problems(framework: Framework) -> list[str]:
    """What the framework's stored fields cannot hold (lengths, years, tree depth)."""
    problems = []
    for field, value in (
        ("code", framework.code),
        ("name_vi", framework.name_vi),
        ("scope", framework.scope),
        ("status", framework.status),
        ("first_year", framework.first_year),
        ("last_year", framework.last_year),
    ):
        if (
            field.endswith("_year")
            and value is not None
            and (isinstance(value, bool) or not isinstance(value, int))
        ):
            problem: str | None = _("{value!r} không phải năm").format(value=value)
        else:
            problem = field_problem(FrameworkRow, field, value)
        if problem is not None:
            problems.append(_("trường {field}: {problem}").format(field=field, problem=problem))
    depth, level = 0, [framework.root]
    while level:
        depth += 1
        if depth > MAX_TREE_DEPTH:
            problems.append(_("cây tiêu chí sâu quá {limit} cấp").format(limit=MAX_TREE_DEPTH))
            break
        level = [child for node in level for child in node.children]
    return problems


def dump_framework_yaml(framework: Framework) -> str:
    """The YAML text of a framework; `load_framework_yaml(dump_framework_yaml(f)) == f`."""
    data = _numbers_as_decimals(framework_to_dict(framework))
    return yaml.dump(data, Dumper=_DecimalDumper, sort_keys=False, allow_unicode=True, width=110)


# -- JSON for rule parameters (Decimal kept exact both ways) ----------------------------------------


def _to_json(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_to_json(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_to_json(v) for v in value) + "]"
    raise FrameworkError(_("không ghi được giá trị {value!r} thành JSON").format(value=value))


def _from_json(text: str) -> Any:
    """JSON text with numbers as Decimal; a ValueError for text chiso cannot store."""
    try:
        value = json.loads(text, parse_float=Decimal)
    except RecursionError:
        raise json.JSONDecodeError(_("lồng nhau quá sâu"), text, 0) from None
    problem = text_problem(value)
    if problem is not None:
        raise json.JSONDecodeError(problem, text, 0)
    return value


# -- Excel ------------------------------------------------------------------------------------------

FRAMEWORK_SHEET = "Khung"
INFO_SHEET = "Thông tin"
COLUMNS = (
    "code",
    "parent_code",
    "level",
    "name_vi",
    "name_en",
    "max_points",
    "method",
    "evidence_required",
    "rule_type",
    "rule_params",
    "note",
    "weight",
)
REQUIRED_COLUMNS = ("code", "parent_code", "name_vi", "max_points")
# Metadata rows of the "Thông tin" sheet; the structured ones are JSON text.
INFO_KEYS = (
    "code",
    "index",
    "name_vi",
    "name_en",
    "scope",
    "version",
    "first_year",
    "last_year",
    "status",
    "display_precision",
    "aggregation",
    "adjusted_floor",
    "adjusted_cap",
    "source",
    "note",
    "legal_basis",
    "ranking",
    "adjustments",
)
_JSON_INFO_KEYS = {"legal_basis", "ranking", "adjustments"}
_INT_INFO_KEYS = {"first_year", "last_year", "display_precision"}
_TRUE = {"true", "1", "x", "có", "co", "yes", "đúng"}
_FALSE = {"false", "0", "", "không", "khong", "no", "sai"}


def _cell(value: Any) -> Any:
    """A value as written into a cell: Decimal as a number, None as empty."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else value
    return value


def framework_to_xlsx(framework: Framework, path: str | Path) -> None:
    """Write the framework to an Excel workbook (sheets "Khung" and "Thông tin")."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = FRAMEWORK_SHEET
    xlsx.append(sheet, list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    parents = framework.parent_map()
    for node in framework.nodes():
        xlsx.append(
            sheet,
            [
                node.code,
                parents.get(node.code, ""),
                node.level,
                node.name_vi,
                node.name_en,
                _cell(node.max_points) if node.max_points is not None else "unknown",
                node.method,
                "x" if node.evidence_required else "",
                node.rule.type if node.rule else "",
                _to_json(node.rule.params) if node.rule and node.rule.params else "",
                node.note,
                _cell(node.weight) if node.weight is not None else "",
            ],
        )
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (10, 10, 12, 60, 40, 10, 10, 10, 18, 50, 40, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    info = book.create_sheet(INFO_SHEET)
    xlsx.append(info, ["key", "value"])
    for cell in info[1]:
        cell.font = Font(bold=True)
    data = framework_to_dict(framework)
    values: dict[str, Any] = {
        **{k: data.get(k) for k in INFO_KEYS},
        "first_year": framework.first_year,
        "last_year": framework.last_year,
        "aggregation": framework.aggregation,
    }
    for key in INFO_KEYS:
        value = values.get(key)
        if key in _JSON_INFO_KEYS:
            value = _to_json(value) if value else ""
        elif value is None:
            value = ""
        elif key in ("adjusted_floor", "adjusted_cap"):
            value = _cell(Decimal(value))
        xlsx.append(info, [key, value])
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 100
    book.save(path)


def _fail(row: int, column: str, problem: str) -> FrameworkError:
    """An error at one cell of the sheet; `problem` is already in the active language."""
    return FrameworkError(
        _("Dòng {row}, cột {column}: {problem}").format(row=row, column=column, problem=problem)
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_info(book: ReadWorkbook) -> dict[str, Any]:
    if INFO_SHEET not in book.sheetnames:
        raise FrameworkError(_("Thiếu trang '{sheet}'").format(sheet=INFO_SHEET))
    data: dict[str, Any] = {}
    for row_number, row in enumerate(book.rows(INFO_SHEET)[1:], start=2):
        if not row or row[0] in (None, ""):
            continue
        key = _text(row[0])
        value = row[1] if len(row) > 1 else None
        if key not in INFO_KEYS:
            raise _fail(row_number, "key", _("khóa không có: '{key}'").format(key=key))
        if key in _JSON_INFO_KEYS:
            text = _text(value)
            if not text:
                continue
            try:
                data[key] = _from_json(text)
            except json.JSONDecodeError as exc:
                raise _fail(
                    row_number, "value", _("JSON không hợp lệ ({error})").format(error=exc.msg)
                ) from None
        elif key in _INT_INFO_KEYS:
            text = _text(value)
            if text in ("", "None"):
                continue
            try:
                data[key] = int(text)
            except ValueError:
                raise _fail(
                    row_number, "value", _("'{value}' không phải số nguyên").format(value=text)
                ) from None
        else:
            data[key] = (
                ""
                if value is None
                else (value if key in ("adjusted_floor", "adjusted_cap") else _text(value))
            )
    if "first_year" in data or "last_year" in data:
        data["years"] = {"first": data.pop("first_year", None), "last": data.pop("last_year", None)}
    for key in ("adjusted_floor", "adjusted_cap"):
        if data.get(key) in ("", None):
            data.pop(key, None)
    return data


def _header(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    header_row = rows[0] if rows else None
    if header_row is None:
        raise FrameworkError(_("Trang '{sheet}' trống").format(sheet=FRAMEWORK_SHEET))
    columns: dict[str, int] = {}
    for i, name in enumerate(header_row):
        text = _text(name).lower()
        if not text:
            continue
        if text in columns:
            raise _fail(1, text, _("cột bị lặp"))
        columns[text] = i
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise FrameworkError(
                _("Trang '{sheet}' thiếu cột '{column}'").format(sheet=FRAMEWORK_SHEET, column=name)
            )
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        raise FrameworkError(
            _("Trang '{sheet}': cột không có: {columns}").format(
                sheet=FRAMEWORK_SHEET, columns=", ".join(unknown)
            )
        )
    return columns


def _node_from_row(row_number: int, get: Any) -> dict[str, Any]:
    code = _text(get("code"))
    node: dict[str, Any] = {"code": code}
    name_vi = _text(get("name_vi"))
    if not name_vi:
        raise _fail(row_number, "name_vi", _("thiếu tên"))
    node["name_vi"] = name_vi
    for key in ("name_en", "level", "note"):
        if _text(get(key)):
            node[key] = _text(get(key))
    raw_max = get("max_points")
    if raw_max is None or _text(raw_max).lower() in ("", "unknown", "?"):
        node["max_points"] = None
    else:
        try:
            node["max_points"] = parse_decimal(raw_max)
        except NumberError:
            raise _fail(
                row_number, "max_points", _("'{value}' không phải số").format(value=raw_max)
            ) from None
    raw_weight = get("weight")
    if _text(raw_weight):
        try:
            node["weight"] = parse_decimal(raw_weight)
        except NumberError:
            raise _fail(row_number, "weight", _("'{value}' không phải số").format(value=raw_weight)) from None
    method = _text(get("method")) or PUBLISHED
    if method not in METHODS:
        raise _fail(
            row_number,
            "method",
            _("'{method}' không phải phương pháp đánh giá ({known})").format(
                method=method, known=", ".join(METHODS)
            ),
        )
    node["method"] = method
    evidence = get("evidence_required")
    evidence_text = _text(evidence).lower()
    if isinstance(evidence, bool):
        node["evidence_required"] = evidence
    elif evidence_text in _TRUE:
        node["evidence_required"] = True
    elif evidence_text in _FALSE:
        node["evidence_required"] = False
    else:
        raise _fail(
            row_number,
            "evidence_required",
            _("'{value}' không phải có/không (x, có, không, true, false)").format(value=evidence),
        )
    rule_type = _text(get("rule_type"))
    params_text = _text(get("rule_params"))
    if params_text and not rule_type:
        raise _fail(row_number, "rule_params", _("có tham số nhưng thiếu rule_type"))
    if rule_type:
        params: Any = {}
        if params_text:
            try:
                params = _from_json(params_text)
            except json.JSONDecodeError as exc:
                raise _fail(
                    row_number, "rule_params", _("JSON không hợp lệ ({error})").format(error=exc.msg)
                ) from None
            if not isinstance(params, dict):
                raise _fail(row_number, "rule_params", _("phải là một đối tượng JSON {…}"))
        node["rule"] = {"type": rule_type, "params": params}
    return node


def framework_from_xlsx(path: str | Path) -> Framework:
    """Read a framework written by `framework_to_xlsx` (or by hand in the same layout)."""
    try:
        with ReadWorkbook(path) as book:
            return _framework(_xlsx_data(book), Path(path).name)
    except FileRefused as exc:
        raise FrameworkError(str(exc)) from exc


def _xlsx_data(book: ReadWorkbook) -> dict[str, Any]:
    """The dictionary form of a framework workbook; FrameworkError naming the row and the column."""
    if FRAMEWORK_SHEET not in book.sheetnames:
        raise FrameworkError(_("Thiếu trang '{sheet}'").format(sheet=FRAMEWORK_SHEET))
    sheet = book.rows(FRAMEWORK_SHEET)
    columns = _header(sheet)
    nodes: dict[str, dict[str, Any]] = {}
    depth: dict[str, int] = {}
    rows_of: dict[str, int] = {}
    root: dict[str, Any] | None = None
    root_row = 0
    for row_number, row in enumerate(sheet[1:], start=2):
        if not row or all(v is None or _text(v) == "" for v in row):
            continue

        def get(name: str, row: tuple = row) -> Any:
            i = columns.get(name)
            return row[i] if i is not None and i < len(row) else None

        code = _text(get("code"))
        if not code:
            raise _fail(row_number, "code", _("thiếu mã"))
        if code in nodes:
            raise _fail(
                row_number,
                "code",
                _("mã '{code}' trùng với dòng {row}").format(code=code, row=rows_of[code]),
            )
        node = _node_from_row(row_number, get)
        parent_code = _text(get("parent_code"))
        if parent_code:
            parent = nodes.get(parent_code)
            if parent is None:
                raise _fail(
                    row_number,
                    "parent_code",
                    _("mã cha '{code}' không có ở dòng nào phía trên").format(code=parent_code),
                )
            depth[code] = depth[parent_code] + 1
            if depth[code] > MAX_TREE_DEPTH:
                raise _fail(
                    row_number,
                    "parent_code",
                    _("cây tiêu chí sâu quá {limit} cấp").format(limit=MAX_TREE_DEPTH),
                )
            parent.setdefault("children", []).append(node)
        elif root is not None:
            raise _fail(
                row_number,
                "parent_code",
                _("thiếu mã cha; chỉ nút gốc (dòng {row}) không có mã cha").format(row=root_row),
            )
        else:
            root, root_row = node, row_number
            depth[code] = 1
        nodes[code] = node
        rows_of[code] = row_number
    if root is None:
        raise FrameworkError(_("Trang '{sheet}' không có dòng nào").format(sheet=FRAMEWORK_SHEET))
    data = _read_info(book)
    data["root"] = root
    return data
