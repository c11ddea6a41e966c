"""English pages fully in English (issue 13): a crawl of the public pages with English active fails
on any Vietnamese word left in the page — its text, its tooltips and its labels (title, aria-label,
alt, placeholder), the map's labels included — outside proper names and data entered in Vietnamese
only: unit and organiser names, a cycle's name and block, a survey's and a questionnaire's title,
the criteria of a framework given no English name, an imported table's publisher and document.
"""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from chiso.api.tests.test_api import cycles, generous_rate, surveys  # noqa: F401  (the fixtures)
from chiso.results.tests.test_public_sources import _pages, imported  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# Letters only Vietnamese uses (with their marks), and đ.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
MORE_PAGES = [
    "/ket-qua/papi/2024/",
    "/ket-qua/papi/2024/?ban-do=hang",
    "/ket-qua/papi/2024/?ban-do=nhom",
    "/ket-qua/papi/2024/?ban-do=thay-doi",
    "/ket-qua/papi/2021/?vung=T%C3%A2y+Nguy%C3%AAn",
    "/ket-qua/papi/2020/04/",
    "/ket-qua/dia-phuong/79/2025/",
    "/ket-qua/dia-phuong/56/2024/",
    "/tim-kiem/?q=56",
    "/tim-kiem/?q=khanh+hoa",
]


def _proper_names(cycle, survey) -> list[str]:
    """What may stay Vietnamese on an English page: names and data given in Vietnamese only."""
    from chiso.frameworks.models import Framework
    from chiso.results.models import Dataset
    from chiso.units.models import Organiser, Unit

    names: set[str] = set()
    for name, aliases in Unit.objects.values_list("name", "aliases"):
        names.add(name)
        names.update(aliases or [])
    for organiser in Organiser.objects.all():
        names.update({organiser.name, organiser.name_en})
    names.update({cycle.name, cycle.block, survey.title, survey.questionnaire.name})
    for dataset in Dataset.objects.filter(builtin=False):
        names.update({dataset.publisher, dataset.document})
    for framework in Framework.objects.filter(pk=cycle.framework_id):
        engine = framework.to_engine()
        for node in engine.root.walk():
            if not node.name_en:
                names.add(node.name_vi)
        names.update(part for basis in engine.legal_basis for part in (basis.number, basis.issuer))
    names.add("Bình Liêu")  # a district, the search box's example of a name typed with its accents
    return sorted((n for n in names if n), key=len, reverse=True)


def _readable(page: str) -> str:
    """The body's text and the labels people read (tooltips, aria labels, alternative text)."""
    body = page.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    labels = re.findall(r'\b(?:title|aria-label|alt|placeholder)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", "\n", body)
    return html.unescape("\n".join([text, *labels]))


# An official document's number: "876/QĐ-BNV", "05-NQ/TU".
DOCUMENT = re.compile(r"\S*\d+[/-]\S*[A-ZĐ]{2,}\S*")


def vietnamese_left(page: str, proper: list[str]) -> list[str]:
    """The lines of a page that keep a Vietnamese word once proper names are taken out (a name cut
    short with "…" in a narrow column counts as the name)."""
    found = []
    for line in _readable(page).split("\n"):
        line = " ".join(line.split())
        if line.endswith("…") and any(name.startswith(line[:-1].rstrip()) for name in proper):
            continue
        rest = line
        for name in proper:
            if name in rest:
                rest = rest.replace(name, " ")
        rest = DOCUMENT.sub(" ", rest)
        if VIETNAMESE.search(rest):
            found.append(line)
    return sorted(set(found))


def test_every_public_page_reads_in_english(client, imported, cycles, surveys):  # noqa: F811
    cycle, survey = cycles[0], surveys[0]
    with translation.override("en"):
        urls = [url for url, _sources in _pages(cycle, survey)] + MORE_PAGES
    proper = _proper_names(cycle, survey)
    client.cookies["django_language"] = "en"
    left = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = vietnamese_left(response.content.decode(), proper)
        if found:
            left[url] = found[:12]
    assert not left, "\n".join(f"{url}: {lines}" for url, lines in left.items())


def test_the_crawl_can_fail():
    page = (
        '<body><p>Rank 14/63</p><svg><text>ĐN</text><title>Điểm 43,83</title></svg><a title="Tải bảng">x</a>'
    )
    assert vietnamese_left(page, ["Ninh Thuận"]) == ["Tải bảng", "ĐN", "Điểm 43,83"]
    assert vietnamese_left("<body><p>Decision 876/QĐ-BNV</p><p>Sở Tư…</p>", ["Sở Tư pháp"]) == []
    assert vietnamese_left("<body><p>Ninh Thuận — 43.83</p>", ["Ninh Thuận"]) == []
