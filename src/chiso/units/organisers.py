"""Organisers: who runs indices for which units. One installation may host a province's Department
of Home Affairs and its districts' offices; each sees and manages its own cycles, indices and
frameworks (`chiso.accounts.permissions`), and assesses the units under it."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chiso.accounts.models import UNIT_ROLES, Membership, Role
from chiso.accounts.permissions import manages, organisers_of
from chiso.engine.names import match_key
from chiso.units.models import Organiser, Unit


class OrganiserError(ValueError):
    """An organiser that cannot be found or created; the message says why."""


def default_organiser() -> Organiser:
    """The installation's first organiser, created on first need for the administered province
    (the Sở Nội vụ of `province_code()`; an organiser without a unit when no province is known)."""
    first = Organiser.objects.order_by("pk").first()
    if first is not None:
        return first
    from chiso.units.services import province_code  # services reads organisers too

    code = province_code()
    province = current_unit("province", code) if code else None
    name = f"Sở Nội vụ {province.name}" if province else "Sở Nội vụ"
    name_en = f"Department of Home Affairs, {province.name}" if province else "Department of Home Affairs"
    return Organiser.objects.create(
        code=slugify(f"so-noi-vu-{province.code}" if province else "so-noi-vu"),
        name=name,
        name_en=name_en,
        unit=province,
    )


def current_unit(level: str, code: str, on: date | None = None) -> Unit | None:
    """The unit of `level` with `code` valid on `on` (the latest period when no day is given)."""
    queryset = Unit.objects.filter(level=level, code=code)
    if on is not None:
        queryset = queryset.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    return queryset.order_by("-valid_to", "-valid_from").first() if on else _latest(queryset)


def _latest(queryset) -> Unit | None:
    units = list(queryset)
    open_ended = [u for u in units if u.valid_to is None]
    if open_ended:
        return open_ended[0]
    return max(units, key=lambda u: u.valid_to or date.min, default=None)


# The levels whose units an organiser serves (its units are under them), most usual first.
TERRITORY_LEVELS = ("province", "district", "commune", "ministry", "department")


def territory(code: str) -> Unit:
    """The province, district or agency with `code` whose units an organiser assesses (its latest
    period: district 198 is Bình Liêu until 30/06/2025)."""
    for level in TERRITORY_LEVELS:
        unit = current_unit(level, code.strip())
        if unit is not None:
            return unit
    raise OrganiserError(_("Không có tỉnh, huyện hoặc cơ quan mã «{code}».").format(code=code))


def find_organiser(text: str) -> Organiser:
    """An organiser by code or by name (case and diacritics as written, spaces ignored)."""
    text = text.strip()
    found = Organiser.objects.filter(code=text).first()
    if found is not None:
        return found
    wanted = match_key(text)
    named = [o for o in Organiser.objects.all() if match_key(o.name) == wanted]
    if len(named) == 1:
        return named[0]
    known = ", ".join(Organiser.objects.order_by("pk").values_list("code", flat=True)) or "–"
    raise OrganiserError(
        _("Không có đơn vị tổ chức «{text}». Các đơn vị tổ chức: {known}.").format(text=text, known=known)
    )


@transaction.atomic
def create_organiser(
    code: str,
    name: str,
    *,
    name_en: str = "",
    unit: Unit | None = None,
    parent: Organiser | None = None,
) -> Organiser:
    """A new organiser; refused (OrganiserError) when the code is taken or not a slug, or the name is empty."""
    code = code.strip()
    if not code or slugify(code) != code:
        raise OrganiserError(
            _("Mã đơn vị tổ chức «{code}» chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.").format(
                code=code
            )
        )
    if Organiser.objects.filter(code=code).exists():
        raise OrganiserError(_("Đã có đơn vị tổ chức mã «{code}».").format(code=code))
    if not name.strip():
        raise OrganiserError(_("Thiếu tên đơn vị tổ chức."))
    return Organiser.objects.create(
        code=code, name=name.strip(), name_en=name_en.strip(), unit=unit, parent=parent
    )


def valid_on(units: list[Unit], on: date) -> list[Unit]:
    return [
        unit
        for unit in units
        if (unit.valid_from is None or unit.valid_from <= on)
        and (unit.valid_to is None or on <= unit.valid_to)
    ]


def units_of(organiser: Organiser, level: str, on: date | None = None) -> list[Unit]:
    """The units of `level` the organiser assesses on a day (today by default): those whose parent is
    the organiser's unit, or every unit of the level for an organiser without a unit."""
    queryset = Unit.objects.filter(level=level)
    if organiser.unit is not None:
        queryset = queryset.filter(parent_code=organiser.unit.code)
    return valid_on(list(queryset.order_by("name")), on or date.today())


def managed_by(user: User | AnonymousUser) -> list[Organiser]:
    """The organisers whose officer the user is (every one for administrators and
    installation-wide officers)."""
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    queryset = Organiser.objects.select_related("unit", "parent").order_by("pk")
    if scope is None:
        return list(queryset) or [default_organiser()]
    return list(queryset.filter(pk__in=scope))


def top_level_officer(user: User | AnonymousUser) -> bool:
    """An administrator, an installation-wide officer or an officer of a top-level organiser (the
    province that runs the installation): they change what every organiser shares."""
    scope = organisers_of(user, Role.ADMIN, Role.OFFICER)
    if scope is None:
        return True
    return Organiser.objects.filter(pk__in=scope, parent__isnull=True).exists()


def may_set_up(user: User | AnonymousUser, organiser: Organiser) -> bool:
    """May the user give roles in `organiser`: its officers, and the officers of the organiser above
    it (a province's officer sets up the district organisers under the province)."""
    return manages(user, organiser.pk) or (
        organiser.parent_id is not None and manages(user, organiser.parent_id)
    )


def unit_of(organiser: Organiser, code: str) -> Unit:
    """The unit with `code` that the organiser assesses (its latest period)."""
    queryset = Unit.objects.filter(code=code.strip())
    if organiser.unit is not None:
        queryset = queryset.filter(parent_code=organiser.unit.code)
    unit = _latest(queryset)
    if unit is None:
        raise OrganiserError(
            _("{organiser} không đánh giá đơn vị nào mã «{code}».").format(
                organiser=organiser.name, code=code
            )
        )
    return unit


@transaction.atomic
def add_member(organiser: Organiser, username: str, role: str, unit_code: str = "") -> Membership:
    """Give the account `username` a role in the organiser: for one of its units (unit staff, unit
    head), or for the organiser itself (officer, appraiser, council, leader)."""
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise OrganiserError(
            _(
                "Không có tài khoản «{username}»; tạo tài khoản trước (trang quản trị hoặc «chiso users add»)."
            ).format(username=username)
        )
    if role not in Role.values or role == Role.ADMIN:
        raise OrganiserError(_("Vai trò «{role}» không dùng được ở đây.").format(role=role))
    if role in UNIT_ROLES:
        if not unit_code.strip():
            raise OrganiserError(_("Cán bộ, thủ trưởng đơn vị cần mã đơn vị."))
        membership, _created = Membership.objects.get_or_create(
            user=user, role=role, unit=unit_of(organiser, unit_code), organiser=None
        )
    else:
        membership, _created = Membership.objects.get_or_create(
            user=user, role=role, unit=None, organiser=organiser
        )
    return membership
