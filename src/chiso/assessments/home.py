"""Extension point of the home page (`assessments:home`, where one lands after signing in): panels
that higher apps add about the signed-in user's own work.

The assessments app knows nothing of the apps above it. An app with work to show a user — the
criteria, plan items and tasks given to their unit — registers a `HomePanel` in its
``AppConfig.ready()``::

    register_home_panel(HomePanel("plans/_home_panel.html", my_plan_work))

The callable returns the context of its template, or None when it has nothing for this user; its
template receives that context as ``panel``. Panels come after the assessment work list, in the
order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PanelContext = Callable[[HttpRequest], Mapping[str, Any] | None]


@dataclass(frozen=True)
class HomePanel:
    """A template shown on the home page, and the callable that gives it its context."""

    template: str
    context: PanelContext


@dataclass(frozen=True)
class ShownHomePanel:
    template: str
    context: Mapping[str, Any]


_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    """Add a panel to the home page, after those registered before it (twice is a no-op)."""
    if panel not in _panels:
        _panels.append(panel)


def home_panels(request: HttpRequest) -> list[ShownHomePanel]:
    """The panels with something to show this user, each with its context."""
    shown = []
    for panel in _panels:
        context = panel.context(request)
        if context is not None:
            shown.append(ShownHomePanel(panel.template, context))
    return shown
