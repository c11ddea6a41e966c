"""A survey belongs to the organiser whose officer created it: a district's officer neither reads
the province's unpublished survey nor imports into it, estimates it or publishes it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.surveys import services
from chiso.units.models import Organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(db):
    province = Organiser.objects.create(code="so-noi-vu-22", name="Sở Nội vụ tỉnh Quảng Ninh")
    district = Organiser.objects.create(code="phong-noi-vu-198", name="Phòng Nội vụ", parent=province)
    people = {}
    for username, organiser in (("sonoivu", province), ("phongnoivu", district)):
        user = User.objects.create_user(username, "", "pw")
        Membership.objects.create(user=user, role=Role.OFFICER, organiser=organiser)
        people[username] = user
    return people


def test_a_district_officer_cannot_touch_the_province_survey(client, survey, officers, responses_file):
    assert survey.organiser is None  # made from the command line: the top organiser's
    district_officer = officers["phongnoivu"]
    with pytest.raises(services.NotAllowed):
        services.import_responses(survey, responses_file, user=district_officer)
    with pytest.raises(services.NotAllowed):
        services.estimate(survey, district_officer)
    client.force_login(district_officer)
    assert survey.title not in client.get(reverse("surveys:home")).text
    assert client.post(reverse("surveys:publish", args=[survey.pk])).status_code in (302, 403)
    survey.refresh_from_db()
    assert not survey.published
    # the province's officer does all of it
    services.import_responses(survey, responses_file, user=officers["sonoivu"])
    client.force_login(officers["sonoivu"])
    assert survey.title in client.get(reverse("surveys:home")).text
    client.post(reverse("surveys:publish", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.published


def test_a_survey_made_by_a_district_officer_is_the_districts(form_file, officers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    questionnaire = services.import_questionnaire(form_file)
    made = services.create_survey(
        questionnaire, "Hài lòng các xã 2024", 2024, "commune", user=officers["phongnoivu"]
    )
    assert made.organiser is not None and made.organiser.code == "phong-noi-vu-198"
    with pytest.raises(services.NotAllowed):
        services.estimate(made, officers["sonoivu"])
