"""Long tables split into pages (`chiso.core.pagination`), with the whole table one link away."""

from __future__ import annotations

import pytest

from chiso.core import pagination

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_pages(monkeypatch):
    """Pages of 20 rows, and tables of more than 20 rows split (the 63 provinces, here)."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 20)
    monkeypatch.setattr(pagination, "LONGEST_WHOLE", 20)


def test_a_table_of_the_63_provinces_stays_whole(client):
    page = client.get("/ket-qua/papi/2021/")
    assert len(page.context["rows"]) == 63 and not page.context["pager"].split
    assert "Trang sau" not in page.content.decode()


def test_a_long_league_table_is_split_with_vietnamese_links(client, short_pages):
    first = client.get("/ket-qua/papi/2021/")
    text = first.content.decode()
    assert len(first.context["rows"]) == 20 and first.context["rows"][0]["rank"].startswith("1/")
    assert "Trang 1/4" in text and "Trang sau" in text and "Trang trước" not in text
    assert "?trang=2" in text and "Cả bảng 63 dòng (để in)" in text
    last = client.get("/ket-qua/papi/2021/", {"trang": 4})
    assert len(last.context["rows"]) == 3 and "Trang trước" in last.content.decode()
    assert [r["name"] for r in last.context["rows"]] == [
        r["name"] for r in client.get("/ket-qua/papi/2021/", {"tat-ca": 1}).context["rows"][60:]
    ]
    whole = client.get("/ket-qua/papi/2021/", {"tat-ca": 1})
    assert len(whole.context["rows"]) == 63 and "Xem theo trang" in whole.content.decode()
    # the region filter is kept by the links; a filtered table of 5 is whole again
    region = client.get("/ket-qua/papi/2021/", {"vung": "Tây Nguyên"})
    assert len(region.context["rows"]) == 5 and not region.context["pager"].split
    assert client.get("/ket-qua/papi/2021/", {"trang": "x"}).context["rows"][0]["rank"].startswith("1/")


def test_the_officer_unit_list_is_split(client, short_pages):
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.units.models import Unit
    from chiso.units.organisers import managed_by

    officer = User.objects.create_user("canbo-snv")
    Membership.objects.create(user=officer, role=Role.ADMIN)
    organiser = managed_by(officer)[0]
    parent = organiser.unit.code if organiser.unit else ""
    Unit.objects.bulk_create(
        Unit(level="department", code=f"T.{i:02d}", name=f"Sở thử {i:02d}", parent_code=parent)
        for i in range(45)
    )
    client.force_login(officer)
    page = client.get("/dieu-hanh/don-vi/", {"cap": "department", "to-chuc": organiser.code})
    pager = page.context["pager"]
    assert pager.count >= 45 and pager.split and len(page.context["rows"]) == 20
    text = page.content.decode()
    assert f"Số đơn vị: {pager.count}" in text and "to-chuc=" in text and "trang=2" in text
    whole = client.get("/dieu-hanh/don-vi/", {"cap": "department", "to-chuc": organiser.code, "tat-ca": 1})
    assert len(whole.context["rows"]) == pager.count
