"""Assign a fix where the 766 index loses points: a plan item owned by the responsible unit, in the
active improvement plan of the 766 index for the year of the period (the existing plans)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from chiso.dossiers import services
from chiso.dossiers.periods import parse_period
from chiso.plans.models import Plan
from chiso.plans.services.items import add_item
from chiso.units.models import Unit

CRITERION = "2.1"  # on-time processing: where overdue dossiers lose points


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).order_by("-valid_from").first()
    if unit is None:
        raise LookupError(_("Không có đơn vị mã {code}.").format(code=code))
    return unit


def _province_of(unit: Unit) -> Unit:
    """The province above a unit (the organiser whose plan holds the item), or the unit itself."""
    current, seen = unit, set()
    while current.parent_code and current.parent_code not in seen:
        seen.add(current.parent_code)
        parent = Unit.objects.filter(code=current.parent_code).order_by("-valid_from").first()
        if parent is None:
            break
        current = parent
    return current


def assign_fix(user: Any, *, unit_code: str, procedure: str, period: str, deadline: date) -> Plan:
    """Add the item "overdue dossiers of procedure P" led by the unit; the plan it went into."""
    start, _end = parse_period(period)
    lead = _unit(unit_code)
    owner = _province_of(lead)
    framework = services.framework()
    plan = (
        Plan.objects.filter(index=framework.index, year=start.year, unit=owner, status=Plan.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    if plan is None:
        plan = Plan.objects.create(
            index=framework.index,
            framework=framework,
            year=start.year,
            unit=owner,
            title=_("Kế hoạch cải thiện Chỉ số 766 năm {year} — {unit}").format(
                year=start.year, unit=owner.name
            ),
            created_by=user,
        )
    actions = (
        _("Khắc phục hồ sơ quá hạn của thủ tục {procedure} (kỳ {period}).").format(
            procedure=procedure, period=period
        )
        if procedure
        else _("Khắc phục hồ sơ quá hạn (kỳ {period}).").format(period=period)
    )
    add_item(user, plan, criterion=CRITERION, lead=lead, deadline=deadline, actions=actions)
    return plan
