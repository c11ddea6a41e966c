"""Cao Bằng's Sở Nội vụ, two departments and a district under it, PAPI 2021 responsibilities, and a
user for each role."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.frameworks.models import Index
from chiso.frameworks.services import framework_for
from chiso.plans.models import Responsibility
from chiso.rounds import services
from chiso.units.models import Organiser, Unit

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(name: str, role: str, unit: Unit | None = None, organiser: Organiser | None = None) -> User:
    user = User.objects.create_user(name, f"{name}@example.vn", "pw", first_name=name)
    Membership.objects.create(user=user, role=role, unit=unit, organiser=organiser)
    return user


@pytest.fixture
def world(db):
    return make_world()


def make_world() -> dict:
    """The organiser, its agencies, their responsibilities and people (also for the browser test)."""
    province = Unit.objects.filter(level="province", code="04").order_by("-valid_from").first()
    organiser = Organiser.objects.create(code="so-noi-vu-04", name="Sở Nội vụ tỉnh Cao Bằng", unit=province)
    other_org = Organiser.objects.create(code="so-noi-vu-khac", name="Sở Nội vụ tỉnh khác")

    def dept(code, name, level="department"):
        return Unit.objects.create(level=level, code=code, name=name, kind="sở", parent_code="04")

    tttt = dept("CB.STTTT", "Sở Thông tin và Truyền thông")
    tp = dept("CB.STP", "Sở Tư pháp")
    district = dept("CB.H1", "Huyện Thử Nghiệm", level="district")
    papi = Index.objects.get(code="papi")
    framework = framework_for(papi, 2021)
    r = Responsibility.objects.create(framework=framework, criterion="d8", lead=tttt)
    r.supporters.set([tp])
    Responsibility.objects.create(framework=framework, criterion="d6", lead=tp)
    Responsibility.objects.create(framework=framework, criterion="d3", lead=district)
    people = {
        "officer": make_user("sonoivu_cb", Role.OFFICER, organiser=organiser),
        "other_officer": make_user("sonoivu_khac", Role.OFFICER, organiser=other_org),
        "staff": make_user("canbo_tttt", Role.UNIT_STAFF, tttt),
        "head": make_user("giamdoc_tttt", Role.UNIT_HEAD, tttt),
        "tp_staff": make_user("canbo_tp", Role.UNIT_STAFF, tp),
        "district_staff": make_user("canbo_huyen", Role.UNIT_STAFF, district),
    }
    return {
        "organiser": organiser,
        "tttt": tttt,
        "tp": tp,
        "district": district,
        "papi": papi,
        "framework": framework,
        "people": people,
    }


def new_round(world, deadline=date(2022, 6, 28), agencies=None):
    return services.create_round(
        world["people"]["officer"],
        world["organiser"],
        number="1009/SNV-CCHC&VTLT",
        issued=date(2022, 6, 3),
        deadline=deadline,
        title="Phân tích Chỉ số PAPI năm 2021",
        year=2021,
        indices=[world["papi"]],
        agencies=agencies or [world["tttt"], world["tp"], world["district"]],
    )


@pytest.fixture
def sent_round(world):
    round_ = new_round(world)
    services.send_round(world["people"]["officer"], round_)
    return round_


def fill(user, request, text="Nguyên nhân"):
    for answer in request.answers.all():
        services.save_answer(
            user, answer, causes=text, responsibility="Phòng chuyên môn", solutions="Giải pháp"
        )
