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


def test_an_analyst_fetches_papi_2021_as_json_and_it_equals_the_page(site, browser):
    """A plain HTTP client (no browser, no cookie) against the live server: the ranking of PAPI 2021
    as JSON, row by row the table the browser shows on the public page."""
    import json
    import urllib.request

    request = urllib.request.Request(
        site + "/api/v1/rankings/papi/2021?limit=100", headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/json")
        data = json.load(answer)
    assert data["count"] == 63 and data["of"] == 63 and "CECODES" in data["source"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(site + "/ket-qua/papi/2021/")
    shown = page.locator("table.league tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].slice(0, 3).map(c => c.innerText.trim()))"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ranking-papi-2021-as-in-the-api.png"), full_page=False)
    page.close()
    from_api = [
        [
            f"{row['rank']}/{data['of']}" if row["rank"] is not None else "–",
            row["name"],
            (row["score"] or "–").replace(".", ","),
        ]
        for row in data["items"]
    ]
    assert shown == from_api
    assert ["14/63", "Ninh Thuận", "43,83"] in shown
