"""Cycle creation, survey entry and the users page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from chiso.assessments.models import AuditEntry, Cycle, State
from chiso.core.once import new_token
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


# -- cycles -----------------------------------------------------------------------------------------


def test_create_a_cycle(officer_client, framework, departments):
    page = officer_client.get(reverse("administration:cycle_create"))
    assert page.status_code == 200 and "Sở Tư pháp" in page.content.decode()
    due = date.today() + timedelta(days=20)
    chosen = [departments["stp"].pk, departments["syt"].pk]
    response = officer_client.post(
        reverse("administration:cycle_create"),
        {
            "once": new_token(),
            "level": "department",
            "framework": framework.pk,
            "year": 2026,
            "block": "Sở, ban, ngành",
            "name": "",
            "units": chosen,
            "self_assessment_due": due.isoformat(),
            "appraisal_due": (due + timedelta(days=10)).strftime("%d/%m/%Y"),
            "explanation_due": "",
        },
    )
    cycle = Cycle.objects.get(year=2026)
    assert response.status_code == 302 and response["Location"].endswith(f"/ky/{cycle.pk}/")
    assert cycle.self_assessment_due == due and cycle.appraisal_due == due + timedelta(days=10)
    assert sorted(cycle.assessments.values_list("unit_id", flat=True)) == sorted(chosen)
    assert set(cycle.assessments.values_list("state", flat=True)) == {State.DRAFT}
    assert AuditEntry.objects.filter(cycle=cycle, action="create_cycle").exists()


def test_cycle_form_refuses_bad_input(officer_client, framework, departments, cycle):
    response = officer_client.post(
        reverse("administration:cycle_create"),
        {
            "once": new_token(),
            "level": "department",
            "framework": framework.pk,
            "year": 2025,  # a 2025 departments cycle exists (the fixture)
            "block": "Sở, ban, ngành",
            "units": [],
            "self_assessment_due": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã có kỳ đánh giá năm 2025" in html
    assert Cycle.objects.count() == 1
    response = officer_client.post(
        reverse("administration:cycle_create"),
        {
            "once": new_token(),
            "level": "department",
            "framework": framework.pk,
            "year": 2020,
            "block": "Khối thử",
            "units": [departments["stp"].pk],
            "self_assessment_due": date.today().isoformat(),
        },
    )
    assert "không áp dụng cho năm 2020" in response.content.decode()


def test_commune_block_lists_the_communes_of_the_province(officer_client, framework, departments):
    Unit.objects.create(level="commune", code="99901", name="Phường Thử Một", parent_code="22")
    Unit.objects.create(level="commune", code="99902", name="Xã Tỉnh Khác", parent_code="01")
    html = officer_client.get(reverse("administration:cycle_create") + "?cap=commune").content.decode()
    assert "Phường Thử Một" in html and "Xã Tỉnh Khác" not in html


# -- survey entry -----------------------------------------------------------------------------------


def test_survey_entry(officer_client, cycle):
    url = reverse("administration:survey", args=[cycle.pk])
    page = officer_client.get(url)
    assert page.status_code == 200 and "8.1" in page.content.decode()
    justice = cycle.assessments.get(unit__name="Sở Tư pháp")
    works = cycle.assessments.get(unit__name="Sở Xây dựng")

    response = officer_client.post(url, {f"v-{justice.pk}-8.1": "85,5", "source": ""})
    assert "Cần ghi nguồn" in response.content.decode()
    assert not justice.scores.filter(criterion="8.1").exists()

    response = officer_client.post(
        url,
        {
            f"v-{justice.pk}-8.1": "85,5",
            f"v-{justice.pk}-8.2": "120",
            f"v-{works.pk}-8.1": "nhiều",
            f"ver-{justice.pk}-8.1": "0",
            f"ver-{justice.pk}-8.2": "0",
            f"ver-{works.pk}-8.1": "0",
            "source": "Khảo sát sự hài lòng 2025",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "0 đến 100" in html and "«nhiều» không phải số" in html
    row = justice.scores.get(criterion="8.1")
    assert row.survey_index == Decimal("85.5") and row.self_points == Decimal("13.68")
    assert (
        AuditEntry.objects.get(assessment=justice, action="survey_index").reason
        == "Khảo sát sự hài lòng 2025"
    )

    response = officer_client.post(
        url,
        {
            f"v-{justice.pk}-8.1": "85,50",
            f"v-{works.pk}-8.1": "70",
            f"ver-{works.pk}-8.1": "0",
            "source": "Khảo sát 2025",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(assessment=justice, action="survey_index").count() == 1  # unchanged
    assert works.scores.get(criterion="8.1").survey_index == Decimal(70)
    assert "85,50" in officer_client.get(url).content.decode()


def test_users_page_lists_roles(officer_client, people, client):
    html = officer_client.get(reverse("administration:users")).content.decode()
    assert "canbo_stp" in html and "Cán bộ đơn vị — Sở Tư pháp" in html
    client.force_login(people["canbo_stp"])
    assert client.get(reverse("administration:users")).status_code == 403


def test_a_cycle_form_posted_twice_creates_one_cycle(officer_client, framework, departments):
    page = officer_client.get(reverse("administration:cycle_create")).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page)
    assert token is not None
    data = {
        "once": token.group(1),
        "level": "department",
        "framework": framework.pk,
        "year": 2026,
        "block": "Sở, ban, ngành",
        "units": [departments["stp"].pk],
        "self_assessment_due": (date.today() + timedelta(days=20)).isoformat(),
    }
    first = officer_client.post(reverse("administration:cycle_create"), data)
    second = officer_client.post(reverse("administration:cycle_create"), data, follow=True)
    assert first.status_code == 302 and Cycle.objects.filter(year=2026).count() == 1
    # Posted again after the first has finished, the form itself finds the cycle; posted at the same
    # moment, the token is what stops the second.
    assert "Đã có kỳ đánh giá năm 2026" in second.content.decode()
    assert AuditEntry.objects.filter(action="create_cycle").count() == 1
