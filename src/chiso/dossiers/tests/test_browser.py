"""The officer's 766 month end to end in Debian's chromium: uploads two generated months, computes
them, sees the ranks with their change and where points are lost, and assigns a fix to the
responsible unit (a plan item). Screenshots go to test-artifacts/. Run with `pytest -m browser`."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.plans.tests.test_browser import shoot, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings, tmp_path):
    from chiso.accounts.models import Role
    from chiso.dossiers.generate import generate, write
    from chiso.frameworks.services import load_builtin
    from chiso.plans.tests.conftest import make_user
    from chiso.units.models import Unit

    settings.MEDIA_ROOT = tmp_path / "media"
    load_builtin()
    Unit.objects.create(level="province", code="22", name="Tỉnh Quảng Ninh")
    codes = []
    for n in range(1, 7):
        Unit.objects.create(level="commune", code=f"0{n}111", name=f"Phường Thử {n}", parent_code="22")
        codes.append(f"0{n}111")
    make_user("sonoivu", Role.OFFICER)
    files = [
        write(generate(codes, date(2025, m, 1), 3000, seed=m), tmp_path / f"2025-{m}.csv")[0] for m in (9, 10)
    ]
    return live_server.url, files


def test_officer_uploads_computes_sees_ranks_and_losses_and_assigns_a_fix(site, browser):
    url, files = site
    context = signed_in(browser, url, "sonoivu", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/dieu-hanh/chi-so-766/")
    for path, period in zip(files, ("2025-09", "2025-10"), strict=True):
        page.set_input_files("input[name=file]", str(path))
        page.click("form[action$='/nhap/'] button")
        page.wait_for_load_state()
        assert "Đã nhập" in page.content()
        page.fill("form[action$='/tinh/'] input[name=period]", period)
        page.click("form[action$='/tinh/'] button")
        page.wait_for_load_state()
    assert page.locator("#ranks tbody tr").count() == 6
    assert "1/6" in page.locator("#ranks").inner_text()
    assert page.locator("svg").count() >= 1
    assert page.locator("#losses tbody tr").count() > 0
    shoot(page, "dossiers-766-month")
    page.locator("#losses tbody tr").first.locator("button").click()
    page.wait_for_load_state()
    assert "/ke-hoach/" in page.url
    assert "Khắc phục hồ sơ quá hạn" in page.content()
    shoot(page, "dossiers-766-fix-assigned")
    phone = signed_in(browser, url, "sonoivu", viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{url}/dieu-hanh/chi-so-766/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "dossiers-766-phone")
