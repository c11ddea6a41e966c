"""Every figure with its source and document number (issue 13): a crawl of the public pages — home,
league tables (and their maps), profiles, losses, province pages, published internal rankings,
published survey results — fails when a page showing figures has no source line naming the
figures' source; the downloads (CSV, Excel, JSON) and the API answers carry the same source.

The sources: a built-in index's attribution (src/chiso/data/SOURCES.md, the result set's dataset);
an imported index-year's `--publisher` and `--document`; an internal cycle's organiser, publication
and the decision of its criteria; a survey's organiser, title and questionnaire.
"""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook

from chiso.api.tests.test_api import cycles, generous_rate, surveys  # noqa: F401  (the fixtures)
from chiso.cli.main import main
from chiso.results.services import credit_of
from chiso.results.tests.test_tables import PAR_2023

pytestmark = pytest.mark.django_db

IMPORTED = "Bộ Nội vụ, Quyết định 268/QĐ-BNV"
# A figure as people read it: "43,83", "14/63", "92,18%".
FIGURE = re.compile(r"\d+,\d+|(?<![/\d])\d+/\d+(?![/\d])")  # not a date (30/06/2025)


@pytest.fixture
def imported(tmp_path, settings, capsys):
    """PAR INDEX 2023 imported from a table with its publisher and document, and published."""
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "par2023.csv"
    path.write_text(PAR_2023, encoding="utf-8")
    args = ["import-results", str(path), "--index", "par_index", "--year", "2023", "--publish"]
    assert main([*args, "--publisher", "Bộ Nội vụ", "--document", "Quyết định 268/QĐ-BNV"]) == 0
    capsys.readouterr()


def _text(page: str) -> str:
    main_part = page.split("<main", 1)[-1].split("</main>", 1)[0]
    main_part = re.sub(r"<svg.*?</svg>", " ", main_part, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main_part)))


def _source_lines(page: str) -> list[str]:
    found = re.findall(r'<(p|div|details|span)[^>]*class="source[^"]*"[^>]*>(.*?)</\1>', page, re.S)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).strip() for _tag, body in found]


def _pages(cycle, survey) -> list[tuple[str, list[str]]]:
    """(address, the sources its source lines must name)."""
    from chiso.frameworks.models import Index

    papi, pci, par = (Index.objects.get(code=c) for c in ("papi", "pci", "par_index"))
    papi_2021, pci_2016, papi_2024 = credit_of(papi, 2021), credit_of(pci, 2016), credit_of(papi, 2024)
    assert credit_of(par, 2023) == IMPORTED
    return [
        ("/", [papi_2024]),
        ("/ket-qua/papi/2021/", [papi_2021]),
        ("/ket-qua/papi/2024/?ban-do=uoc-tinh-34", [papi_2024]),
        ("/ket-qua/papi/2021/58/", [papi_2021]),
        ("/ket-qua/pci/2016/58/", [pci_2016]),
        ("/ke-hoach/phan-tich/papi/2021/58/", [papi_2021]),
        ("/ket-qua/dia-phuong/58/2021/", [papi_2021]),
        ("/ket-qua/dia-phuong/58/2024/?ban-do=uoc-tinh-34", [papi_2024]),
        ("/ket-qua/par_index/2023/", [IMPORTED]),
        ("/ket-qua/par_index/2023/22/", [IMPORTED]),
        ("/ke-hoach/phan-tich/par_index/2023/22/", [IMPORTED]),
        ("/ket-qua/dia-phuong/22/2023/", [IMPORTED]),
        ("/tim-kiem/?q=ninh+thuan", []),
        ("/danh-gia/cong-bo/", []),
        (f"/danh-gia/cong-bo/{cycle.pk}/", [cycle.credit]),
        (f"/danh-gia/cong-bo/{cycle.pk}/QN.STP/", [cycle.credit]),
        (f"/khao-sat/{survey.pk}/ket-qua/", [survey.credit]),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_public_page_with_figures_names_its_source(client, imported, cycles, surveys, language):  # noqa: F811
    from django.utils import translation

    client.cookies["django_language"] = language
    cycle, survey = cycles[0], surveys[0]
    missing = []
    with translation.override(language):
        pages = _pages(cycle, survey)
    for url, sources in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        lines = _source_lines(page)
        figures = FIGURE.findall(_text(page))
        if figures and not lines:
            missing.append(f"{url}: {len(figures)} figures, no source line")
            continue
        for source in sources:
            if not any(source in line for line in lines):
                missing.append(f"{url}: no source line names {source!r} (lines: {lines})")
    assert not missing, "\n".join(missing)


def test_the_crawl_can_fail():
    page = "<main><table><tr><td>43,83</td><td>14/63</td></tr></table></main>"
    assert FIGURE.findall(_text(page)) == ["43,83", "14/63"] and not _source_lines(page)
    assert not FIGURE.findall("tồn tại đến ngày 30/06/2025")
    assert _source_lines('<p class="source">Nguồn số liệu: Bộ Nội vụ, Quyết định 268/QĐ-BNV.</p>') == [
        "Nguồn số liệu: Bộ Nội vụ, Quyết định 268/QĐ-BNV."
    ]


def test_the_crediting_of_a_cycle_and_a_survey(cycles, surveys):  # noqa: F811
    cycle, survey = cycles[0], surveys[0]
    framework = cycle.framework.to_engine()
    assert cycle.organiser.name in cycle.credit and cycle.name in cycle.credit
    assert "công bố ngày" in cycle.credit and framework.legal_basis[0].number in cycle.credit
    assert survey.title in survey.credit and survey.questionnaire.name in survey.credit


def test_downloads_and_the_api_carry_the_source(client, imported, cycles, surveys, generous_rate):  # noqa: F811
    from chiso.frameworks.models import Index

    papi_2021 = credit_of(Index.objects.get(code="papi"), 2021)
    for base, source in (("/ket-qua/papi/2021/", papi_2021), ("/ket-qua/par_index/2023/", IMPORTED)):
        for data in (f"{base}bang", f"{base}22/ho-so" if "par" in base else f"{base}58/ho-so"):
            assert client.get(f"{data}.json").json()["source"] == source
            rows = client.get(f"{data}.csv").content.decode("utf-8-sig").splitlines()
            assert rows[0].endswith("Nguồn số liệu") and all(source in row for row in rows[1:]), data
            sheet = load_workbook(io.BytesIO(client.get(f"{data}.xlsx").content))
            cells = [
                str(c.value) for ws in sheet.worksheets for row in ws.iter_rows() for c in row if c.value
            ]
            assert any(source in cell for cell in cells), data
    api = "/api/v1"
    assert client.get(f"{api}/rankings/par_index/2023").json()["source"] == IMPORTED
    assert client.get(f"{api}/profiles/papi/2021/58").json()["source"] == papi_2021
    sets = client.get(f"{api}/result-sets?index=par_index&year=2023").json()
    assert IMPORTED in str(sets)
    cycle, survey = cycles[0], surveys[0]
    assert client.get(f"{api}/cycles/{cycle.pk}").json()["source"] == cycle.credit
    assert client.get(f"{api}/surveys").json()[0]["source"] == survey.credit
