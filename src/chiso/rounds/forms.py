"""Forms of the round pages: the new round, the criteria of one agency, one criterion's analysis."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.frameworks.models import Index
from chiso.plans.forms import day_field
from chiso.units.models import Unit


class IndexChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Index) -> str:
        return obj.short_name


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class RoundForm(forms.Form):
    number = forms.CharField(label=_("Số hiệu văn bản"), max_length=100)
    issued = day_field(label=_("Ngày văn bản"))
    deadline = day_field(label=_("Hạn gửi báo cáo"))
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    year = forms.IntegerField(label=_("Năm kết quả"), min_value=2000, max_value=2100)
    indices = IndexChoice(Index.objects.none(), label=_("Chỉ số"), widget=forms.CheckboxSelectMultiple)
    agencies = UnitsChoice(
        Unit.objects.none(), label=_("Cơ quan, đơn vị được đề nghị"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, indices, agencies: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indices"].queryset = indices  # type: ignore[attr-defined]
        self.fields["agencies"].queryset = Unit.objects.filter(pk__in=[a.pk for a in agencies])  # type: ignore[attr-defined]
        # The listed order (departments, districts, communes) rather than the queryset's.
        self.fields["agencies"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]


class CriteriaForm(forms.Form):
    criteria = forms.CharField(
        label=_("Tiêu chí phải phân tích"),
        required=False,
        help_text=_("Mã tiêu chí, cách nhau bởi dấu phẩy; để trống để bỏ cơ quan khỏi đợt."),
    )


class AnswerForm(forms.Form):
    causes = forms.CharField(label=_("Nguyên nhân"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    responsibility = forms.CharField(
        label=_("Trách nhiệm"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    solutions = forms.CharField(
        label=_("Giải pháp đề xuất"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
