"""Extension point of the analysis pages: panels that higher apps add about one analysed unit.

The results app knows nothing of the apps above it (plans, reports, …). An app that has something to
say about a subject — its improvement plans, a button to act on a rank target — registers a
`SubjectPanel` in its ``AppConfig.ready()``, as NetBox's plugins register template extensions::

    register_panel("losses", SubjectPanel("plans/_losses_panel.html", plans_panel))

Where a panel goes (`Placement`):

- ``"losses"``: the page of points lost, after the what-if and target tools.
- ``"target"``: the htmx answer to a rank target, under the table of gains (only when there are
  gains). Its template also sees the fragment's ``gains`` (``code``, ``name``, ``raw`` — the points
  to gain as a plain decimal — ``from``, ``to``, ``points``).

The panel's callable returns the context of its template, or None when it has nothing to show to
this user; its template receives that context as ``panel``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

from chiso.results.subjects import Subject

Placement = Literal["losses", "target"]
PanelContext = Callable[[HttpRequest, Subject], Mapping[str, Any] | None]


@dataclass(frozen=True)
class SubjectPanel:
    """A template shown on an analysis page, and the callable that gives it its context."""

    template: str
    context: PanelContext


@dataclass(frozen=True)
class ShownPanel:
    """A panel to render: its template and the context its callable gave for this request."""

    template: str
    context: Mapping[str, Any]


_panels: dict[Placement, list[SubjectPanel]] = {"losses": [], "target": []}


def register_panel(placement: Placement, panel: SubjectPanel) -> None:
    """Add a panel at a placement, after those registered before it (registering twice is a no-op)."""
    if panel not in _panels[placement]:
        _panels[placement].append(panel)


def registered_panels(placement: Placement) -> tuple[SubjectPanel, ...]:
    """The panels registered at a placement, in their order."""
    return tuple(_panels[placement])


def panels_for(placement: Placement, request: HttpRequest, subject: Subject) -> list[ShownPanel]:
    """The panels with something to show this user about this subject, each with its context."""
    shown = []
    for panel in _panels[placement]:
        context = panel.context(request, subject)
        if context is not None:
            shown.append(ShownPanel(panel.template, context))
    return shown
