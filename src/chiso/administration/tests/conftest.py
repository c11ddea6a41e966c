"""A small departments cycle for the officer's pages: four departments, a user for every role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.assessments.setup import create_cycle, load_sample_frameworks
from chiso.demo.cycles import drive
from chiso.units.models import Unit

SLUGS = {"stp": "Sở Tư pháp", "syt": "Sở Y tế", "sxd": "Sở Xây dựng", "snv": "Sở Nội vụ"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def departments(db):
    return {
        slug: Unit.objects.create(
            level="department", code=f"T.{slug.upper()}", name=name, kind="sở", parent_code="22"
        )
        for slug, name in SLUGS.items()
    }


def _user(name: str, role: str, unit: Unit | None = None, email: bool = True) -> User:
    user = User.objects.create_user(name, f"{name}@example.vn" if email else "", "pw")
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def people(departments):
    found = {
        "admin": _user("admin", Role.ADMIN),
        "sonoivu": _user("sonoivu", Role.OFFICER),
        "thamdinh": _user("thamdinh", Role.APPRAISER),
        "hoidong": _user("hoidong", Role.COUNCIL),
        "lanhdao": _user("lanhdao", Role.LEADER),
    }
    for slug, unit in departments.items():
        # Sở Nội vụ's people have no e-mail address: reminders must say so.
        found[f"canbo_{slug}"] = _user(f"canbo_{slug}", Role.UNIT_STAFF, unit, email=slug != "snv")
        found[f"thutruong_{slug}"] = _user(f"thutruong_{slug}", Role.UNIT_HEAD, unit, email=slug != "snv")
    return found


@pytest.fixture
def framework(db):
    return next(f for f in load_sample_frameworks() if f.scope == "department")


@pytest.fixture
def cycle(framework, departments, people):
    """Sở Tư pháp started, Sở Y tế approved, Sở Xây dựng submitted, Sở Nội vụ not started."""
    cycle = create_cycle(
        framework, 2025, "Sở, ban, ngành", list(departments.values()), date.today() + timedelta(days=30)
    )
    for slug, state in (("stp", "started"), ("syt", "approved"), ("sxd", "submitted")):
        drive(cycle.assessments.get(unit=departments[slug]), state, people, slug)
    return cycle


@pytest.fixture
def officer_client(client, people):
    client.force_login(people["sonoivu"])
    return client
