"""The officer's dashboard kept as rendered HTML (`services.fingerprint`): served again only while
the cycle's units, their states and the figures are those it shows; its forms still post."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from chiso.administration import services
from chiso.assessments import standings
from chiso.assessments.models import State
from chiso.core import generation, pagecache
from chiso.demo.cycles import drive

pytestmark = pytest.mark.django_db

URL = reverse("administration:dashboard")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="once" value="([^"]+)"')
STALE = "data-stale-standings"


@pytest.fixture(autouse=True)
def page_cache_on(settings, monkeypatch):
    settings.CHISO_PAGE_CACHE = True
    monkeypatch.setattr(generation, "pending", lambda: False)  # as after the commit, in production


def _list(html: str, key: str) -> str:
    """The HTML of one of the dashboard's lists."""
    start = html.index(f'id="{key}"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_is_kept_and_served_again(officer_client, cycle):
    first = officer_client.get(URL).content.decode()
    hits = pagecache.stats["hit"]
    again = officer_client.get(URL).content.decode()
    assert pagecache.stats["hit"] == hits + 1
    assert _list(first, services.APPRAISAL) == _list(again, services.APPRAISAL)
    assert ONCE.findall(first) != ONCE.findall(again)  # the reminder form: a new one-time token


def test_a_unit_that_moves_on_moves_between_the_lists(officer_client, cycle, people, departments):
    html = officer_client.get(URL).content.decode()
    assert "Sở Tư pháp" in _list(html, services.NOT_SUBMITTED_KEY)
    justice = cycle.assessments.get(unit=departments["stp"])
    drive(justice, State.SUBMITTED, people, "stp")
    html = officer_client.get(URL).content.decode()
    assert "Sở Tư pháp" not in _list(html, services.NOT_SUBMITTED_KEY)
    assert "Sở Tư pháp" in _list(html, services.APPRAISAL)


def test_a_new_deadline_is_shown_at_once(officer_client, cycle, people):
    officer_client.get(URL)
    new_due = cycle.self_assessment_due + timedelta(days=10)
    services.extend_deadline(people["sonoivu"], cycle, new_due, "Nhiều đơn vị đề nghị")
    assert new_due.strftime("%d/%m/%Y") in officer_client.get(URL).content.decode()


def test_totals_being_computed_again_are_not_kept(officer_client, cycle, monkeypatch):
    """While the stored totals are stale (their job waiting for the worker), the page says so and
    is not kept: when the job has run, the fingerprint is the same but the page is not."""
    officer_client.get(URL)
    standings.bump(cycle_id=cycle.pk)
    kept = pagecache.stats["kept"]
    with monkeypatch.context() as worker_busy:
        worker_busy.setattr(standings, "refresh_later", lambda cycle_id: None)
        for _ in range(2):
            assert STALE in officer_client.get(URL).content.decode()
        assert pagecache.stats["kept"] == kept
    assert STALE not in officer_client.get(URL).content.decode()  # the job ran (tasks in the request)
    assert pagecache.stats["kept"] == kept + 1


def test_the_reminder_form_of_a_kept_page_posts(cycle, people):
    officer = Client(enforce_csrf_checks=True)
    officer.force_login(people["sonoivu"])
    officer.get(URL)
    html = officer.get(URL).content.decode()
    form = html[html.index(reverse("administration:send_reminders", args=[cycle.pk])) :]
    csrf, once = CSRF.search(form), ONCE.search(form)
    assert csrf is not None and once is not None
    response = officer.post(
        reverse("administration:send_reminders", args=[cycle.pk]),
        {"csrfmiddlewaretoken": csrf.group(1), "once": once.group(1)},
    )
    assert response.status_code == 302
