"""End-to-end: the locality dashboard in Debian's chromium, on a laptop (1280 px) and a phone (390 px).

Run with `pytest -m browser`. Screenshots go to test-artifacts/ (and CHISO_SHOTS, when set) for
people to look at.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture
def site(live_server):
    from chiso.bootstrap import ensure_ready

    ensure_ready(out=io.StringIO())
    return live_server.url


def shoot(page, name: str) -> None:
    folders = [ARTIFACTS] + ([Path(os.environ["CHISO_SHOTS"])] if os.environ.get("CHISO_SHOTS") else [])
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_the_dashboard_on_a_laptop_and_a_phone(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/ket-qua/papi/2016/22/")
    page.get_by_role("link", name="Mọi chỉ số của đơn vị năm này").click()
    page.wait_for_url("**/ket-qua/dia-phuong/22/2016/")
    assert page.locator("h1").inner_text() == "Quảng Ninh"
    assert page.locator("article.locality-index").count() == 2
    assert "01/02 chỉ số tụt hạng" in page.locator(".locality-counts").inner_text()
    assert page.locator("svg.spark").count() == 2
    shoot(page, "locality-quang-ninh-2016")
    # The year selector (the form submits itself on change) goes to another year's dashboard.
    page.select_option("select[name=nam]", "2024")
    page.wait_for_url("**/ket-qua/dia-phuong/22/2024/")
    assert "xếp hạng 1/63 tỉnh, thành phố" in page.locator("article.locality-index .headline").inner_text()
    # A loss analysis is one tap away.
    page.get_by_role("link", name="Điểm bị mất").first.click()
    page.wait_for_url("**/ke-hoach/phan-tich/papi/2024/22/")
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(site + "/ket-qua/dia-phuong/22/2016/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    boxes = [phone.locator("article.locality-index").nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"]  # one list, one index under the other
    shoot(phone, "locality-quang-ninh-2016-phone")
    phone.close()


from chiso.results.tests.test_district_words import quang_ninh  # noqa: E402, F401  (the fixture)


def test_seed_004_a_district_on_four_indices(site, quang_ninh, browser):  # noqa: F811
    """Bình Liêu 2022 (tables imported by the user): four cards, "03/04 chỉ số tụt hạng"."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/ket-qua/dia-phuong/198/2022/")
    assert page.locator("article.locality-index").count() == 4
    assert "03/04 chỉ số tụt hạng" in page.locator(".locality-counts").inner_text()
    shoot(page, "locality-binh-lieu-2022")
    page.close()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(site + "/ket-qua/dia-phuong/198/2022/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "locality-binh-lieu-2022-phone")
    phone.close()
