"""Forms of the framework pages: upload, copy into a new year, a framework's general information and
one node of its tree."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.core.forms import DATE_FORMATS, DateInput
from chiso.frameworks.editor import (
    CRITERION_RULES,
    LEVEL_LABELS,
    METHOD_LABELS,
    RULE_LABELS,
    EditError,
    params_from_post,
    read_number,
)
from chiso.frameworks.models import Framework, Index

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCOPES = [("department", _("Sở, ban, ngành")), ("commune", _("UBND cấp xã"))]
STATUSES = [
    ("confirmed", _("Chính thức")),
    ("partial", _("Chưa đầy đủ")),
    ("assumed", _("Dự thảo, khung mẫu")),
]
GROUP_METHODS = [
    ("bands", _("Theo ngưỡng % điểm tối đa")),
    ("quartiles", _("Theo tứ phân vị")),
    ("none", _("Không phân nhóm")),
]
DEFAULT_BANDS = [
    ("Xuất sắc", "Excellent", "90"),
    ("Tốt", "Good", "80"),
    ("Khá", "Fair", "70"),
    ("Trung bình", "Average", "50"),
    ("Yếu", "Weak", "0"),
]
BAND_ROWS = 6
CODE = re.compile(r"^[^\s/?#%]+$")


class IndexChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Index) -> str:
        return f"{obj.short_name} — {obj.name_vi}"


def internal_indices():
    return Index.objects.filter(unit_level__in=[value for value, _label in SCOPES])


class FrameworkForm(forms.Form):
    """A new framework (with its root), or the general information of an existing one."""

    index = IndexChoice(internal_indices(), label=_("Chỉ số"))
    code = forms.SlugField(
        label=_("Mã khung"),
        max_length=80,
        help_text=_("Chữ không dấu, số, gạch ngang: ví dụ qn-cchc-so-2026."),
    )
    name_vi = forms.CharField(label=_("Tên khung"), max_length=300)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=300, required=False)
    scope = forms.ChoiceField(label=_("Đối tượng đánh giá"), choices=SCOPES)
    first_year = forms.IntegerField(label=_("Áp dụng từ năm"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100, required=False)
    legal_number = forms.CharField(
        label=_("Số quyết định"), max_length=100, required=False, help_text=_("Ví dụ: 1234/QĐ-UBND")
    )
    legal_date = forms.DateField(
        label=_("Ngày ban hành"), widget=DateInput, input_formats=DATE_FORMATS, required=False
    )
    legal_issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=STATUSES, initial="confirmed")
    display_precision = forms.IntegerField(
        label=_("Số chữ số thập phân khi hiển thị"), min_value=0, max_value=4, initial=2
    )
    ranking_precision = forms.IntegerField(
        label=_("Số chữ số thập phân khi xếp hạng"), min_value=0, max_value=4, initial=2
    )
    group_method = forms.ChoiceField(label=_("Cách phân nhóm"), choices=GROUP_METHODS, initial="bands")
    root_name = forms.CharField(label=_("Tên chỉ số (gốc của cây)"), max_length=300, initial="Chỉ số CCHC")
    root_max = forms.CharField(label=_("Điểm tối đa"), max_length=20, initial="100")

    def __init__(self, *args, existing: Framework | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        cast(IndexChoice, self.fields["index"]).queryset = internal_indices()
        self.bands: list[dict[str, str]] = []
        self.band_errors: list[str] = []
        if existing is not None:
            for name in ("index", "code", "root_name", "root_max"):
                del self.fields[name]
        if self.is_bound:
            self.bands = self._posted_bands()
        else:
            self.bands = [
                {"label_vi": vi, "label_en": en, "min_percent": m} for vi, en, m in self._initial_bands()
            ]
        self.bands += [
            {"label_vi": "", "label_en": "", "min_percent": ""}
            for _ in range(max(0, BAND_ROWS - len(self.bands)))
        ]

    def _initial_bands(self) -> list[tuple[str, str, str]]:
        if self.existing is None:
            return DEFAULT_BANDS
        groups = self.existing.to_engine().ranking.groups
        return [
            (b.label_vi, b.label_en, format(b.min_percent.normalize(), "f").replace(".", ","))
            for b in groups.bands
        ]

    def _posted_bands(self) -> list[dict[str, str]]:
        rows = []
        for i in range(BAND_ROWS + 10):
            row = {
                key: (self.data.get(f"band-{i}-{key}") or "").strip()
                for key in ("label_vi", "label_en", "min_percent")
            }
            if any(row.values()):
                rows.append(row)
        return rows

    def clean_root_max(self) -> Decimal:
        try:
            value = read_number(self.cleaned_data["root_max"], gettext("Điểm tối đa"), required=True)
        except EditError as exc:
            raise forms.ValidationError(str(exc)) from None
        if value <= 0:
            raise forms.ValidationError(gettext("Điểm tối đa phải lớn hơn 0."))
        return value

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Framework.objects.filter(code=code).exists():
            raise forms.ValidationError(gettext("Đã có khung mã %(code)s.") % {"code": code})
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        index, scope = data.get("index"), data.get("scope")
        if index is not None and scope and index.unit_level != scope:
            self.add_error(
                "scope",
                gettext("Chỉ số %(index)s đánh giá %(level)s.")
                % {"index": index.short_name, "level": dict(SCOPES).get(index.unit_level, index.unit_level)},
            )
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", gettext("Năm cuối phải sau năm đầu."))
        parsed = []
        for i, band in enumerate(self.bands):
            if not any(band.values()):
                continue
            if not band["label_vi"]:
                self.band_errors.append(gettext("Nhóm %(n)s: cần tên nhóm.") % {"n": i + 1})
                continue
            try:
                minimum = read_number(band["min_percent"], band["label_vi"], required=True)
            except EditError as exc:
                self.band_errors.append(str(exc))
                continue
            parsed.append(
                {"label_vi": band["label_vi"], "label_en": band["label_en"], "min_percent": minimum}
            )
        if data.get("group_method") == "bands" and not parsed and not self.band_errors:
            self.band_errors.append(gettext("Phân nhóm theo ngưỡng cần ít nhất một nhóm."))
        if self.band_errors:
            self.add_error(None, gettext("Các nhóm xếp loại có lỗi."))
        data["bands"] = parsed
        return data


class NodeForm(forms.Form):
    """One node: its own fields and its rule (type and parameters, read from the posted rows)."""

    code = forms.CharField(label=_("Mã"), max_length=40)
    name_vi = forms.CharField(label=_("Tên"), max_length=500)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=500, required=False)
    level = forms.ChoiceField(label=_("Cấp"), choices=[])
    max_points = forms.CharField(
        label=_("Điểm tối đa"), max_length=20, required=False, help_text=_("Để trống nếu chưa biết.")
    )
    method = forms.ChoiceField(label=_("Cách đánh giá"), choices=list(METHOD_LABELS.items()))
    evidence_required = forms.BooleanField(label=_("Bắt buộc tài liệu kiểm chứng"), required=False)
    rule_type = forms.ChoiceField(label=_("Quy tắc chấm điểm"), required=False, choices=[])

    def __init__(self, *args, current_level: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        levels: list[tuple[str, StrOrPromise]] = list(LEVEL_LABELS.items())
        if current_level and current_level not in LEVEL_LABELS:
            levels.append((current_level, current_level))
        cast(forms.ChoiceField, self.fields["level"]).choices = levels
        cast(forms.ChoiceField, self.fields["rule_type"]).choices = [
            ("", _("Không có (nút cha, hoặc nhập điểm công bố)"))
        ] + [(name, RULE_LABELS.get(name, name)) for name in CRITERION_RULES]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE.match(code):
            raise forms.ValidationError(gettext("Mã không có khoảng trắng và các dấu / ? # %."))
        return code

    def clean_max_points(self) -> Decimal | None:
        try:
            value = read_number(self.cleaned_data["max_points"], gettext("Điểm tối đa"))
        except EditError as exc:
            raise forms.ValidationError(str(exc)) from None
        if value is not None and value < 0:
            raise forms.ValidationError(gettext("Điểm tối đa không âm."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            data["rule_params"] = params_from_post(data.get("rule_type") or "", self.data)
        except EditError as exc:
            self.add_error("rule_type", str(exc))
        return data


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp khung tiêu chí (.xlsx, .yaml)"))
    replace = forms.BooleanField(
        label=_("Thay thế khung cùng mã (nếu chưa dùng cho kỳ đánh giá nào)"), required=False
    )


class CopyForm(forms.Form):
    code = forms.SlugField(label=_("Mã khung mới"), max_length=80)
    name_vi = forms.CharField(label=_("Tên khung mới"), max_length=300)
    first_year = forms.IntegerField(label=_("Áp dụng từ năm"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100, required=False)
