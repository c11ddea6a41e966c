"""A ward leads a plan item, end to end in Debian's chromium: the officer finds the ward with the
search box of the lead list (no list of thousands of communes) and gives it the item; the ward's
staff, on a phone (390 px), see it on their home page and report the quarter with an evidence
file; the officer sees the report received. Screenshots go to test-artifacts/.

Run with `pytest -m browser`.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from chiso.plans.tests.test_browser import shoot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEADLINE = date.today() + timedelta(days=300)


@pytest.fixture
def site(live_server, settings, tmp_path):
    """The live server with the built-in data, Cao Bằng's plan after PAPI 2021, two departments,
    150 wards and communes (more than a list shows), an officer and a ward's staff."""
    from chiso.bootstrap import ensure_ready
    from chiso.plans.tests.conftest import make_user

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_ready(out=io.StringIO())
    from chiso.accounts.models import Role
    from chiso.plans import services
    from chiso.units.models import Unit

    for code, name in (("CB.SNV", "Sở Nội vụ"), ("CB.SLDTBXH", "Sở Y tế")):
        Unit.objects.create(level="department", code=code, name=name, kind="sở", parent_code="04")
    Unit.objects.bulk_create(
        Unit(level="commune", code=f"9{n:04d}", name=f"Xã Thử Nghiệm {n:04d}", parent_code="04")
        for n in range(150)
    )
    ward = Unit.objects.create(
        level="commune", code="01273", name="Phường Thục Phán", kind="Phường", parent_code="04"
    )
    officer = make_user("sonoivu", Role.OFFICER)
    make_user("canbo_thucphan", Role.UNIT_STAFF, ward)
    plan = services.plan_for(services.national_subject("papi", 2021, "04"), officer)
    return live_server.url, plan.pk


def test_a_ward_gets_an_item_and_reports_from_a_phone(site, browser, tmp_path):
    url, plan_pk = site
    officer = signed_in(browser, url, "sonoivu", viewport={"width": 1366, "height": 900})
    page = officer.new_page()
    page.goto(f"{url}/ke-hoach/{plan_pk}/")
    lead = page.locator("select[name=new-lead]")
    assert lead.locator("option", has_text="Sở Nội vụ").count() == 1
    assert lead.locator("option", has_text="Phường Thục Phán").count() == 0  # found, not listed
    page.select_option("select[name=new-criterion]", value="d2")
    search = page.locator("select[name=new-lead]").locator("xpath=preceding-sibling::input[1]")
    search.fill("thuc phan")
    lead.locator("option", has_text="Phường Thục Phán").wait_for(state="attached")
    assert lead.evaluate("s => s.options[s.selectedIndex].text") == "Phường Thục Phán"
    page.fill("input[name=new-deadline]", DEADLINE.strftime("%d/%m/%Y"))
    page.fill("textarea[name=new-actions]", "Niêm yết danh sách hộ nghèo tại các tổ dân phố.")
    shoot(page, "plans-owner-search")
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.wait_for_load_state()
    item = page.locator("article.plan-item").first
    assert "Phường Thục Phán" in item.locator(".lead-agency").inner_text()
    officer.close()

    staff = signed_in(browser, url, "canbo_thucphan", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = staff.new_page()
    phone.goto(f"{url}/danh-gia/")
    panel = phone.locator("#my-plans")
    assert "d2" in panel.inner_text() and "chủ trì" in panel.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "plans-ward-home-phone")
    panel.get_by_role("link", name="Gửi báo cáo tiến độ").click()
    phone.wait_for_load_state()
    form = phone.locator("form[action*='/bao-cao/']")
    form.locator("input[name$=-percent_done]").fill("35")
    form.locator("textarea[name$=-text]").fill("Đã niêm yết tại 4/12 tổ dân phố; biên bản kèm theo.")
    evidence = tmp_path / "bien-ban-niem-yet.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.get_by_role("button", name="Gửi báo cáo").click()
    phone.wait_for_load_state()
    assert "Đã gửi báo cáo tiến độ." in phone.locator(".flash-list").inner_text()
    assert "bien-ban-niem-yet.pdf" in phone.locator("ul.reports").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "plans-ward-report-phone")
    staff.close()

    officer = signed_in(browser, url, "sonoivu", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = officer.new_page()
    page.goto(f"{url}/ke-hoach/{plan_pk}/")
    row = page.locator("tr.agency-reporting", has_text="Phường Thục Phán")
    assert row.locator("td").nth(3).inner_text() == "0"  # nothing missing
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "plans-officer-reporting-phone")
    officer.close()
