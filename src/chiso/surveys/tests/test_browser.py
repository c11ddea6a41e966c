"""End-to-end: a survey's results page in Debian's chromium (`pytest -m browser`).

The screenshot goes to test-artifacts/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chiso.surveys import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


def test_results_page_draws_intervals(live_server, browser, survey, responses_file):
    services.import_responses(survey, responses_file)
    services.estimate(survey)
    survey.published = True
    survey.save()
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/khao-sat/{survey.pk}/ket-qua/")
    assert page.locator("h1").inner_text() == survey.title
    assert page.locator(".ci-whisker").count() == 2
    whisker = page.locator(".ci-whisker").first.bounding_box()
    assert whisker["width"] > 5
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "survey-results.png"), full_page=True)
    page.close()
