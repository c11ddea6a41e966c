"""Who may do what in a round: the organiser's officers manage it; an agency sees its own request."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chiso.accounts.models import Membership, Role
from chiso.accounts.permissions import can_manage, manages, organisers_of, own_units, roles_of
from chiso.rounds.models import Request, Round
from chiso.units.models import Organiser, Unit
from chiso.units.organisers import valid_on

# The units of an organiser a round may ask: its departments, districts and communes (and offices).
RECIPIENT_LEVELS = ("department", "district", "office", "commune")


class RoundError(ValueError):
    """A user-facing refusal, in Vietnamese: a bad field, a forbidden step, a bad file."""


def managed_rounds(user: User | AnonymousUser) -> QuerySet[Round]:
    """The rounds of the organisers the user is an officer (or administrator) of."""
    rounds = Round.objects.select_related("organiser")
    if not can_manage(user):
        return rounds.none()
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    return rounds if scope is None else rounds.filter(organiser_id__in=scope)


def may_manage(user: User | AnonymousUser, round_: Round) -> bool:
    return manages(user, round_.organiser_id)


def require_manager(
    user: User | AnonymousUser, round_: Round | None = None, organiser: Organiser | None = None
) -> None:
    organiser_id = round_.organiser_id if round_ is not None else (organiser.pk if organiser else None)
    if not manages(user, organiser_id):
        raise RoundError(_("Chỉ cán bộ của đơn vị tổ chức đợt báo cáo được thực hiện việc này."))


def organisers_managed(user: User | AnonymousUser) -> QuerySet[Organiser]:
    """The organisers whose rounds the user may create."""
    if not can_manage(user):
        return Organiser.objects.none()
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    found = Organiser.objects.select_related("unit").order_by("pk")
    return found if scope is None else found.filter(pk__in=scope)


def own_requests(user: User | AnonymousUser) -> QuerySet[Request]:
    """The requests sent to the agencies the user works for (never a draft round's)."""
    mine = own_units(user)
    if not mine:
        return Request.objects.none()
    return Request.objects.filter(agency_id__in=mine).exclude(round__status=Round.Status.DRAFT)


def is_head(user: User | AnonymousUser, agency_id: int) -> bool:
    return agency_id in roles_of(user).get(Role.UNIT_HEAD, set())


def has_head(agency_id: int) -> bool:
    """Does the agency have an active head in chiso (who then approves before the answer is sent)?"""
    return Membership.objects.filter(role=Role.UNIT_HEAD, unit_id=agency_id, user__is_active=True).exists()


def recipients(organiser: Organiser, on: date | None = None) -> list[Unit]:
    """The units a round of the organiser may ask, valid on a day (today): those under its unit."""
    if organiser.unit is None:
        return []
    units = Unit.objects.filter(parent_code=organiser.unit.code, level__in=RECIPIENT_LEVELS).order_by(
        "level", "name"
    )
    order = {level: n for n, level in enumerate(RECIPIENT_LEVELS)}
    return sorted(valid_on(list(units), on or date.today()), key=lambda u: (order[u.level], u.name))


def agency_emails(agency_ids: list[int]) -> dict[int, list[str]]:
    """The e-mail addresses of the active staff and heads of each agency."""
    found: dict[int, set[str]] = {}
    for unit_id, email in (
        Membership.objects.filter(Q(role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD]), unit_id__in=agency_ids)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("unit_id", "user__email")
    ):
        found.setdefault(unit_id, set()).add(email)
    return {k: sorted(v) for k, v in found.items()}
