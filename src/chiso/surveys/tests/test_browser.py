"""End-to-end: a survey's results page in Debian's chromium (`pytest -m browser`).

The screenshot goes to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chiso.surveys import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHISO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


def test_results_page_draws_intervals(live_server, survey, responses_file):
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    services.import_responses(survey, responses_file)
    services.estimate(survey)
    survey.published = True
    survey.save()
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/khao-sat/{survey.pk}/ket-qua/")
        assert page.locator("h1").inner_text() == survey.title
        assert page.locator(".ci-whisker").count() == 2
        whisker = page.locator(".ci-whisker").first.bounding_box()
        assert whisker["width"] > 5
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "survey-results.png"), full_page=True)
        browser.close()
