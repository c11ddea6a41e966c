"""`chiso demo`'s seeding: demo mode only, every state, idempotent, the accounts printed."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.administration import services
from chiso.assessments.models import Assessment, AuditEntry, CriterionScore, Cycle, State
from chiso.demo.build import DemoRefused, seed_demo
from chiso.demo.people import DEMO_PASSWORD
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

DEMO_USERS = (
    "admin",
    "sonoivu",
    "thamdinh",
    "hoidong",
    "lanhdao",
    "canbo_sotuphap",
    "thutruong_sotuphap",
    "canbo_soyte",
    "thutruong_soyte",
    "canbo_halong",
    "thutruong_halong",
)


def test_refused_outside_demo_mode(monkeypatch):
    monkeypatch.delenv("CHISO_DEMO", raising=False)
    with pytest.raises(DemoRefused, match="demo"):
        seed_demo(out=io.StringIO())
    monkeypatch.setenv("CHISO_DEMO", "0")
    with pytest.raises(DemoRefused):
        seed_demo(out=io.StringIO())
    assert not User.objects.filter(username__in=DEMO_USERS).exists()
    assert not any(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Membership, Unit, Cycle, Assessment, CriterionScore, AuditEntry)
    }


def test_seed_demo(monkeypatch, client):
    monkeypatch.setenv("CHISO_DEMO", "1")
    first = io.StringIO()
    seed_demo(out=first)
    counts = _counts()

    # every role, named after it, with the demo password; printed on the console
    for username in DEMO_USERS:
        sign_in = RequestFactory().post("/tai-khoan/dang-nhap/")  # sign-in throttling needs the request
        assert authenticate(sign_in, username=username, password=DEMO_PASSWORD) is not None, username
        assert username in first.getvalue()
    assert DEMO_PASSWORD in first.getvalue() and "Sở Tư pháp" in first.getvalue()
    assert User.objects.get(username="admin").is_superuser
    assert Membership.objects.filter(user__username="sonoivu", role=Role.OFFICER).exists()
    halong_staff = Membership.objects.get(user__username="canbo_halong")
    assert halong_staff.unit is not None and halong_staff.unit.name == "Phường Hạ Long"
    # accounts that only authored the seeded history cannot log in
    assert not User.objects.get(username="canbo_soxaydung").has_usable_password()

    # Quảng Ninh's departments (local codes) and real communes (official codes)
    assert Unit.objects.get(level="department", code="22.STP").name == "Sở Tư pháp"
    assert Unit.objects.get(level="commune", code="06994").name == "Đặc khu Vân Đồn"

    # The 766 index of the two last months: one result set per month for the departments, one for
    # the communes, every commune ranked among the communes; the procedures lost points are named.
    from chiso.dossiers.models import DossierRun
    from chiso.dossiers.page import procedure_names
    from chiso.results.models import ResultSet

    months = ResultSet.objects.published().filter(index__code="dvc766")
    assert sorted(months.values_list("level", flat=True)) == [
        "commune",
        "commune",
        "department",
        "department",
    ]
    for run in DossierRun.objects.all():
        assert {rs.level for rs in run.result_sets.all()} == {"commune", "department"}, run.period
        losses = {loss["procedure_code"] for loss in run.losses}
        assert losses and set(procedure_names(losses)) == losses

    last_year = Cycle.objects.get(year=2024)
    assert last_year.is_published
    assert set(last_year.assessments.values_list("state", flat=True)) == {State.APPROVED}
    departments = Cycle.objects.get(year=2025, block="Sở, ban, ngành")
    states = set(departments.assessments.values_list("state", flat=True))
    assert states == set(State.values)
    drafts = departments.assessments.filter(state=State.DRAFT)
    assert drafts.filter(started=True).exists() and drafts.filter(started=False).exists()
    communes = Cycle.objects.get(year=2025, block="UBND cấp xã")
    assert communes.assessments.values("state").distinct().count() >= 4

    # the audit log is real: every state change went through the workflow services
    approved = departments.assessments.filter(state=State.APPROVED).first()
    assert approved is not None
    actions = set(AuditEntry.objects.filter(assessment=approved).values_list("action", flat=True))
    assert {
        "self_score",
        "send_to_head",
        "head_approve",
        "appraise",
        "survey_index",
        "council_approve",
    } <= actions
    assert approved.scores.filter(criterion="8.1", survey_index__isnull=False).exists()

    # the dashboards: changes against last year, and the communes overdue
    board = services.board(departments)
    assert all(row.previous_total is not None for row in board.lists[services.APPROVED])
    assert services.board(communes).lists[services.OVERDUE]
    client.force_login(User.objects.get(username="sonoivu"))
    assert client.get(reverse("administration:dashboard")).status_code == 200

    # Quảng Ninh ranks by block: the departments within the block of departments (all 14 of them)
    public = client.get(reverse("assessments:published", args=[last_year.pk]))
    block_ranks = [row["block_rank"] for row in public.context["rows"]]
    assert len(block_ranks) == 14 and all(rank.endswith("/14") for rank in block_ranks)
    assert "Hạng trong khối" in public.content.decode()
    halong = Unit.objects.get(level="commune", code="06688")
    assert halong.block_memberships.get().block.code == "dia-phuong"

    second = io.StringIO()
    seed_demo(out=second)
    assert _counts() == counts
    assert second.getvalue() == first.getvalue()
