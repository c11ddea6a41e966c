"""A small cycle: two departments, a user for every role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.units.models import Unit


@pytest.fixture
def departments(db):
    return [
        Unit.objects.create(
            level="department", code="QN.STP", name="Sở Tư pháp", kind="sở", parent_code="22"
        ),
        Unit.objects.create(level="department", code="QN.SYT", name="Sở Y tế", kind="sở", parent_code="22"),
    ]


@pytest.fixture
def cycle(departments):
    framework = next(f for f in load_sample_frameworks() if f.scope == "department")
    return create_cycle(framework, 2025, "Sở, ban, ngành", departments, date.today() + timedelta(days=30))


def _user(name: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(name, f"{name}@example.vn", "pw")
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def people(departments):
    justice, health = departments
    return {
        "admin": _user("admin", Role.ADMIN),
        "officer": _user("sonoivu", Role.OFFICER),
        "appraiser": _user("thamdinh", Role.APPRAISER),
        "council": _user("hoidong", Role.COUNCIL),
        "leader": _user("lanhdao", Role.LEADER),
        "staff": _user("canbo_stp", Role.UNIT_STAFF, justice),
        "head": _user("thutruong_stp", Role.UNIT_HEAD, justice),
        "other_staff": _user("canbo_syt", Role.UNIT_STAFF, health),
        "other_head": _user("thutruong_syt", Role.UNIT_HEAD, health),
    }
