"""Forms of the plan pages. Owners and deadlines are required fields everywhere."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chiso.engine.numbers import NumberError, parse_decimal
from chiso.plans.models import Frequency, ItemStatus, Task
from chiso.plans.services import agencies, listed_agencies
from chiso.units.models import Unit

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DayInput(forms.DateInput):
    """Typed dd/mm/yyyy whatever the browser's locale."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **(attrs or {})}, "%d/%m/%Y")


def day_field(**kwargs) -> forms.DateField:
    return forms.DateField(widget=DayInput, input_formats=DATE_FORMATS, **kwargs)


class UnitSelect(forms.Select):
    """A choice of one unit among a territory's (3,321 communes …): the options are the units of the
    small levels (`listed`) and the units chosen, grouped by level; a search box beside it asks
    `search_url` for the others (plans/unit_picker.js). The field still accepts any unit of its
    queryset."""

    template_name = "plans/widgets/unit_select.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.listed: list[Unit] = []
        self.search_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context

    def optgroups(self, name, value, attrs=None):
        from chiso.units.models import Level
        from chiso.units.services import vi_order

        chosen = {str(v) for v in value if v not in ("", None)}
        units = {str(u.pk): u for u in self.listed}
        missing = [pk for pk in chosen if pk not in units and pk.isdigit()]
        if missing:  # a chosen unit of a level reached by the search (one query)
            units.update({str(u.pk): u for u in Unit.objects.filter(pk__in=missing)})
        groups: list[tuple[str | None, list[dict[str, Any]], int]] = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "---------", not chosen, 0)], 0))
        by_level: dict[str, list[Unit]] = {}
        for unit in units.values():
            by_level.setdefault(unit.level, []).append(unit)
        index = 1
        for level in Level.values:
            members = sorted(by_level.get(level, []), key=lambda u: vi_order(u.name))
            if not members:
                continue
            options = []
            for unit in members:
                options.append(
                    self.create_option(name, str(unit.pk), unit.name, str(unit.pk) in chosen, index)
                )
                index += 1
            groups.append((str(Level(level).label), options, index))
        return groups


class UnitSelectMultiple(UnitSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False


class AgencyChoice(forms.ModelChoiceField):
    widget = UnitSelect

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class AgenciesChoice(forms.ModelMultipleChoiceField):
    widget = UnitSelectMultiple

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def use_territory(form: forms.Form, root: Unit | None, listed: list[Unit] | None = None) -> None:
    """Point a form's unit fields at the agencies of a territory: any of them is accepted, the small
    levels are listed, the others are found with the search box."""
    listed = listed if listed is not None else listed_agencies(root)
    search_url = reverse("plans:unit_search") + (f"?goc={root.pk}" if root is not None else "")
    for field in form.fields.values():
        if isinstance(field, (AgencyChoice, AgenciesChoice)):
            field.queryset = agencies(root)
            widget = cast(UnitSelect, field.widget)
            widget.listed, widget.search_url = listed, search_url


class PointsField(forms.CharField):
    """A number typed with a decimal comma or point."""

    def to_python(self, value) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_decimal(text)
        except NumberError as exc:
            raise forms.ValidationError(_("Không phải số: %(value)s"), params={"value": text}) from exc


def lead_field(**kwargs) -> AgencyChoice:
    return AgencyChoice(
        Unit.objects.none(),
        label=kwargs.pop("label", _("Cơ quan chủ trì")),
        error_messages={"required": _("Phải chọn cơ quan chủ trì.")},
        **kwargs,
    )


def supporters_field() -> AgenciesChoice:
    return AgenciesChoice(
        Unit.objects.none(),
        required=False,
        label=_("Cơ quan phối hợp"),
        widget=UnitSelectMultiple(attrs={"size": 4}),
    )


class TerritoryForm(forms.Form):
    """A form whose unit fields choose among a territory's units (`root`, `listed`: see
    `use_territory`)."""

    def __init__(self, *args, root: Unit | None = None, listed: list[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        use_territory(self, root, listed)


class ItemForm(TerritoryForm):
    criterion = forms.ChoiceField(label=_("Tiêu chí"))
    target_points = PointsField(label=_("Điểm mục tiêu"), required=False)
    actions = forms.CharField(
        label=_("Giải pháp, nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    lead = lead_field()
    supporters = supporters_field()
    deadline = day_field(label=_("Thời hạn"), error_messages={"required": _("Phải có thời hạn hoàn thành.")})

    def __init__(self, *args, criteria: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["criterion"]).choices = criteria


class ProposalRowForm(TerritoryForm):
    """One proposed item on the proposal page; owner and deadline are required when it is kept."""

    keep = forms.BooleanField(label=_("Đưa vào kế hoạch"), required=False, initial=True)
    target_points = PointsField(label=_("Điểm mục tiêu"), required=False)
    actions = forms.CharField(label=_("Giải pháp"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lead = lead_field(required=False)
    supporters = supporters_field()
    deadline = day_field(label=_("Thời hạn"), required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("keep"):
            if not data.get("lead"):
                self.add_error("lead", _("Phải chọn cơ quan chủ trì."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Phải có thời hạn hoàn thành."))
        return data


class TaskForm(TerritoryForm):
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500)
    owner = lead_field(label=_("Cơ quan thực hiện"))
    due = day_field(label=_("Hạn"), error_messages={"required": _("Phải có hạn hoàn thành.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].error_messages["required"] = _("Phải chọn cơ quan thực hiện.")


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    task = forms.ChoiceField(label=_("Nhiệm vụ"), required=False)
    percent_done = forms.IntegerField(label=_("% hoàn thành"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Tài liệu kiểm chứng"), required=False)

    def __init__(self, *args, periods: list[tuple[str, str]], tasks: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = periods
        cast(forms.ChoiceField, self.fields["task"]).choices = [("", _("(cả nội dung)")), *tasks]


class PlanSettingsForm(forms.Form):
    report_every = forms.ChoiceField(label=_("Kỳ báo cáo tiến độ"), choices=Frequency.choices)
    grace_days = forms.IntegerField(label=_("Số ngày được báo cáo sau kỳ"), min_value=0, max_value=60)


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ItemStatus.choices)


class TaskStatusForm(forms.Form):
    STATUS_CHOICES = [c for c in Task.Status.choices if c[0] != Task.Status.LATE]
    status = forms.ChoiceField(choices=STATUS_CHOICES)


class ResponsibilityForm(TerritoryForm):
    criterion = forms.CharField(widget=forms.HiddenInput)
    lead = lead_field(required=False)
    supporters = supporters_field()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
