"""The assessment page kept as rendered HTML (`views.page.fingerprint`): served again only while
nothing it shows has changed, the same for everyone with the same rights, its forms still posting."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chiso.assessments import evidence as evidence_service
from chiso.assessments import workflow
from chiso.assessments.tests.helpers import PDF, fill_self_assessment, inputs_for, version
from chiso.core import generation, pagecache

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="once" value="([^"]+)"')
TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # a masked CSRF token (the page's htmx header too)


@pytest.fixture(autouse=True)
def page_cache_on(settings, monkeypatch, tmp_path):
    settings.CHISO_PAGE_CACHE = True
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(generation, "pending", lambda: False)  # as after the commit, in production


def _page(client: Client, assessment) -> str:
    response = client.get(reverse("assessments:assessment", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _served_from_cache(client: Client, assessment) -> str:
    before = pagecache.stats["hit"]
    html = _page(client, assessment)
    assert pagecache.stats["hit"] == before + 1, "expected the kept page"
    return html


def test_the_page_is_kept_and_served_again_unchanged(cycle, people):
    assessment = cycle.assessments.get(unit__code="QN.STP")
    staff = _signed_in(people["staff"])
    first = _page(staff, assessment)
    again = _served_from_cache(staff, assessment)
    assert TOKEN.sub("", ONCE.sub("", first)) == TOKEN.sub("", ONCE.sub("", again))


def test_a_saved_score_is_shown_at_once(cycle, people):
    assessment = cycle.assessments.get(unit__code="QN.STP")
    officer = _signed_in(people["officer"])
    _page(officer, assessment)
    workflow.save_self_score(
        people["staff"],
        assessment,
        "1.1",
        inputs_for(assessment.cycle.framework.to_engine().node("1.1")),
        "Ghi chú mới lưu",
        expected_version=version(assessment, "1.1"),
    )
    html = _page(officer, assessment)
    assert "Ghi chú mới lưu" in html


def test_evidence_added_and_removed_is_shown_at_once(cycle, people):
    assessment = cycle.assessments.get(unit__code="QN.STP")
    officer = _signed_in(people["officer"])
    _page(officer, assessment)
    upload = SimpleUploadedFile("bien-ban-kiem-tra.pdf", PDF, content_type="application/pdf")
    item = evidence_service.add_evidence(people["staff"], assessment, "1.1", upload)
    assert "bien-ban-kiem-tra.pdf" in _page(officer, assessment)
    evidence_service.remove_evidence(people["staff"], item)
    assert "bien-ban-kiem-tra.pdf" not in _page(officer, assessment)


def test_a_step_of_the_workflow_is_shown_at_once(cycle, people):
    assessment = cycle.assessments.get(unit__code="QN.STP")
    fill_self_assessment(people["staff"], assessment)
    head = _signed_in(people["head"])
    approve = reverse("assessments:transition", args=[assessment.pk, "head_approve"])
    assert approve in _page(head, assessment)
    workflow.head_approve(people["head"], assessment)
    assert approve not in _page(head, assessment)


def test_each_set_of_rights_has_its_own_page(cycle, people):
    assessment = cycle.assessments.get(unit__code="QN.STP")
    save = reverse("assessments:save_self", args=[assessment.pk, "1.1"])
    assert save in _page(_signed_in(people["staff"]), assessment)  # the unit may edit
    assert save not in _page(_signed_in(people["officer"]), assessment)  # the officer may not
    assert save in _page(_signed_in(people["staff"]), assessment)


def test_a_kept_form_posts_with_this_requests_tokens(cycle, people):
    assessment = cycle.assessments.get(unit__code="QN.STP")
    _page(_signed_in(people["staff"]), assessment)  # kept, with the first client's tokens
    other = Client(enforce_csrf_checks=True)
    other.force_login(people["staff"])
    html = _served_from_cache(other, assessment)
    tokens = set(ONCE.findall(html))
    assert len(tokens) == len(ONCE.findall(html)) > 1  # a new one-time token for each form
    token = CSRF.search(html)
    assert token is not None
    node = assessment.cycle.framework.to_engine().node("1.1")
    response = other.post(
        reverse("assessments:save_self", args=[assessment.pk, "1.1"]),
        {"csrfmiddlewaretoken": token.group(1), "version": version(assessment, "1.1"), **inputs_for(node)},
    )
    assert response.status_code in (200, 302)
    assert workflow.current_version(assessment, "1.1") == 1
