"""The framework editor asks about cycles through `chiso.frameworks.usage`: the assessments app
answers, and with nothing registered the editor refuses nothing but will not lose an edit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from chiso.assessments.framework_usage import CycleUsage
from chiso.frameworks import editor, usage
from chiso.frameworks.models import Framework


def test_the_assessments_app_registers_its_answers():
    assert isinstance(usage.usage(), CycleUsage)


@pytest.mark.django_db
def test_with_nothing_registered_nothing_is_in_use_and_an_edit_is_not_lost(monkeypatch, framework, cycle):
    # The cycle fixture has a unit started on `framework`: in use, as far as the assessments app knows.
    assert editor.edit_refusal(framework)
    monkeypatch.setattr(usage, "_registered", None)
    assert isinstance(usage.usage(), usage.Unused)
    assert editor.edit_refusal(framework) == ""
    assert editor.scored_codes(framework, {"1", "1.1"}) == []
    assert list(editor.history(framework)) == []
    with pytest.raises(ImproperlyConfigured):
        editor.move_node(Framework.objects.get(pk=framework.pk), None, "2", -1)
    # The edit was rolled back with the refusal to record it.
    assert Framework.objects.get(pk=framework.pk).definition == framework.definition
