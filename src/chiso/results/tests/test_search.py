"""The public search finds a unit however its name is typed, says what it became, and links every
published result that names it — on the page and on the command line."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chiso.cli.main import main
from chiso.data import province_registry
from chiso.engine.unit_search import CODE, EXACT, STARTS, search

pytestmark = pytest.mark.django_db


def test_the_engine_matches_without_accents_type_words_or_whole_names():
    registry = province_registry()
    assert [h.unit.name for h in search(registry, "ninh thuan")] == ["Ninh Thuận"]
    assert [h.unit.name for h in search(registry, "Tỉnh Ninh Thuận")] == ["Ninh Thuận"]
    hcm = search(registry, "hcm")
    assert (
        hcm and hcm[0].unit.code == "79" and hcm[0].quality == EXACT and hcm[0].matched != "TP. Hồ Chí Minh"
    )
    khanh = search(registry, "khanh")
    assert {h.unit.name for h in khanh} == {"Khánh Hòa"} and khanh[0].quality == STARTS
    assert khanh[0].unit.valid_to is None  # today's Khánh Hòa before the one that ended in 2025
    by_code = search(registry, "56")
    assert by_code and all(h.unit.code == "56" and h.quality == CODE for h in by_code)
    assert search(registry, "   ") == [] and search(registry, "không có tỉnh này") == []


def test_an_old_province_leads_to_its_results_and_to_the_province_it_joined(
    client, django_assert_max_num_queries
):
    client.get(reverse("results:search"), {"q": "x"})  # the name index is built once per process
    with django_assert_max_num_queries(12):
        response = client.get(reverse("results:search"), {"q": "ninh thuan"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ninh Thuận" in page and "tồn tại đến ngày 30/06/2025" in page
    assert "Từ ngày 01/07/2025 thuộc" in page and "Khánh Hòa" in page
    assert reverse("results:profile", args=["papi", 2021, "58"]) in page
    assert reverse("results:profile", args=["papi", 2024, "58"]) in page
    # its own page, with every index of its latest year and the map
    assert f'href="{reverse("results:locality", args=["58", 2024])}"' in page
    assert "Trang của đơn vị: mọi chỉ số năm 2024 và bản đồ" in page
    khanh_hoa = client.get(reverse("results:search"), {"q": "56"}).content.decode()
    assert "Hình thành từ" in khanh_hoa and "Ninh Thuận" in khanh_hoa


def test_a_district_abolished_in_2025_and_a_query_that_finds_nothing(client):
    from chiso.units.registry import load_districts

    load_districts()
    page = client.get(reverse("results:search"), {"q": "binh lieu"}).content.decode()
    assert "Bình Liêu" in page and "tồn tại đến ngày 30/06/2025" in page and "Quảng Ninh" in page
    nothing = client.get(reverse("results:search"), {"q": "<script>zzz"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in nothing and "<script>zzz" not in nothing


def test_the_search_is_in_every_page_header(client):
    assert reverse("results:search") in client.get(reverse("results:home")).content.decode()


def test_the_command_line_finds_the_same(capsys):
    assert main(["units", "search", "ninh thuan"]) == 0
    out = capsys.readouterr().out
    assert "Ninh Thuận" in out and "Khánh Hòa (01/07/2025)" in out and "PAPI 2024" in out
    assert main(["units", "search", "không có tỉnh này"]) == 1
    assert "Không tìm thấy đơn vị nào" in capsys.readouterr().err
