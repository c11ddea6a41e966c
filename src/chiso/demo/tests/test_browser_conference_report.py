"""A new user of the demo (the officer `sonoivu`) opens the locality dashboard of Quảng Ninh 2024,
downloads the conference report from it — Word, and Word in English — and the file opens with a
chapter for every index the province is ranked in. The pages are rendered through LibreOffice and
pdftoppm into test-artifacts/conference-qn-2024-*.png for people to look at (skipped, not the rest,
when LibreOffice is absent).

Run with `pytest -m browser`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from chiso.demo.tests.test_browser_roles import ARTIFACTS, shoot, sign_in
from chiso.reports.tests.test_conference import ranked_indices, styled
from chiso.reports.tests.test_conference_language import vietnamese_lines
from chiso.reports.tests.test_defects import ENGLISH, RAW_CODES, all_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page, link_name: str, folder: Path) -> Path:
    """Click the dashboard's link, wait on the job's page for the file and save it."""
    page.get_by_role("link", name=link_name, exact=True).click()
    page.wait_for_url("**/viec/**")
    button = page.get_by_role("link", name="Tải báo cáo")
    button.wait_for(timeout=120_000)
    with page.expect_download() as info:
        button.click()
    saved = folder / link_name.replace(" ", "-") / info.value.suggested_filename
    saved.parent.mkdir(exist_ok=True)
    info.value.save_as(saved)
    return saved


def render_pages(docx: Path, name: str) -> list[Path]:
    """The Word file's pages as PNG images (LibreOffice, then pdftoppm) in test-artifacts/."""
    from chiso.core.pdf import docx_to_pdf

    pdf = docx_to_pdf(docx, docx.with_suffix(".pdf"))
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def test_the_officer_downloads_the_conference_report_from_the_dashboard(demo, browser, tmp_path):
    expected = ranked_indices("Quảng Ninh", 2024)
    assert expected
    context, page = sign_in(browser, demo["site"], "sonoivu")
    page.goto(demo["site"] + "/ket-qua/dia-phuong/22/2024/")
    assert page.locator("h1").inner_text() == "Quảng Ninh"
    assert page.locator("article.locality-index").count() >= len(expected)
    shoot(page, "conference-dashboard-qn-2024")

    word = download(page, "Word", tmp_path)
    document = Document(str(word))
    headings = styled(document, "Heading 1")
    from chiso.frameworks.models import Index

    for code in expected:
        name = Index.objects.get(code=code).short_name.upper()
        assert any(h.endswith(f". CHỈ SỐ {name}") for h in headings), (name, headings)
    letterhead = document.tables[0].rows[0].cells[0].text
    assert letterhead.startswith("UBND TỈNH QUẢNG NINH\nSỞ NỘI VỤ")
    text = all_text(word)
    assert not ENGLISH.findall(text.replace("CECODES, RTA & UNDP", "")), ENGLISH.findall(text)
    assert not RAW_CODES.findall(text), RAW_CODES.findall(text)

    page.goto(demo["site"] + "/ket-qua/dia-phuong/22/2024/")
    english = download(page, "Tiếng Anh (Word)", tmp_path)
    # Names of agencies and the tasks the province typed in its plan stay as written.
    cells = {text for row in _weak_rows(english) for text in row.values()}
    names = cells | {name for text in cells for name in text.replace(";", ",").split(", ")}
    lines = vietnamese_lines(all_text(english), names)
    assert not lines, lines
    context.close()

    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice or pdftoppm is not installed: the pages are not rendered")
    assert render_pages(word, "conference-qn-2024")
    assert render_pages(english, "conference-qn-2024-en")


def _weak_rows(path: Path) -> list[dict[str, str]]:
    """The rows of the table of weak criteria across indices (the last table with a "Lead agency"
    header, in either language), as {lead, supporters}."""
    rows = []
    for table in Document(str(path)).tables:
        header = [cell.text for cell in table.rows[0].cells]
        if len(header) == 8 and header[5] in ("Cơ quan chủ trì", "Lead agency"):
            rows = [
                {"lead": r.cells[5].text, "supporters": r.cells[6].text, "plan": r.cells[7].text}
                for r in table.rows[1:]
            ]
    return rows
