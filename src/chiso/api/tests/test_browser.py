"""End-to-end: the API's docs page in Debian's chromium, with every request outside the site refused
and recorded (the page must need none), and a client fetching PAPI 2021's ranking from it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from chiso.demo.tests.test_browser_phone import OVERFLOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture
def site(live_server, settings):
    from chiso.bootstrap import ensure_ready

    settings.CHISO_API_RATE = "10000/min"
    ensure_ready(out=io.StringIO())
    return live_server.url


def test_docs_page_works_offline_on_a_phone(site, browser):
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")

    def only_the_site(route):
        if route.request.url.startswith(site):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_site)
    page.goto(site + "/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert page.locator(".opblock").count() >= 14  # every endpoint is described
    measured = page.evaluate(OVERFLOW)
    assert measured["width"] <= 390, measured  # fits a phone, as every page (test_browser_phone)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-phone.png"), full_page=False)
    # Try it out: the ranking of PAPI 2021 from the docs page itself
    answer = page.evaluate(
        "async (u) => (await fetch(u)).json()", site + "/api/v1/rankings/papi/2021?limit=3"
    )
    assert [row["rank"] for row in answer["items"]] == [1, 2, 3]
    assert not outside, outside
