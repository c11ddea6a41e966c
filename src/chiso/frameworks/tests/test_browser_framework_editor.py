"""End-to-end in Debian's chromium: an officer builds a two-field framework in the editor (inline
htmx forms), sees the maxima check turn red and back, on a laptop and on a phone. Screenshots go
to test-artifacts/.

Run with `pytest -m browser`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"


@pytest.fixture
def site(live_server):
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.assessments.setup import INTERNAL_INDICES
    from chiso.bootstrap import ensure_ready
    from chiso.frameworks.models import Index

    ensure_ready(out=io.StringIO())
    for item in INTERNAL_INDICES:
        Index.objects.update_or_create(
            code=item["code"], defaults={k: v for k, v in item.items() if k != "code"}
        )
    user = User.objects.create_user("sonoivu", "sonoivu@example.vn", "pw", first_name="Sở Nội vụ")
    Membership.objects.create(user=user, role=Role.OFFICER)
    return live_server.url


def signed_in(browser, site: str, **options):
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="sonoivu"))
    context = browser.new_context(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    return context


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill_node(page, name: str, level: str, max_points: str, rule: str = "") -> None:
    """Fill the open inline form and save; waits for the tree to come back without a form."""
    form = page.locator("form.fw-form")
    form.locator("input[name=name_vi]").fill(name)
    form.locator("select[name=level]").select_option(level)
    form.locator("input[name=max_points]").fill(max_points)
    if rule:
        form.locator("select[name=rule_type]").select_option(rule)
        form.locator(".fw-params table, .fw-params .adm-field").first.wait_for()


def save(page) -> None:
    page.locator("form.fw-form").get_by_role("button", name="Lưu").click()
    page.locator("form.fw-form").wait_for(state="detached")


def add_child(page, code: str) -> None:
    page.locator(f"li#n-{code.replace('.', '-')} .fw-actions").get_by_role("button", name="+ con").click()
    page.locator("form.fw-form").wait_for()


def test_officer_builds_a_two_field_framework(site, browser):
    context = signed_in(browser, site, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(site + "/dieu-hanh/khung/")
    page.get_by_role("link", name="Tạo khung mới").click()
    page.wait_for_url("**/khung/tao-moi/")
    page.select_option("select[name=index]", label="CCHC sở — Chỉ số cải cách hành chính các sở, ban, ngành")
    page.fill("input[name=code]", "cchc-so-2026")
    page.fill("input[name=name_vi]", "Chỉ số CCHC các sở, ban, ngành năm 2026")
    page.fill("input[name=first_year]", "2026")
    page.fill("input[name=legal_number]", "123/QĐ-UBND")
    page.fill("input[name=legal_date]", "15/01/2026")
    page.fill("input[name=legal_issuer]", "UBND tỉnh")
    shoot(page, "framework-new")
    page.get_by_role("button", name="Tạo khung").click()
    page.wait_for_url("**/khung/cchc-so-2026/sua/")
    assert "Đã tạo khung cchc-so-2026" in page.locator(".flash-list").inner_text()

    add_child(page, "total")
    fill_node(page, "Công tác chỉ đạo, điều hành", "field", "40")
    save(page)
    add_child(page, "1")
    fill_node(page, "Tỷ lệ nhiệm vụ CCHC hoàn thành", "criterion", "40", "step_table")
    form = page.locator("form.fw-form")
    form.locator("input[name=r-0-min]").fill("70")
    form.locator("input[name=r-0-points]").fill("20")
    form.locator("input[name=r-1-min]").fill("90")
    form.locator("input[name=r-1-points]").fill("40")
    save(page)
    page.locator("li#n-1 .fw-actions").get_by_role("button", name="+ sau").click()
    page.locator("form.fw-form").wait_for()
    fill_node(page, "Cải cách thủ tục hành chính", "field", "60")
    save(page)
    add_child(page, "2")
    fill_node(page, "Công khai thủ tục hành chính", "criterion", "50", "checklist")
    form = page.locator("form.fw-form")
    for i, (code, label, points) in enumerate(
        [("cong_khai", "Công khai đầy đủ", "30"), ("dung_han", "Giải quyết đúng hạn", "20,5")]
    ):
        form.locator(f"input[name=r-{i}-code]").fill(code)
        form.locator(f"input[name=r-{i}-label_vi]").fill(label)
        form.locator(f"input[name=r-{i}-points]").fill(points)
    shoot(page, "framework-editor-form")
    save(page)
    # Field 2 is worth 60 but its criterion 50: the check turns red, next to the node as well.
    check = page.locator("#fw-check")
    assert "1 lỗi" in check.inner_text()
    assert "khác điểm tối đa 60" in page.locator("li#n-2 .fw-node-problems").inner_text()
    assert "20,5" not in page.locator("li#n-2-1").inner_text()  # the tree shows the rule summary
    shoot(page, "framework-editor-error")

    page.locator("li#n-2-1 .fw-actions").get_by_role("link", name="Sửa").click()
    form = page.locator("form.fw-form")
    form.wait_for()
    assert form.locator("input[name=r-1-points]").input_value() == "20,5"
    form.locator("input[name=max_points]").fill("60")
    save(page)
    assert "Khung hợp lệ" in page.locator("#fw-check").inner_text()
    assert page.locator("li.fw-node").count() == 5
    assert "60 điểm" in page.locator("li#n-2-1").inner_text()
    shoot(page, "framework-editor")
    context.close()

    phone = signed_in(browser, site, viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    small.goto(site + "/dieu-hanh/khung/cchc-so-2026/sua/?sua=1.1")
    small.locator("form.fw-form").wait_for()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the editor scrolls sideways on a phone ({width}px)"
    shoot(small, "framework-editor-phone")
    phone.close()
