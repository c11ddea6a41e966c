"""The officer's form to upload a published result table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.engine.numbers import NumberError, parse_decimal
from chiso.frameworks.models import Framework, Index


class ResultTableForm(forms.Form):
    """A table of one index-year with the dataset it comes from (source and document required)."""

    index = forms.ModelChoiceField(label=_("Chỉ số"), queryset=Index.objects.order_by("code"))
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Tệp CSV hoặc Excel (.xlsx)"))
    framework = forms.ModelChoiceField(
        label=_("Khung tiêu chí"),
        queryset=Framework.objects.select_related("index").order_by("index__code", "first_year"),
        required=False,
        help_text=_("mặc định: khung của chỉ số áp dụng cho năm đó"),
    )
    sheet = forms.CharField(label=_("Trang tính (Excel)"), required=False, max_length=100)
    publisher = forms.CharField(label=_("Cơ quan công bố"), max_length=200, help_text=_("ví dụ: Bộ Nội vụ"))
    document = forms.CharField(
        label=_("Văn bản công bố"), max_length=200, help_text=_("ví dụ: Quyết định 268/QĐ-BNV")
    )
    source_url = forms.URLField(
        label=_("Địa chỉ nguồn"), required=False, max_length=500, assume_scheme="https"
    )
    national_mean = forms.CharField(
        label=_("Trung bình cả nước đã công bố"),
        required=False,
        max_length=30,
        help_text=_("tổng điểm; có thể để trống hoặc ghi ở dòng “Trung bình cả nước” của tệp"),
    )
    replace = forms.BooleanField(
        label=_("Thay thế kết quả đã có của năm này (bản cũ được giữ lại)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        """A framework chosen by hand must be one of the index's."""
        data = super().clean() or {}
        framework, index = data.get("framework"), data.get("index")
        if framework is not None and index is not None and framework.index_id != index.pk:
            self.add_error(
                "framework",
                gettext("Khung {framework} không thuộc chỉ số {index}.").format(
                    framework=framework.code, index=index.short_name
                ),
            )
        return data

    def clean_national_mean(self) -> Decimal | None:
        text = self.cleaned_data["national_mean"].strip()
        if not text:
            return None
        try:
            return parse_decimal(text)
        except NumberError as exc:
            raise forms.ValidationError(gettext("{value!r} không phải số.").format(value=text)) from exc

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".tsv", ".xlsx", ".xlsm")):
            raise forms.ValidationError(gettext("Chỉ nhận tệp CSV hoặc XLSX."))
        return upload
