"""End-to-end in Debian's chromium: Cao Bằng's PAPI 2021 loss analysis with its charts, a
what-if, a rank target, plan items created from it with owners and deadlines, a task, and the
leaders' dashboard — on a laptop and on a phone. Screenshots go to test-artifacts/.

Run with `pytest -m browser`.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts"
LOSSES = "/ke-hoach/phan-tich/papi/2021/04/"
DEADLINE = date.today() + timedelta(days=400)
DUE = date.today() + timedelta(days=200)


@pytest.fixture
def site(live_server, settings, tmp_path):
    """The live server with the built-in data, three agencies and an officer."""
    from chiso.bootstrap import ensure_ready
    from chiso.plans.tests.conftest import make_user

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_ready(out=io.StringIO())
    from chiso.accounts.models import Role
    from chiso.units.models import Unit

    for code, name in (
        ("CB.STTTT", "Sở Thông tin và Truyền thông"),
        ("CB.SNV", "Sở Nội vụ"),
        ("CB.STNMT", "Sở Tài nguyên và Môi trường"),
    ):
        Unit.objects.create(level="department", code=code, name=name, kind="sở", parent_code="04")
    make_user("sonoivu", Role.OFFICER)
    make_user("lanhdao", Role.LEADER)
    return live_server.url


def signed_in(browser, site: str, username: str, **options):
    """A browser context holding the session of `username`."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    context = browser.new_context(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    return context


def shoot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_from_losses_to_a_plan_with_owners_and_deadlines(site, browser):
    context = signed_in(browser, site, "sonoivu", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(site + LOSSES)
    assert "Cao Bằng" in page.locator("h1").inner_text()
    assert page.locator("#chart-components svg rect").count() > 20  # drawn on the server
    assert page.locator("#chart-ranking svg circle").count() == 60  # one dot per ranked province
    shoot(page, "plans-losses-cao-bang-2021")

    page.fill("input[name=v_d8]", "6")
    page.get_by_role("button", name="Tính lại").click()
    page.locator("#whatif-result .new-score").wait_for()
    assert page.locator("#whatif-result .new-score").inner_text() == "43,16"  # 39,19 + (6 − 2,03)

    page.fill("#target-form input[name=rank]", "40")
    page.get_by_role("button", name="Tìm cách đạt").click()
    page.locator("#target-result .explanation").wait_for()
    assert "Để đạt hạng 40/63 (hiện 58/63)" in page.locator("#target-result .explanation").inner_text()
    shoot(page, "plans-whatif-target-cao-bang-2021")

    page.get_by_role("button", name="Tạo nội dung kế hoạch từ phương án này").click()
    page.wait_for_url("**/de-xuat/**")
    proposals = page.locator("fieldset.proposal")
    assert proposals.count() >= 1
    page.get_by_role("button", name="Thêm vào kế hoạch").click()  # no owners, no deadlines yet
    assert page.locator(".errorlist").first.inner_text() in (
        "Phải chọn cơ quan chủ trì.",
        "Phải có thời hạn hoàn thành.",
    )
    for i in range(proposals.count()):
        row = proposals.nth(i)
        row.locator("select[name$=-lead]").select_option(label="Sở Thông tin và Truyền thông")
        row.locator("input[name$=-deadline]").fill(DEADLINE.strftime("%d/%m/%Y"))
    shoot(page, "plans-proposals")
    page.get_by_role("button", name="Thêm vào kế hoạch").click()
    page.wait_for_url("**/ke-hoach/*/")
    first = page.locator("article.plan-item").first
    assert "Sở Thông tin và Truyền thông" in first.locator(".lead-agency").inner_text()
    assert first.locator(".deadline").inner_text() == DEADLINE.strftime("%d/%m/%Y")

    first.locator("summary", has_text="Giao nhiệm vụ").click()
    first.locator("input[name$=-title]").fill("Nâng cấp cổng dịch vụ công trực tuyến")
    first.locator("select[name$=-owner]").select_option(label="Sở Nội vụ")
    first.locator("input[name$=-due]").fill(DUE.strftime("%d/%m/%Y"))
    first.get_by_role("button", name="Giao").click()
    page.wait_for_load_state()
    task_row = page.locator("article.plan-item").first.locator("table.tasks tbody tr").first
    assert "Sở Nội vụ" in task_row.inner_text() and DUE.strftime("%d/%m/%Y") in task_row.inner_text()
    assert "quá hạn" not in task_row.inner_text()
    shoot(page, "plans-plan")
    plan_url = page.url
    page.goto(site + "/ke-hoach/trach-nhiem/papi-2018/")
    row = page.locator("tr#c-d8")
    row.locator("select[name=lead]").select_option(label="Sở Thông tin và Truyền thông")
    row.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert "Đã lưu phân công cho d8." in page.locator(".flash-list").inner_text()
    shoot(page, "plans-responsibilities")
    context.close()

    leader = signed_in(browser, site, "lanhdao", viewport={"width": 1366, "height": 900})
    board = leader.new_page()
    board.goto(site + "/ke-hoach/lanh-dao/")
    assert board.locator("#chart-agencies svg rect").count() > 4
    assert "Sở Thông tin và Truyền thông" in board.locator("table.by-agency").inner_text()
    shoot(board, "plans-leaders")
    leader.close()

    phone = signed_in(browser, site, "sonoivu", viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    small.goto(site + LOSSES)
    assert small.locator("#chart-components svg").is_visible()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    shoot(small, "plans-losses-phone")
    shoot(small, "plans-losses-phone-top", full_page=False)
    small.goto(plan_url)
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the plan scrolls sideways on a phone ({width}px)"
    shoot(small, "plans-plan-phone")
    phone.close()
