"""End-to-end: the public results pages in Debian's chromium, on a laptop and on a phone.

Run with `pytest -m browser` (CI does). Screenshots go to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture
def site(live_server):
    """The live server with the built-in data (transactional tests empty the database after each)."""
    from chiso.bootstrap import ensure_ready

    ensure_ready(out=io.StringIO())
    return live_server.url


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_from_home_to_a_profile_in_vietnamese(site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "Kết quả các chỉ số hành chính công"
    shoot(page, "home")
    page.get_by_role("link", name="PAPI 2024").click()
    page.wait_for_url("**/ket-qua/papi/2024/")
    assert "PAPI 2024" in page.locator("h1").inner_text()
    assert page.locator("table.league tbody tr").count() == 63
    shoot(page, "ranking-papi-2024")
    page.goto(site + "/ket-qua/papi/2021/")
    page.get_by_role("link", name="Ninh Thuận").click()
    page.wait_for_url("**/ket-qua/papi/2021/58/")
    headline = page.locator(".headline").inner_text()
    assert (
        "đạt 43,83/80 điểm, xếp hạng 14/63 tỉnh, thành phố; tăng 3,08 điểm và tăng 44 bậc so với năm 2020"
        in headline
    )
    shoot(page, "profile-ninh-thuan-2021")
    page.close()


def test_region_filter_and_english_switch(site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(site + "/ket-qua/papi/2021/")
    page.select_option("select[name=vung]", label="Đồng bằng sông Cửu Long")
    page.wait_for_url("**vung=*")
    assert page.locator("table.league tbody tr").count() == 13
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.locator("th").first.inner_text().strip().lower() == "rank"
    page.close()


def test_pages_fit_a_phone(site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(site + "/ket-qua/papi/2020/04/")
    assert "giảm 4 bậc so với năm 2019" in page.locator(".headline").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    shoot(page, "profile-cao-bang-2020-phone")
    page.close()


def test_a_citizen_finds_an_old_province_without_accents(site, browser):
    """Typed as on a phone without Vietnamese input: "ninh thuan" → Ninh Thuận, its results, and
    Khánh Hòa, which it joined on 01/07/2025."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(site + "/")
    page.get_by_role("link", name="Tìm đơn vị").click()
    page.fill("input[name=q]", "ninh thuan")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/tim-kiem/?q=ninh+thuan")
    hit = page.locator(".search-hit").first
    assert "Ninh Thuận" in hit.locator("h2").inner_text()
    assert "tồn tại đến ngày 30/06/2025" in hit.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    shoot(page, "search-ninh-thuan-phone")
    hit.get_by_role("link", name="2021").first.click()
    page.wait_for_url("**/ket-qua/*/2021/58/")
    page.go_back()
    # the province's own page: every index of its latest year, and the map with it outlined
    page.locator(".search-hit").first.locator("a.unit-page").click()
    page.wait_for_url("**/ket-qua/dia-phuong/58/2024/")
    assert "Ninh Thuận" in page.locator("h1").inner_text()
    assert page.locator("svg.map path.province").count() == 63
    assert page.locator('svg.map path.highlight[data-code="58"]').count() == 1
    assert page.locator("svg.map g.archipelago").count() == 2
    shoot(page, "locality-ninh-thuan-2024-phone")
    # the same year on the 34 provinces: Ninh Thuận is part of Khánh Hòa, outlined
    page.get_by_role("link", name="34 tỉnh, thành phố (ước tính)").click()
    page.wait_for_url("**ban-do=uoc-tinh-34**")
    assert page.locator("svg.map path.province").count() == 34
    assert page.locator('svg.map path.highlight[data-code="56"]').count() == 1
    assert "Ước tính theo 34 tỉnh, thành phố (pro-forma)" in page.locator("figure.map-figure").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    page.locator("figure.map-figure").screenshot(
        path=str(ARTIFACTS / "locality-ninh-thuan-2024-34-phone.png")
    )
    page.goto(site + "/tim-kiem/?q=ninh+thuan")
    page.locator(".search-hit").first.get_by_role("link", name="Khánh Hòa").click()
    page.wait_for_url("**/tim-kiem/?q=56")
    assert "Hình thành từ" in page.locator(".search-results").inner_text()
    page.close()
