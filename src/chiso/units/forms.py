"""Forms of the units pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The levels of units a province assesses itself (its departments and its communes).
LEVELS = [("department", _("Sở, ban, ngành")), ("commune", _("UBND cấp xã"))]


class UnitImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
