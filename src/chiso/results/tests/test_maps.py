"""The maps of the provinces on the public pages: 63 shapes keyed by code with their values up to
2024, 34 from 2025, both archipelagos coloured like their province, the legend's classes."""

import re
from datetime import date

import pytest

from chiso.engine import tilemap
from chiso.engine.numbers import round_half_up
from chiso.frameworks.models import Index
from chiso.results import maps
from chiso.results.services import analyse

pytestmark = pytest.mark.django_db


def _svg(page: str) -> str:
    found = re.search(r'<svg class="chart map".*?</svg>', page, re.S)
    assert found, "no map on the page"
    return found.group(0)


def _match(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, pattern
    return found.group(1)


def _provinces(svg: str) -> dict[str, tuple[str, str]]:
    """code → (fill, data-value) of every province shape."""
    return {
        code: (fill, value)
        for code, value, fill in re.findall(
            r'<path class="province" data-code="(\d+)" data-value="([^"]*)" fill="(#[0-9a-f]{6})"', svg
        )
    }


def _archipelagos(svg: str) -> dict[str, tuple[str, str]]:
    return {
        key: (code, fill)
        for key, code, fill in re.findall(
            r'<g class="archipelago" data-archipelago="([a-z-]+)" data-code="(\d+)" fill="(#[0-9a-f]{6})"',
            svg,
        )
    }


def test_papi_2024_map_has_the_63_provinces_with_their_scores_and_both_archipelagos(client):
    page = client.get("/ket-qua/papi/2024/").content.decode()
    svg = _svg(page)
    provinces = _provinces(svg)
    assert len(provinces) == 63 and svg.count('class="province"') == 63
    assert provinces["22"][1] == "47.82"  # Quảng Ninh, first in 2024 (the locality test's 47,82)
    assert "Quảng Ninh — 47,82 · hạng 1/63" in svg  # the tooltip, Vietnamese numbers
    islands = _archipelagos(svg)
    assert islands["hoang-sa"] == ("48", provinces["48"][0])  # coloured like Đà Nẵng
    assert islands["truong-sa"] == ("56", provinces["56"][0])  # like Khánh Hòa
    assert "Quần đảo Hoàng Sa" in svg and "Quần đảo Trường Sa" in svg
    assert "(Đà Nẵng)" in svg and "(Khánh Hòa)" in svg


def test_the_score_legend_matches_the_quintiles():
    index = Index.objects.get(code="papi")
    drawn = maps.province_map(analyse(index, 2024), 2024, maps.SCORE)
    scores = {
        r.unit.code: round_half_up(r.score, 2)
        for r in analyse(index, 2024).league_table()
        if r.score is not None
    }
    breaks = tilemap.quantile_breaks(list(scores.values()))
    assert len(breaks) == 4
    for code, score in scores.items():
        assert drawn.classes[code] == tilemap.class_of(score, breaks)
        assert drawn.entries[code].colour == tilemap.SEQUENTIAL[drawn.classes[code] or 0]
    labels = [item.label for item in drawn.legend]
    assert labels[0].endswith(f"đến dưới {str(breaks[0]).replace('.', ',')}")
    assert [item.colour for item in drawn.legend[:5]] == list(tilemap.SEQUENTIAL)
    # each class holds about a fifth of the provinces
    counts = [list(drawn.classes.values()).count(i) for i in range(5)]
    assert max(counts) - min(counts) <= 3


@pytest.mark.parametrize("mode", ["hang", "nhom", "thay-doi"])
def test_the_other_colourings(client, mode):
    svg = _svg(client.get(f"/ket-qua/papi/2024/?ban-do={mode}").content.decode())
    assert len(_provinces(svg)) == 63
    if mode == "thay-doi":
        assert "không đổi" in svg and "tăng từ" in svg


def test_2025_uses_the_34_provinces_without_data():
    drawn = maps.empty_map(2025, highlight="80")
    svg = drawn.svg()
    provinces = _provinces(svg)
    assert len(provinces) == 34
    assert set(provinces.values()) == {(tilemap.NO_DATA, "")}
    assert "Chưa có kết quả công bố năm 2025" in svg
    border = _match(r'<path class="highlight" data-code="80" d="([^"]+)"', svg)
    assert (
        border.count("M") == 6 + 2
    )  # Tây Ninh (two squares, one above the other): six sides, two bridge sides
    assert _archipelagos(svg) == {"hoang-sa": ("48", tilemap.NO_DATA), "truong-sa": ("56", tilemap.NO_DATA)}


def test_english_page_labels_are_english(client):
    client.cookies["django_language"] = "en"
    svg = _svg(client.get("/ket-qua/papi/2024/").content.decode())
    assert "Quang Ninh — 47.82" in svg
    assert "Hoang Sa (Paracel) Islands" in svg and "(Da Nang)" in svg


def test_the_locality_page_shows_the_map_with_its_province_outlined(client):
    svg = _svg(client.get("/ket-qua/dia-phuong/22/2024/").content.decode())
    assert len(_provinces(svg)) == 63
    border = _match(r'<path class="highlight" data-code="22" d="([^"]+)"', svg)
    assert border.count("M") == 4  # one square: its four sides


def test_a_locality_page_of_a_department_has_no_map(client):
    from chiso.engine.units import Unit
    from chiso.results.views.locality import _map_context

    department = Unit(code="S1", name="Sở Nội vụ", level="department")
    assert _map_context(None, department, [], 2024) == {}  # type: ignore[arg-type]


def test_a_province_page_in_2025_shows_the_34_provinces_without_data(client):
    page = client.get("/ket-qua/dia-phuong/79/2025/").content.decode()
    svg = _svg(page)
    assert len(_provinces(svg)) == 34
    assert "Chưa có kết quả công bố năm 2025" in svg
    assert _match(r'<path class="highlight" data-code="(\d+)"', svg) == "79"  # TP. Hồ Chí Minh
    assert set(_archipelagos(svg)) == {"hoang-sa", "truong-sa"}


# -- the pro-forma map: a year of the 63 drawn on the 34 ------------------------------------------


def _proforma_page(client, path: str = "/ket-qua/papi/2024/?ban-do=uoc-tinh-34") -> tuple[str, str]:
    page = client.get(path).content.decode()
    return page, _svg(page)


def test_papi_2024_on_the_34_provinces_pro_forma(client):
    from chiso.results.proforma import build_proforma
    from chiso.units.registry import registry

    page, svg = _proforma_page(client)
    provinces = _provinces(svg)
    assert len(provinces) == 34
    assert "Ước tính theo 34 tỉnh, thành phố (pro-forma)" in page
    assert "bình quân gia quyền theo dân số" in page and "không dùng để xếp hạng" in page
    units = registry()
    index = Index.objects.get(code="papi")
    # a merged province: Khánh Hòa (Khánh Hòa + Ninh Thuận) equals the pro-forma computation
    expected = build_proforma(index, 2024, units.resolve("Khánh Hòa"), units, "population")
    assert provinces["56"][1] == str(round_half_up(expected.values[expected.total], 2)) == "44.43"
    tip = _match(r'data-code="56"[^>]*>\s*<title>([^<]+)</title>', svg)
    assert tip.startswith("Khánh Hòa — 44,43 (ước tính từ Khánh Hòa") and "Ninh Thuận" in tip
    # every merged province likewise
    from chiso.results.proforma import constituents_of

    for unit in units.valid_units("province", date(2025, 12, 31)):
        if len(constituents_of(units, unit)) >= 2 and provinces[unit.code][1]:
            result = build_proforma(index, 2024, unit, units, "population")
            assert provinces[unit.code][1] == str(round_half_up(result.values[result.total], 2)), unit.name
    # an unchanged province keeps its published value: Hà Nội, Quảng Ninh (first in 2024)
    published = {r.unit.code: r.score for r in analyse(index, 2024).league_table() if r.score is not None}
    assert provinces["22"][1] == str(round_half_up(published["22"], 2)) == "47.82"
    assert provinces["01"][1] == str(round_half_up(published["01"], 2))
    # both archipelagos, coloured like Đà Nẵng and Khánh Hòa of the 34
    islands = _archipelagos(svg)
    assert islands == {"hoang-sa": ("48", provinces["48"][0]), "truong-sa": ("56", provinces["56"][0])}
    assert "Quần đảo Hoàng Sa" in svg and "Quần đảo Trường Sa" in svg


def test_the_choice_is_offered_up_to_2024_only(client):
    assert "ban-do=uoc-tinh-34" in client.get("/ket-qua/papi/2024/").content.decode()
    assert "ban-do=uoc-tinh-34" not in client.get("/ket-qua/dia-phuong/79/2025/").content.decode()


def test_a_merged_province_lacking_a_former_result_is_said(client):
    """PAPI 2021 has no result for Bắc Giang and Bắc Ninh: the new Bắc Ninh cannot be estimated."""
    page, svg = _proforma_page(client, "/ket-qua/papi/2021/?ban-do=uoc-tinh-34")
    provinces = _provinces(svg)
    assert len(provinces) == 34 and provinces["24"] == (tilemap.NO_DATA, "")
    assert "Không ước tính được do thiếu kết quả của tỉnh cũ: Bắc Ninh (Bắc Giang, Bắc Ninh)" in page


def test_the_province_page_offers_the_34_with_its_successor_outlined(client):
    page, svg = _proforma_page(client, "/ket-qua/dia-phuong/58/2024/?ban-do=uoc-tinh-34")
    assert len(_provinces(svg)) == 34
    assert _match(r'<path class="highlight" data-code="(\d+)"', svg) == "56"  # Ninh Thuận → Khánh Hòa
    assert "Ước tính theo 34 tỉnh, thành phố (pro-forma)" in page


def test_the_pro_forma_map_in_english(client):
    client.cookies["django_language"] = "en"
    page, svg = _proforma_page(client)
    assert "Pro-forma estimate on the 34 provinces" in page
    assert "Khanh Hoa — 44.43 (estimated from" in svg


def test_the_pro_forma_map_costs_one_query_more_than_the_63(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/ket-qua/papi/2024/")  # the analysis is computed once and kept
    with CaptureQueriesContext(connection) as plain:
        client.get("/ket-qua/papi/2024/")
    with CaptureQueriesContext(connection) as estimated:
        client.get("/ket-qua/papi/2024/?ban-do=uoc-tinh-34")
    assert len(estimated) <= len(plain) + 1  # the populations of the former provinces, in one query
