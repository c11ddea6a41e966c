"""What the site's menus show: only the pages the user may open.

`menu` is a context processor: every template gets one `Menu` per request, whose answers are the
very checks the pages make — the role checks of `chiso.accounts.permissions` and the apps' own
(`chiso.plans.services.access`). It lives here, in the top app, because the header links to every
app's pages. Each answer is computed when a template first asks for it and kept for the request;
the role checks read the user's memberships once per request, so a page pays one query at most.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from chiso.accounts.permissions import can_manage
from chiso.plans import services as plans


class Menu:
    """The links one user's menus hold (the header, the plans tabs, the officer's tabs)."""

    def __init__(self, user: User | AnonymousUser):
        self.user = user

    @cached_property
    def signed_in(self) -> bool:
        """The work pages (assessments, surveys) open to every signed-in user; each shows what is theirs."""
        return bool(self.user.is_authenticated)

    @cached_property
    def plans(self) -> bool:
        """The plans list: for those who read every plan and for the agencies that take part in them
        (appraisers and the council have no plan to see)."""
        return self.signed_in and (plans.reads_all(self.user) or bool(plans.agencies_of(self.user)))

    @cached_property
    def rounds(self) -> bool:
        """The analysis-report rounds: an organiser's officers, and the agencies asked in a sent round
        (`chiso.rounds.views.round_list`)."""
        from chiso.rounds import services as rounds

        return self.signed_in and (
            rounds.organisers_managed(self.user).exists() or rounds.own_requests(self.user).exists()
        )

    @cached_property
    def leaders_board(self) -> bool:
        """The leaders' board: officers, administrators and leaders (`plans.views.leaders`)."""
        return self.signed_in and plans.reads_all(self.user)

    @cached_property
    def officer(self) -> bool:
        """The officer's pages (`officer_required`): the dashboard and its tabs."""
        return self.signed_in and can_manage(self.user)


def menu(request: HttpRequest) -> dict[str, Menu]:
    """Context processor: `menu`, the same object for every template rendered in the request."""
    found = getattr(request, "_chiso_menu", None)
    if found is None:
        found = Menu(getattr(request, "user", None) or AnonymousUser())
        setattr(request, "_chiso_menu", found)  # noqa: B010 — kept on the request, like the memberships on the user
    return {"menu": found}
