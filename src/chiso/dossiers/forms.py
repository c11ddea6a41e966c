"""The forms of the 766 page: a dossier file to import, a period to compute."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.dossiers.models import DossierImport
from chiso.dossiers.periods import PeriodError, canonical_period


class UploadForm(forms.Form):
    """An export of the one-stop system: dossiers, or the procedures published."""

    file = forms.FileField(
        label=_("Tệp (.csv hoặc .parquet)"),
        help_text=_(
            "Tên cột theo bảng ánh xạ mặc định (docs/dossiers.md). Tệp có dòng lỗi không được nhập dòng nào."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Loại"), choices=DossierImport.Kind.choices, initial=DossierImport.Kind.DOSSIERS
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name or "").suffix.lower() not in (".csv", ".parquet"):
            raise forms.ValidationError(_("Tệp phải là .csv hoặc .parquet."))
        return uploaded


class ComputeForm(forms.Form):
    """The period to compute: a month, a quarter or a year."""

    period = forms.CharField(
        label=_("Kỳ"),
        max_length=10,
        help_text=_("Tháng 2025-10, quý 2025-Q4 hoặc năm 2025."),
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )

    def clean_period(self) -> str:
        try:
            return canonical_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc
