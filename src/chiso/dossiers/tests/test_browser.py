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
        page.set_input_files("#upload input[name=file]", str(path))
        page.click("#upload button")
        page.wait_for_load_state()
        assert "/viec/" in page.url  # the background job's page
        page.wait_for_selector("#job-progress[data-state=done]")
        assert "Đã nhập" in page.content()
        page.click("#job-progress a.btn")
        page.wait_for_load_state()
        page.fill("#compute input[name=period]", period)
        page.click("#compute button")
        page.wait_for_load_state()
        page.wait_for_selector("#job-progress[data-state=done]")
        page.click("#job-progress a.btn")
        page.wait_for_load_state()
        assert f"ky={period}" in page.url
    assert page.locator("#ranks-commune tbody tr").count() == 6
    assert "1/6" in page.locator("#ranks-commune").inner_text()
    assert "Chưa tính được tổng điểm." in page.content()
    assert page.locator("#trend svg").count() == 1
    assert page.locator("#losses tbody tr").count() > 0
    assert page.locator("#ky option").all_inner_texts() == ["tháng 10/2025", "tháng 9/2025"]
    shoot(page, "dossiers-766-month")
    page.locator("#losses tbody tr").first.locator("button").click()
    page.wait_for_load_state()
    assert "/ke-hoach/" in page.url
    assert "Khắc phục hồ sơ quá hạn" in page.content()
    shoot(page, "dossiers-766-fix-assigned")
    phone = signed_in(browser, url, "sonoivu", viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{url}/dieu-hanh/chi-so-766/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    font = phone.evaluate(
        "(() => { const svg = document.querySelector('#trend svg');"
        " return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 13; })()"
    )
    assert 9 <= font <= 16  # the chart's text at a readable size on the phone
    shoot(phone, "dossiers-766-phone")


def test_the_bad_file_job_shows_the_rows_to_fix(site, browser, tmp_path):
    url, _files = site
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "dossier_id,unit_code,procedure_code,received_at,status\nH1,01111,P1,32/10/2025,finished\n"
    )
    page = signed_in(browser, url, "sonoivu", viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{url}/dieu-hanh/chi-so-766/")
    page.set_input_files("#upload input[name=file]", str(bad))
    page.click("#upload button")
    page.wait_for_selector("#job-progress[data-state=failed]")
    problems = page.locator(".job-problems").inner_text()
    assert "Dòng 2, cột received_at" in problems and "Dòng 2, cột finished_at" in problems
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "dossiers-766-bad-file-phone")
