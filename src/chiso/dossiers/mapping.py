"""The column mapping of an export: which source column is which canonical column, which source
value is which canonical value, how dates are written (docs/dossiers.md documents it).

A mapping is a small YAML file (or the same dict)::

    columns:                 # source column → canonical column
      Số hồ sơ: dossier_id
      Đơn vị tiếp nhận: unit_code
    values:                  # canonical column → {source value → canonical value}
      channel: {"Nộp tại quầy": direct, "Cổng DVC": online}
    true_values: ["có", "x"]
    false_values: ["không"]
    datetime_formats: ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y"]

What a file gives is added to the defaults below (`replace_defaults: true` starts from nothing but
the canonical names and values, which are always accepted). Values are matched trimmed, in lower
case, in Unicode NFC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chiso.engine.i18n import gettext as _

# The canonical values of the enumerated columns (the spec).
ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "channel": ("direct", "online", "post"),
    "online_level": ("none", "partial", "full"),
    "status": ("processing", "finished", "returned", "withdrawn", "rejected"),
    "rating": ("satisfied", "unsatisfied"),
}

DEFAULT_COLUMNS: dict[str, str] = {
    "Mã hồ sơ": "dossier_id",
    "Số hồ sơ": "dossier_id",
    "Mã đơn vị": "unit_code",
    "Mã TTHC": "procedure_code",
    "Mã thủ tục": "procedure_code",
    "Kênh nộp": "channel",
    "Hình thức nộp": "channel",
    "Mức độ DVC": "online_level",
    "Ngày tiếp nhận": "received_at",
    "Hạn xử lý": "due_at",
    "Ngày hẹn trả": "due_at",
    "Ngày có kết quả": "finished_at",
    "Ngày hoàn thành": "finished_at",
    "Ngày trả kết quả": "returned_at",
    "Trạng thái": "status",
    "Có phí": "fee_required",
    "Thanh toán trực tuyến": "paid_online",
    "Số hóa hồ sơ": "digitised_dossier",
    "Số hóa kết quả": "digitised_result",
    "Tái sử dụng dữ liệu": "reused_data",
    "Đánh giá": "rating",
    "Ngày PAKN": "complaint_at",
    "Hạn xử lý PAKN": "complaint_due_at",
    "Ngày xử lý PAKN": "complaint_handled_at",
    "Ngày công bố": "published_at",
    "Hạn công bố": "due_at",
    "Tên thủ tục": "procedure_name",
    "Tên TTHC": "procedure_name",
}

# Every canonical column a mapping may name (the two tables of `schema`, and the procedures' name).
CANONICAL_COLUMNS: frozenset[str] = frozenset(
    {
        *("dossier_id", "unit_code", "procedure_code", "channel", "online_level", "received_at", "due_at"),
        *("finished_at", "returned_at", "status", "fee_required", "paid_online", "digitised_dossier"),
        *("digitised_result", "reused_data", "rating", "complaint_at", "complaint_due_at"),
        *("complaint_handled_at", "published_at", "procedure_name"),
    }
)

DEFAULT_VALUES: dict[str, dict[str, str]] = {
    "channel": {
        "trực tiếp": "direct",
        "tại quầy": "direct",
        "trực tuyến": "online",
        "qua mạng": "online",
        "bưu chính": "post",
        "bưu chính công ích": "post",
        "bcci": "post",
    },
    "online_level": {
        "không": "none",
        "": "none",
        "một phần": "partial",
        "trực tuyến một phần": "partial",
        "toàn trình": "full",
        "trực tuyến toàn trình": "full",
    },
    "status": {
        "đang xử lý": "processing",
        "đang giải quyết": "processing",
        "đã giải quyết": "finished",
        "đã xử lý xong": "finished",
        "đã có kết quả": "finished",
        "đã trả kết quả": "returned",
        "đã trả": "returned",
        "rút hồ sơ": "withdrawn",
        "đã rút": "withdrawn",
        "từ chối": "rejected",
        "trả lại": "rejected",
        "không đủ điều kiện": "rejected",
    },
    "rating": {
        "hài lòng": "satisfied",
        "rất hài lòng": "satisfied",
        "không hài lòng": "unsatisfied",
    },
}

DEFAULT_TRUE = ("1", "true", "t", "yes", "y", "có", "x", "đúng", "đã")
DEFAULT_FALSE = ("0", "false", "f", "no", "n", "không", "chưa", "sai")
DEFAULT_DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)


class MappingError(ValueError):
    """A mapping file that cannot be used."""


def value_key(text: str) -> str:
    """How source values are compared: trimmed, lower case, NFC."""
    return unicodedata.normalize("NFC", text).strip().lower()


def _section(data: Mapping[str, Any], key: str, kind: type) -> Any:
    """A section of the mapping file, checked to be a dictionary or a list (empty when absent)."""
    value = data.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        if kind is dict:
            message = _("Bảng ánh xạ: mục {key} phải là các cặp “tên: giá trị”.")
        else:
            message = _("Bảng ánh xạ: mục {key} phải là một danh sách [ … ].")
        raise MappingError(message.format(key=key))
    return value


@dataclass(frozen=True)
class ColumnMapping:
    """Source column → canonical column, source value → canonical value, and the date formats."""

    columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    values: dict[str, dict[str, str]] = field(
        default_factory=lambda: {column: dict(pairs) for column, pairs in DEFAULT_VALUES.items()}
    )
    true_values: tuple[str, ...] = DEFAULT_TRUE
    false_values: tuple[str, ...] = DEFAULT_FALSE
    datetime_formats: tuple[str, ...] = DEFAULT_DATETIME_FORMATS

    def value_map(self, column: str) -> dict[str, str]:
        """Every accepted source value (as `value_key` writes it) of an enumerated column."""
        accepted = {value_key(v): v for v in ENUMERATIONS[column]}
        accepted.update({value_key(k): v for k, v in self.values.get(column, {}).items()})
        return accepted

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """A mapping from its YAML form, added to the defaults unless `replace_defaults` is true."""
        unknown = set(data) - {
            "columns",
            "values",
            "true_values",
            "false_values",
            "datetime_formats",
            "replace_defaults",
        }
        if unknown:
            raise MappingError(_("Bảng ánh xạ có khóa lạ: {keys}.").format(keys=", ".join(sorted(unknown))))
        base = cls(columns={}, values={}) if data.get("replace_defaults") else cls()
        given = _section(data, "columns", dict)
        for source, canonical in given.items():
            if str(canonical) not in CANONICAL_COLUMNS:
                raise MappingError(
                    _(
                        "columns: cột nguồn “{source}” chỉ tới “{column}”, không phải cột chuẩn (xem docs/dossiers.md)."
                    ).format(source=source, column=canonical)
                )
        columns = {**base.columns, **{str(k).strip(): str(v) for k, v in given.items()}}
        values = {column: dict(pairs) for column, pairs in base.values.items()}
        for column, pairs in _section(data, "values", dict).items():
            if column not in ENUMERATIONS:
                raise MappingError(
                    _("Cột {column} không có danh sách giá trị (chỉ: {columns}).").format(
                        column=column, columns=", ".join(ENUMERATIONS)
                    )
                )
            if not isinstance(pairs, Mapping | None):
                raise MappingError(
                    _("values.{column}: cần các cặp “giá trị nguồn: giá trị chuẩn”.").format(column=column)
                )
            for source, canonical in (pairs or {}).items():
                if canonical not in ENUMERATIONS[column]:
                    raise MappingError(
                        _("Giá trị {value!r} của cột {column} không hợp lệ (chỉ: {values}).").format(
                            value=canonical, column=column, values=", ".join(ENUMERATIONS[column])
                        )
                    )
                values.setdefault(column, {})[str(source)] = canonical
        return cls(
            columns=columns,
            values=values,
            true_values=tuple(str(v) for v in _section(data, "true_values", list) or base.true_values),
            false_values=tuple(str(v) for v in _section(data, "false_values", list) or base.false_values),
            datetime_formats=tuple(
                str(v) for v in _section(data, "datetime_formats", list) or base.datetime_formats
            ),
        )

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """A mapping from a YAML file."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise MappingError(
                _("Không đọc được bảng ánh xạ {path}: {error}").format(path=path, error=exc)
            ) from exc
        if not isinstance(data, dict):
            raise MappingError(_("Bảng ánh xạ {path} phải là một từ điển YAML.").format(path=path))
        return cls.from_dict(data)
