"""A questionnaire's `Form` as plain JSON data and back (what the database stores)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chiso.surveys.xlsform import Choice, Factor, Form, Question

_TUPLES = ("path", "satisfied", "respondent_types")


def form_to_dict(form: Form) -> dict[str, Any]:
    """Plain data (lists, dicts, strings) that `form_from_dict` turns back into the same form."""
    return asdict(form)


def _question(data: dict[str, Any]) -> Question:
    values = dict(data)
    for key in _TUPLES:
        values[key] = tuple(values.get(key) or ())
    values["choices"] = tuple(Choice(**c) for c in values.get("choices") or ())
    return Question(**values)


def form_from_dict(data: dict[str, Any]) -> Form:
    values = dict(data)
    values["questions"] = tuple(_question(q) for q in values.get("questions") or ())
    values["factors"] = tuple(Factor(**f) for f in values.get("factors") or ())
    values["respondent_types"] = tuple(values.get("respondent_types") or ())
    values["settings"] = dict(values.get("settings") or {})
    return Form(**values)
