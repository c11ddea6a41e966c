"""Form pieces every app's forms share."""

from __future__ import annotations

from django import forms

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    """Dates typed dd/mm/yyyy whatever the browser's locale (a native date picker would show the
    browser's own order, often mm/dd/yyyy)."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **(attrs or {})}, "%d/%m/%Y")


def date_field(**kwargs) -> forms.DateField:
    """A date field typed dd/mm/yyyy (ISO dates are accepted too)."""
    return forms.DateField(widget=DateInput, input_formats=DATE_FORMATS, **kwargs)
