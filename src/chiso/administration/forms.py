"""Forms of the officer's pages."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from chiso.assessments.models import Cycle
from chiso.core.forms import date_field
from chiso.engine.validation import errors, validate_framework
from chiso.frameworks.models import Framework
from chiso.units.forms import LEVELS
from chiso.units.models import Organiser, Unit
from chiso.units.services import units_of_level

DEFAULT_BLOCK = dict(LEVELS)


class UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class CycleForm(forms.Form):
    framework = forms.ModelChoiceField(Framework.objects.none(), label=_("Khung tiêu chí"))
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    block = forms.CharField(label=_("Tên khối"), max_length=100)
    name = forms.CharField(
        label=_("Tên kỳ đánh giá"),
        max_length=300,
        required=False,
        help_text=_("Để trống để đặt tên theo chỉ số, năm và khối."),
    )
    units = UnitChoice(
        Unit.objects.none(), label=_("Đơn vị được đánh giá"), widget=forms.CheckboxSelectMultiple
    )
    self_assessment_due = date_field(label=_("Hạn tự đánh giá"))
    appraisal_due = date_field(label=_("Hạn thẩm định"), required=False)
    explanation_due = date_field(label=_("Hạn giải trình"), required=False)

    def __init__(
        self, *args, organiser: Organiser, level: str = "department", year: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.level = level
        self.organiser = organiser
        year = year or date.today().year
        frameworks = (
            Framework.objects.filter(scope=level)
            .filter(Q(organiser__isnull=True) | Q(organiser=organiser))
            .select_related("index")
        )
        cast("forms.ModelChoiceField[Framework]", self.fields["framework"]).queryset = frameworks
        # The units as they were at the end of the year assessed (a district's communes of 2024 are
        # gone from the registry of today).
        units = units_of_level(level, date(year, 12, 31), organiser=organiser)
        order = Case(*[When(pk=unit.pk, then=position) for position, unit in enumerate(units)])
        unit_field = cast(UnitChoice, self.fields["units"])
        unit_field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by(order)
        unit_field.initial = [unit.pk for unit in units]
        candidates = [f for f in frameworks.order_by("-first_year") if f.covers(year)] or list(
            frameworks.order_by("-first_year")[:1]
        )
        self.fields["framework"].initial = candidates[0].pk if candidates else None
        self.fields["block"].initial = DEFAULT_BLOCK[level]
        self.fields["year"].initial = year

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        framework, year, block = data.get("framework"), data.get("year"), data.get("block")
        if framework and year and not framework.covers(year):
            self.add_error(
                "framework",
                _("Khung %(code)s không áp dụng cho năm %(year)s.") % {"code": framework.code, "year": year},
            )
        if framework and errors(validate_framework(framework.to_engine())):
            self.add_error(
                "framework",
                _("Khung %(code)s còn lỗi; sửa khung trước khi tạo kỳ đánh giá.") % {"code": framework.code},
            )
        if year and block and Cycle.objects.filter(organiser=self.organiser, year=year, block=block).exists():
            self.add_error("block", _("Đã có kỳ đánh giá năm %(year)s cho khối này.") % {"year": year})
        due = data.get("self_assessment_due")
        for name in ("appraisal_due", "explanation_due"):
            later = data.get(name)
            if due and later and later < due:
                self.add_error(name, _("Hạn này phải sau hạn tự đánh giá."))
        return data


class ExtendForm(forms.Form):
    new_due = date_field(label=_("Hạn tự đánh giá mới"))
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=500, widget=forms.TextInput)


class ChangeLogFilterForm(forms.Form):
    """The change log's filters (GET): object type, object, user, dates, action, request id."""

    loai = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    doi_tuong = forms.CharField(label=_("Đối tượng (số hoặc tên)"), max_length=200, required=False)
    nguoi = forms.CharField(label=_("Người thực hiện (tên đăng nhập)"), max_length=150, required=False)
    tu_ngay = date_field(label=_("Từ ngày"), required=False)
    den_ngay = date_field(label=_("Đến ngày"), required=False)
    thao_tac = forms.TypedChoiceField(label=_("Thao tác"), required=False, coerce=int, empty_value=None)
    yeu_cau = forms.CharField(label=_("Mã yêu cầu"), max_length=255, required=False)

    def __init__(self, query: Any, *, types: list[tuple[str, str]], actions: list[tuple[int, str]]):
        # The query string uses hyphens (doi-tuong), as chiso's other pages do; the template names
        # its inputs so.
        super().__init__({key.replace("-", "_"): value for key, value in query.items()})
        cast(forms.ChoiceField, self.fields["loai"]).choices = [("", _("Tất cả")), *types]
        cast(forms.ChoiceField, self.fields["thao_tac"]).choices = [
            ("", _("Tất cả")),
            *((str(key), label) for key, label in actions),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("tu_ngay"), data.get("den_ngay")
        if since and until and since > until:
            self.add_error("den_ngay", _("Ngày kết thúc trước ngày bắt đầu."))
        return data
