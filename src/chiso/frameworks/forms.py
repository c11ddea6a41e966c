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
from chiso.frameworks.indices import check_index
from chiso.frameworks.models import Framework, Index
from chiso.units.forms import LEVELS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCOPES = LEVELS  # the levels an organiser assesses itself
# The scopes of the frameworks a province (or a district) writes for the agencies and localities it
# assesses itself, listed apart from the national indices' frameworks.
INTERNAL_SCOPES = ("department", "commune", "office", "service_unit", "central_agency")
STATUSES = [
    ("confirmed", _("Chính thức")),
    ("partial", _("Chưa đầy đủ")),
    ("assumed", _("Dự thảo, khung mẫu")),
]
# "index": the framework states no groups and takes its index's (chiso.engine.indices).
INHERIT_GROUPS = "index"
GROUP_METHODS = [
    (INHERIT_GROUPS, _("Như chỉ số (theo cách chia nhóm của chỉ số)")),
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


# -- an index ---------------------------------------------------------------------------------------

INDEX_GROUPS = [
    ("none", _("Không phân nhóm")),
    ("quartiles", _("Theo tứ phân vị")),
    ("bands", _("Theo ngưỡng % điểm tối đa (A ≥ 90 %, B ≥ 80 %, C ≥ 70 %, D)")),
    ("published", _("Nhóm do cơ quan công bố đặt tên")),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class IndexForm(forms.Form):
    """An index: names, publisher, legal basis, levels, scale, ranking, groups and wording. The checks
    are those of `chiso indices import` (`chiso.frameworks.indices.check_index`)."""

    code = forms.CharField(label=_("Mã"), max_length=40, help_text=_("chữ thường không dấu, ví dụ dgi"))
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=40, required=False)
    name_vi = forms.CharField(label=_("Tên"), max_length=200)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=200, required=False)
    publisher = forms.CharField(label=_("Cơ quan công bố"), max_length=200, required=False)
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit_levels = forms.CharField(
        label=_("Cấp đơn vị được đánh giá"),
        initial="province",
        help_text=_(
            "province, district, commune, department, office, service_unit, central_agency, ministry; "
            "cấp được xếp hạng ghi trước; cấp khác cần «Danh từ chỉ các đơn vị cùng cấp»"
        ),
    )
    max_points = forms.CharField(label=_("Điểm tối đa"), required=False, help_text=_("để trống nếu chưa rõ"))
    percent = forms.BooleanField(label=_("Chỉ số tính theo tỷ lệ %"), required=False)
    precision = forms.IntegerField(
        label=_("Số chữ số thập phân khi xếp hạng"), min_value=0, max_value=6, initial=2
    )
    groups = forms.ChoiceField(label=_("Cách chia nhóm"), choices=INDEX_GROUPS, initial="none")
    group_labels = forms.CharField(
        label=_("Tên các nhóm (từ cao xuống thấp)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("mỗi dòng một nhóm; chỉ dùng với nhóm do cơ quan công bố đặt tên"),
    )
    share_of_max = forms.BooleanField(
        label=_("Câu văn nêu tỷ lệ phần trăm so với điểm tối đa"), required=False
    )
    peer_nouns = forms.CharField(
        label=_("Danh từ chỉ các đơn vị cùng cấp"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("mỗi dòng một cấp, ví dụ: district = huyện, thị xã, thành phố"),
    )
    aliases = forms.CharField(label=_("Tên gọi khác"), required=False, help_text=_("cách nhau bởi dấu phẩy"))

    def __init__(self, *args: Any, existing: Index | None = None, **kwargs: Any) -> None:
        self.existing = existing
        if existing is not None and "initial" not in kwargs:
            kwargs["initial"] = index_initial(existing)
        super().__init__(*args, **kwargs)
        if existing is not None:
            self.fields["code"].disabled = True
        self.values: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        nouns: dict[str, str] = {}
        for line in (data.get("peer_nouns") or "").splitlines():
            if not line.strip():
                continue
            level, sep, noun = line.partition("=")
            if not sep:
                level, sep, noun = line.partition(":")
            if not sep or not level.strip() or not noun.strip():
                self.add_error("peer_nouns", gettext("Mỗi dòng ghi: cấp = danh từ."))
                return data
            nouns[level.strip()] = noun.strip()
        method = data["groups"]
        groups: Any = method
        if self.existing is not None and (self.existing.groups or {}).get("method") == method:
            groups = self.existing.groups  # unchanged: keep its labels and thresholds
        elif method == "published":
            labels = [x.strip() for x in (data.get("group_labels") or "").splitlines() if x.strip()]
            groups = {"method": method, "labels_vi": labels}
        entry = {
            "code": self.existing.code if self.existing else data["code"].strip(),
            "short_name": data.get("short_name") or "",
            "name_vi": data["name_vi"],
            "name_en": data.get("name_en") or "",
            "publisher": data.get("publisher") or "",
            "legal_basis": data.get("legal_basis") or "",
            "unit_levels": _lines(data["unit_levels"]),
            "max_points": (data.get("max_points") or "").strip() or None,
            "percent": data.get("percent", False),
            "precision": data["precision"],
            "groups": groups,
            "share_of_max": data.get("share_of_max", False),
            "peer_nouns": nouns,
            "aliases": _lines(data.get("aliases") or ""),
        }
        values, problems = check_index(entry, entry["code"] or "?")
        for field, problem in problems:
            name = field.split(".")[0]
            if name == "groups" and field != "groups" and method == "published":
                name = "group_labels"
            self.add_error(name if name in self.fields else None, problem)
        if self.existing is None and Index.objects.filter(code=values.get("code")).exists():
            self.add_error("code", gettext("Đã có chỉ số mã %(code)s.") % {"code": values["code"]})
        self.values = values
        return data


def index_initial(index: Index) -> dict[str, Any]:
    """An index's values as the form shows them."""
    groups = index.groups or {}
    return {
        "code": index.code,
        "short_name": index.short_name,
        "name_vi": index.name_vi,
        "name_en": index.name_en,
        "publisher": index.publisher,
        "legal_basis": index.legal_basis,
        "unit_levels": ", ".join(index.levels),
        "max_points": "" if index.max_points is None else format(index.max_points.normalize(), "f"),
        "percent": index.percent,
        "precision": index.precision,
        "groups": groups.get("method") or "none",
        "group_labels": "\n".join(groups.get("labels_vi") or []),
        "share_of_max": index.share_of_max,
        "peer_nouns": "\n".join(f"{level} = {noun}" for level, noun in (index.peer_nouns or {}).items()),
        "aliases": ", ".join(index.aliases or []),
    }
