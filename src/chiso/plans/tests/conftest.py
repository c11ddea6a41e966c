"""Agencies of a province, a user for every role, and Cao Bằng's PAPI 2021 result."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook

from chiso.accounts.models import Membership, Role
from chiso.plans import services
from chiso.units.models import Unit


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never the user's data folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def agencies(db):
    def make(code, name):
        return Unit.objects.create(level="department", code=code, name=name, kind="sở", parent_code="04")

    return {
        "tttt": make("CB.STTTT", "Sở Thông tin và Truyền thông"),
        "tnmt": make("CB.STNMT", "Sở Tài nguyên và Môi trường"),
        "nv": make("CB.SNV", "Sở Nội vụ"),
        "tp": make("CB.STP", "Sở Tư pháp"),
    }


def make_user(name: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(name, f"{name}@example.vn", "pw", first_name=name)
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def people(agencies):
    return {
        "admin": make_user("quantri", Role.ADMIN),
        "officer": make_user("sonoivu", Role.OFFICER),
        "leader": make_user("lanhdao", Role.LEADER),
        "appraiser": make_user("thamdinh", Role.APPRAISER),
        "staff": make_user("canbo_tttt", Role.UNIT_STAFF, agencies["tttt"]),
        "head": make_user("giamdoc_tttt", Role.UNIT_HEAD, agencies["tttt"]),
        "other_staff": make_user("canbo_tp", Role.UNIT_STAFF, agencies["tp"]),
        "other_head": make_user("giamdoc_tp", Role.UNIT_HEAD, agencies["tp"]),
    }


@pytest.fixture(scope="session")
def cao_bang_2021(django_db_setup, django_db_blocker):
    """Cao Bằng (code 04) in PAPI 2021: 39,19/80, 58/63."""
    with django_db_blocker.unblock():
        return services.national_subject("papi", 2021, "04")


@pytest.fixture
def plan(people, agencies, cao_bang_2021):
    """A plan with one item led by the information department and one task it owns."""
    subject = cao_bang_2021
    plan = services.plan_for(subject, people["officer"])
    item = services.add_item(
        people["officer"],
        plan,
        criterion="d8",
        lead=agencies["tttt"],
        supporters=[agencies["nv"]],
        deadline=date.today() + timedelta(days=200),
        actions="Đưa 100% thủ tục lên dịch vụ công trực tuyến toàn trình.",
    )
    services.add_task(
        people["officer"],
        item,
        title="Nâng cấp cổng dịch vụ công",
        owner=agencies["tttt"],
        due=date.today() + timedelta(days=90),
    )
    return plan


def workbook(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data
