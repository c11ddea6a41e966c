"""The locality dashboard (issue 12): every index of one unit in one year — the service, its page,
its command — on the built-in data (PAPI 2011–2024, PCI 2012–2016) and an internal cycle."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chiso.cli.main import main
from chiso.results import locality
from chiso.results.locality import LocalityError, overview

pytestmark = pytest.mark.django_db

QN, HANOI = "22", "01"


def _by_code(data) -> dict:
    return {s.key: s for s in data.standings}


# -- the service ------------------------------------------------------------------------------------


def test_quang_ninh_2024_papi_standing_with_its_figures():
    data = overview(QN, 2024)
    assert data.unit.name == "Quảng Ninh"
    assert list(_by_code(data)) == ["papi"]  # PCI's built-in table ends in 2016
    papi = data.standings[0]
    assert papi.sentence == (
        "Chỉ số PAPI năm 2024 của tỉnh Quảng Ninh đạt 47,82/80 điểm, xếp hạng 1/63 tỉnh, thành phố; "
        "thuộc nhóm đạt điểm cao nhất."
    )
    assert papi.mean_sentence == "Cao hơn trung bình cả nước (43,43 điểm) 4,39 điểm."
    assert (papi.rank, papi.of, papi.max_points) == (1, 63, Decimal(80))
    # Quảng Ninh's 2023 PAPI was not published: nothing compares, nothing is counted as up or down.
    assert papi.direction == "" and papi.change_rank is None
    assert (data.counts.total, data.counts.compared, data.counts.down) == (1, 0, 0)
    # Its trend: every year with a published score (2021 and 2023 were not published for it).
    years = [p.year for p in papi.trend]
    assert years[0] == 2011 and years[-1] == 2024 and 2021 not in years and 2023 not in years
    assert [(p.year, p.rank) for p in papi.trend if p.year in (2019, 2020, 2022)] == [
        (2019, 3),
        (2020, 1),
        (2022, 1),
    ]
    # Points at stake: the dimensions, most lost first (d8 e-governance: 10 − 3,94 = 6,06).
    assert [r.node.code for r in data.at_stake[:3]] == ["d8", "d7", "d3"]
    assert round(data.at_stake[0].stake, 2) == Decimal("6.06")


def test_quang_ninh_2016_two_indices_one_down_one_up():
    data = overview(QN, 2016)
    papi, pci = _by_code(data)["papi"], _by_code(data)["pci"]
    assert papi.sentence == (
        "Chỉ số PAPI năm 2016 của tỉnh Quảng Ninh đạt 32,98/60 điểm, xếp hạng 62/63 tỉnh, thành phố; "
        "giảm 2,43 điểm và giảm 30 bậc so với năm 2015; thuộc nhóm đạt điểm thấp nhất."
    )
    assert (pci.rank, pci.change_rank, pci.change_score) == (2, 1, Decimal("-0.15"))
    assert (papi.direction, pci.direction) == ("down", "up")
    assert data.counts.down_text() == "01/02 chỉ số tụt hạng"
    assert data.counts.up_text() == "01/02 chỉ số tăng hạng"
    assert data.counts_sentence == (
        "Trong 02 chỉ số thì có 01 chỉ số tụt hạng, 01 chỉ số tăng hạng và 00 chỉ số giữ nguyên "
        "thứ hạng so với năm trước."
    )
    # Both indices' components in one list, most points at stake first.
    stakes = [r.stake for r in data.at_stake]
    assert stakes == sorted(stakes, reverse=True)
    assert {r.standing.index_code for r in data.at_stake} == {"papi", "pci"}
    assert [p.rank for p in pci.trend] == [20, 4, 5, 3, 2]  # 2012–2016


def test_ha_noi_2015_figures():
    data = overview(HANOI, 2015)
    papi, pci = _by_code(data)["papi"], _by_code(data)["pci"]
    assert (papi.rank, papi.change_rank, papi.change_score) == (50, -9, Decimal("-1.70"))
    assert (pci.rank, pci.change_rank, pci.change_score) == (24, 2, Decimal("0.11"))
    assert "thành phố Hà Nội đạt 59,00/100 điểm, xếp hạng 24/63 tỉnh, thành phố" in pci.sentence


def test_the_standard_sentence_is_the_profiles():
    """One definition: the dashboard's sentence is the profile's (`chiso.engine.narrative.headline`)."""
    from chiso.frameworks.services import find_index
    from chiso.results.presenters import profile_to_dict
    from chiso.results.services import analyse

    standing = _by_code(overview(QN, 2016))["pci"]
    index = find_index("pci")
    profile = analyse(index, 2016).profile(standing.unit.ref)
    assert standing.sentence == profile_to_dict(profile, index)["sentence_vi"]


def test_an_unknown_unit_is_refused_in_vietnamese():
    with pytest.raises(LocalityError, match="Không có đơn vị mã 999 vào ngày 31/12/2024"):
        overview("999", 2024)


def test_no_query_grows_with_the_years(django_assert_max_num_queries):
    """Every year of PAPI's trend is read in one go when nothing is cached (tests keep nothing)."""
    with django_assert_max_num_queries(20):
        overview(QN, 2024)


# -- an internal cycle ----------------------------------------------------------------------------


@pytest.fixture
def published_cycle():
    from chiso.assessments.tests.test_standings import scored_cycle

    cycle = scored_cycle(4, year=2024)
    cycle.published_at = timezone.now()
    cycle.save(update_fields=["published_at"])
    return cycle


def test_a_department_ranked_in_a_published_cycle(published_cycle):
    unit = published_cycle.assessments.order_by("unit__code").first().unit
    data = overview(unit.code, 2024)
    assert [s.key for s in data.standings] == [f"cycle-{published_cycle.pk}"]
    standing = data.standings[0]
    assert standing.title == published_cycle.name
    assert standing.sentence.startswith(f"Chỉ số {published_cycle.framework.index.short_name} năm 2024 của ")
    assert standing.of == 4 and "sở, ban, ngành" in standing.sentence
    assert standing.wording.mean_label == "trung bình khối"
    assert [p.year for p in standing.trend] == [2024]


def test_an_unpublished_cycle_is_not_shown(published_cycle):
    published_cycle.published_at = None
    published_cycle.save(update_fields=["published_at"])
    unit = published_cycle.assessments.first().unit
    assert overview(unit.code, 2024).standings == []


# -- the page -------------------------------------------------------------------------------------


def test_the_page_shows_every_index_with_counts_trends_and_losses(client):
    response = client.get("/ket-qua/dia-phuong/22/2016/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "01/02 chỉ số tụt hạng" in page and "01/02 chỉ số tăng hạng" in page
    assert "xếp hạng 62/63 tỉnh, thành phố; giảm 2,43 điểm và giảm 30 bậc so với năm 2015" in page
    assert page.count('<svg class="spark"') == 2
    assert "<title>2015: 32/63</title>" in page
    assert 'href="/ke-hoach/phan-tich/papi/2016/22/"' in page  # the loss analysis
    assert 'href="/ke-hoach/phan-tich/pci/2016/22/#whatif-form"' in page  # what-if
    assert 'href="/ke-hoach/phan-tich/pci/2016/22/de-xuat/"' in page  # the plan
    stake_rows = re.findall(r"<tr><td>(PAPI|PCI)</td>", page)
    assert len(stake_rows) == len(overview(QN, 2016).at_stake) >= 10  # every component with points lost
    assert '<option value="2024"' in page and '<option value="2016" selected>' in page


def test_the_page_queries_are_bounded(client):
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/ket-qua/dia-phuong/22/2024/").status_code == 200
    assert len(cold) <= 40


def test_the_year_selector_and_unknown_units(client):
    response = client.get("/ket-qua/dia-phuong/22/2024/?nam=2015")
    assert response.status_code == 302 and response["Location"] == "/ket-qua/dia-phuong/22/2015/"
    assert client.get("/ket-qua/dia-phuong/999/2024/").status_code == 404


def test_the_profile_links_to_the_dashboard(client):
    page = client.get("/ket-qua/papi/2024/22/").content.decode()
    assert 'href="/ket-qua/dia-phuong/22/2024/"' in page


def test_the_officers_home_links_to_the_dashboard(client, published_cycle):
    from chiso.accounts.models import Membership, Role
    from chiso.units.models import Organiser, Unit

    organiser = published_cycle.organiser
    organiser.unit = Unit.objects.filter(level="province", code=QN).order_by("-valid_from").first()
    organiser.save()
    from django.contrib.auth.models import User

    officer = User.objects.create_user("sonoivu_dp", "dp@example.vn", "pw")
    Membership.objects.create(user=officer, role=Role.OFFICER, organiser=organiser)
    client.force_login(officer)
    page = client.get(f"/dieu-hanh/ky/{published_cycle.pk}/").content.decode()
    assert 'href="/ket-qua/dia-phuong/22/2024/"' in page
    assert Organiser.objects.filter(pk=organiser.pk).exists()


# -- the command line -----------------------------------------------------------------------------


def _cli(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_command_says_what_the_page_says(capsys):
    text = _cli(capsys, "locality", "22", "2016")
    assert "01/02 chỉ số tụt hạng; 01/02 chỉ số tăng hạng" in text
    assert "2015: 32/63 · 2016: 62/63" in text
    data = json.loads(_cli(capsys, "locality", "22", "2016", "--format", "json"))
    assert data["counts"] == {
        "total": 2,
        "compared": 2,
        "up": 1,
        "down": 1,
        "same": 0,
        "sentence_vi": overview(QN, 2016).counts_sentence,
    }
    assert [i["rank"] for i in data["indices"]] == [62, 2]
    csv = _cli(capsys, "locality", "22", "2016", "--format", "csv").splitlines()
    assert csv[0].startswith("index,name,score,max,rank,of") and csv[1].startswith("papi,PAPI,")


def test_the_command_refuses_an_unknown_unit(capsys):
    assert main(["locality", "999", "2024"]) == 1
    assert "Không có đơn vị mã 999" in capsys.readouterr().err


def test_the_service_api_is_documented():
    for name in ("overview", "unit_for", "cycle_analysis"):
        assert name in (locality.__doc__ or "")


# -- seed 004: a district on four indices (tables imported by the user) --------------------------

from chiso.results.tests.test_district_words import quang_ninh  # noqa: E402, F401  (the fixture)


def test_seed_004_binh_lieu_three_of_four_indices_fell(quang_ninh, client):  # noqa: F811
    data = overview("198", 2022)
    assert data.unit.name.endswith("Bình Liêu")
    # In the conference's order: PAR INDEX, SIPAS, e-government, DGI.
    assert [s.index_code for s in data.standings] == ["par_index_district", "sipas_district", "egov", "dgi"]
    # "Trong 04 chỉ số thì có 03 chỉ số tụt hạng so với năm 2021" (seed 004).
    assert data.counts.down_text() == "03/04 chỉ số tụt hạng"
    assert data.counts_sentence.startswith("Trong 04 chỉ số thì có 03 chỉ số tụt hạng, 01 chỉ số tăng hạng")
    by_code = {s.index_code: s for s in data.standings}
    assert by_code["sipas_district"].sentence == (
        "Chỉ số SIPAS năm 2022 của huyện Bình Liêu đạt 94,01 %, xếp hạng 12/13 huyện, thị xã, thành phố; "
        "giảm 2,30 % và giảm 10 bậc so với năm 2021."
    )
    assert (by_code["dgi"].rank, by_code["dgi"].change_rank) == (7, 1)
    assert all(s.wording.mean_label == "trung bình của tỉnh" for s in data.standings)
    assert [p.year for p in by_code["egov"].trend] == [2021, 2022]
    page = client.get("/ket-qua/dia-phuong/198/2022/").content.decode()
    assert "03/04 chỉ số tụt hạng" in page and "01/04 chỉ số tăng hạng" in page
    assert "xếp hạng 13/13 huyện, thị xã, thành phố; tăng 35,34 điểm và giảm 2 bậc so với năm 2021" in page


def test_a_second_request_recomputes_nothing(client, monkeypatch):
    """The published analyses come from the cache: the second request builds none and reads little."""
    from chiso.core import generation
    from chiso.results import cache

    monkeypatch.setattr(generation, "pending", lambda: False)  # as in production, where nothing is pending
    assert client.get("/ket-qua/dia-phuong/22/2016/").status_code == 200
    built = cache.stats["built"]
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/ket-qua/dia-phuong/22/2016/").status_code == 200
    assert cache.stats["built"] == built
    assert len(warm) <= 5


def test_the_page_in_english_keeps_its_figures(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/ket-qua/dia-phuong/22/2016/").content.decode()
    assert "62/63" in page and "32.98" in page  # English number format


def test_a_unit_nothing_published_names_has_no_page(client):
    from chiso.units.models import Unit

    Unit.objects.create(level="department", code="22.THU", name="Sở Chưa Công Bố", parent_code="22")
    response = client.get("/ket-qua/dia-phuong/22.THU/2024/")
    assert response.status_code == 404 and "Sở Chưa Công Bố" not in response.content.decode()
