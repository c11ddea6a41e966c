"""The permission rule on lists: `Assessment.objects.restrict(user, action)` keeps exactly the
assessments on which `allowed` says yes, for every role and action; cycles likewise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from chiso.assessments import actions as perm
from chiso.assessments.models import Assessment, Cycle

pytestmark = pytest.mark.django_db


def _agree(user, today: date | None = None) -> None:
    everything = list(Assessment.objects.select_related("cycle"))
    for action in perm.ASSESSMENT_ACTIONS:
        expected = {a.pk for a in everything if perm.allowed(user, action, a, today)}
        found = set(
            perm.restrict_assessments(Assessment.objects.all(), user, action, today).values_list(
                "pk", flat=True
            )
        )
        assert found == expected, (user, action)


def test_restrict_agrees_with_allowed_for_every_role_and_action(cycle, people):
    for user in people.values():
        _agree(user)
    _agree(AnonymousUser())


def test_the_deadline_closes_the_units_own_steps(cycle, people):
    later = cycle.self_assessment_due + timedelta(days=1)
    staff = people["canbo_stp"]
    assert Assessment.objects.restrict(staff, perm.EDIT_SELF).exists()
    assert not perm.restrict_assessments(Assessment.objects.all(), staff, perm.EDIT_SELF, later).exists()
    _agree(staff, later)


def test_the_queryset_methods(cycle, people):
    staff = people["canbo_stp"]
    own = Assessment.objects.restrict(staff, "view")
    assert [a.unit.name for a in own] == ["Sở Tư pháp"]
    assert Assessment.objects.restrict(people["lanhdao"]).count() == cycle.assessments.count()
    assert not Assessment.objects.restrict(staff, "no such action").exists()
    assert not Assessment.objects.restrict(AnonymousUser()).exists()
    assert list(Cycle.objects.restrict(staff)) == [cycle]
    assert list(Cycle.objects.restrict(people["thamdinh"])) == list(Cycle.objects.all())
    assert list(Cycle.objects.restrict(people["sonoivu"], perm.MANAGE)) == list(Cycle.objects.all())
    assert not Cycle.objects.restrict(staff, perm.MANAGE).exists()
    assert set(Assessment.objects.restrict(staff, perm.VIEW)) == set(own)
