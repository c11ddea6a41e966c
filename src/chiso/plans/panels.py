"""What the plans app adds to the analysis pages of a result (`chiso.results.extensions`): the plans
made after it with a way to propose plan items, and a button that turns a rank target into items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from chiso.results.extensions import SubjectPanel, register_panel

if TYPE_CHECKING:
    from django.http import HttpRequest

    from chiso.results.subjects import Subject

# The panels are registered while Django starts (PlansConfig.ready), for every command too: what
# they need to answer a request is imported when a page asks, not at start-up.


def propose_url(subject: Subject) -> str:
    """The page proposing plan items after this result."""
    return reverse(f"plans:{subject.url_prefix}_propose", args=subject.url_args) + subject.query


def plans_panel(request: HttpRequest, subject: Subject) -> dict[str, Any] | None:
    """On the page of points lost: the plans this user may see, and the proposal form for managers."""
    from chiso.plans.services import manages, plans_of, visible_plans

    may_manage = manages(request.user)
    plans = list(plans_of(subject).filter(pk__in=visible_plans(request.user).values("pk")))
    if not (may_manage or plans):
        return None
    return {"plans": plans, "manages": may_manage, "propose_url": propose_url(subject)}


def target_panel(request: HttpRequest, subject: Subject) -> dict[str, Any] | None:
    """Under a rank target's gains, for managers: make plan items of them."""
    from chiso.plans.services import manages

    if not manages(request.user):
        return None
    return {"propose_url": propose_url(subject)}


def register() -> None:
    """Add the plans' panels to the analysis pages (called once the apps are ready)."""
    register_panel("losses", SubjectPanel("plans/_losses_panel.html", plans_panel))
    register_panel("target", SubjectPanel("plans/_target_panel.html", target_panel))
