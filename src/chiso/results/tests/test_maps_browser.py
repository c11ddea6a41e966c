"""End-to-end: the maps of the provinces in Debian's chromium — PAPI 2024 on the 63 provinces (league
table, laptop and phone) and estimated on the 34 (pro-forma), and the 34 provinces of 2025 (a locality page; no result is published for
2025, so every province is in the no-data colour and the legend says so). Both archipelagos on both.

Run with `pytest -m browser`; screenshots go to test-artifacts/ (and CHISO_SHOTS when set).
"""

from __future__ import annotations

import pytest

from chiso.results.tests.test_locality_browser import site  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check_map(page, provinces: int) -> None:
    assert page.locator("svg.map path.province").count() == provinces
    assert page.locator("svg.map g.archipelago").count() == 2
    text = page.locator("svg.map").text_content() or ""
    assert "Hoàng Sa" in text and "Trường Sa" in text


def test_papi_2024_on_63_provinces_and_2025_on_34(site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/ket-qua/papi/2024/")
    _check_map(page, 63)
    assert (
        page.locator('svg.map path.province[data-code="22"] title')
        .text_content()
        .startswith("Quảng Ninh — 47,82")
    )
    page.locator("svg.map").scroll_into_view_if_needed()
    page.locator("figure.map-figure").screenshot(path=_path("map-papi-2024"))
    page.get_by_role("link", name="Thay đổi điểm").click()
    page.wait_for_url("**ban-do=thay-doi**")
    _check_map(page, 63)
    page.locator("figure.map-figure").screenshot(path=_path("map-papi-2024-change"))
    # the pro-forma map on the 34 provinces, next to the 63
    page.get_by_role("link", name="34 tỉnh, thành phố (ước tính)").click()
    page.wait_for_url("**ban-do=uoc-tinh-34**")
    _check_map(page, 34)
    figure = page.locator("figure.map-figure")
    assert "Ước tính theo 34 tỉnh, thành phố (pro-forma)" in figure.inner_text()
    assert "bình quân gia quyền theo dân số" in figure.inner_text()
    tip = page.locator('svg.map path.province[data-code="56"] title').text_content() or ""
    assert tip.startswith("Khánh Hòa — 44,43 (ước tính từ Khánh Hòa") and "Ninh Thuận" in tip
    page.locator("svg.map").scroll_into_view_if_needed()
    figure.screenshot(path=_path("map-papi-2024-34-proforma"))
    page.get_by_role("link", name="Điểm", exact=True).click()  # back to the 63
    page.wait_for_url("**ban-do=diem**")
    _check_map(page, 63)
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(site + "/ket-qua/papi/2024/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone.locator("svg.map").bounding_box()
    assert box and box["width"] <= 390
    phone.locator("figure.map-figure").screenshot(path=_path("map-papi-2024-phone"))
    phone.goto(site + "/ket-qua/dia-phuong/79/2025/")
    _check_map(phone, 34)
    assert "Chưa có kết quả công bố năm 2025" in (phone.locator("svg.map").text_content() or "")
    assert phone.locator("svg.map path.highlight").count() == 1  # TP. Hồ Chí Minh outlined
    phone.locator("figure.map-figure").screenshot(path=_path("map-2025-34-provinces-phone"))
    phone.close()


def _path(name: str) -> str:
    import os
    from pathlib import Path

    from chiso.results.tests.test_locality_browser import ARTIFACTS

    folders = [ARTIFACTS] + ([Path(os.environ["CHISO_SHOTS"])] if os.environ.get("CHISO_SHOTS") else [])
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return str(folders[-1] / f"{name}.png")
