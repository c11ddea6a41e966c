"""The extension point of the analysis pages: registered panels, shown when they have something to say."""

from typing import cast

import pytest
from django.test import RequestFactory

from chiso.results import extensions
from chiso.results.extensions import ShownPanel, SubjectPanel, panels_for, register_panel, registered_panels
from chiso.results.subjects import Subject


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(extensions, "_panels", {"losses": [], "target": []})


def test_panels_are_shown_in_their_order_and_hidden_when_they_return_none(empty_registry):
    request, subject = RequestFactory().get("/"), cast(Subject, object())  # the panels only pass it on
    first = SubjectPanel("a.html", lambda request, subject: {"n": 1})
    silent = SubjectPanel("b.html", lambda request, subject: None)
    last = SubjectPanel("c.html", lambda request, subject: {"who": subject})
    for panel in (first, silent, last, first):
        register_panel("losses", panel)
    assert registered_panels("losses") == (first, silent, last)
    assert registered_panels("target") == ()
    assert panels_for("losses", request, subject) == [
        ShownPanel("a.html", {"n": 1}),
        ShownPanel("c.html", {"who": subject}),
    ]
    assert panels_for("target", request, subject) == []
