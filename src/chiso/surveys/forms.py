"""Forms of the survey pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.surveys.models import Survey
from chiso.surveys.xlsform import Form
from chiso.units.models import Unit


class QuestionnaireForm(forms.Form):
    file = forms.FileField(label=_("Tệp XLSForm (.xlsx)"))
    name = forms.CharField(label=_("Tên bảng hỏi"), required=False, max_length=300)
    satisfied = forms.CharField(
        label=_("Đáp án tính là hài lòng"),
        required=False,
        max_length=100,
        help_text=_("Ví dụ «4 5». Để trống: theo bảng hỏi (mặc định hai mức cao nhất)."),
    )


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["questionnaire", "title", "year", "unit_level", "aggregation", "singleton", "min_n"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp trả lời (CSV hoặc XLSX xuất từ KoboToolbox/ODK)"))
    valid_only = forms.BooleanField(label=_("Chỉ nhập các dòng hợp lệ"), required=False)


class PaperForm(forms.Form):
    """One paper questionnaire: unit, respondent type and a select per indexed question."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        form: Form = survey.questionnaire.form()
        self.form_definition = form
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("Đơn vị"), queryset=Unit.objects.filter(level=survey.unit_level).order_by("name")
        )
        type_question = form.role("respondent_type")
        labels = {c.name: c.label for c in type_question.choices} if type_question else {}
        self.fields["respondent_type"] = forms.ChoiceField(
            label=_("Loại người trả lời"),
            choices=[(t, labels.get(t, t)) for t in survey.questionnaire.respondent_types],
        )
        self.questions = []
        for question in form.indexed:
            name = f"q_{question.name}"
            self.fields[name] = forms.ChoiceField(
                label=question.label,
                required=False,
                choices=[("", _("— không trả lời —"))]
                + [(c.name, f"{c.name}. {c.label}") for c in question.choices],
            )
            self.questions.append((question, name))

    def answers(self) -> dict[str, str]:
        return {q.name: self.cleaned_data.get(name) or "" for q, name in self.questions}


class LinkForm(forms.Form):
    """Criterion → factor (or the overall index) for the survey criteria of one cycle."""

    def __init__(self, *args, criteria: list, codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        for node in criteria:
            name = f"c_{node.code}"
            self.fields[name] = forms.ChoiceField(
                label=f"{node.code}. {node.name}",
                required=False,
                choices=[("", _("— không lấy từ khảo sát này —")), *codes],
            )
            self.criteria.append((node, name))

    def mapping(self) -> dict[str, str]:
        return {
            node.code: self.cleaned_data[name] for node, name in self.criteria if self.cleaned_data.get(name)
        }
