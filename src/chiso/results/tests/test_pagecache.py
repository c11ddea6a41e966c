"""The public results pages kept as rendered HTML per published-data generation
(`chiso.core.pagecache`): served as a fresh render would be, per user's shell, and never stale."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from chiso.core import generation, pagecache
from chiso.results.tests.test_cache import NINH_THUAN, RANKING, _republish

pytestmark = pytest.mark.django_db

# Each page and the queries of a kept one: none, but for the panels of the page of points lost,
# rendered for each user (the unit's result found again, and what the plans app shows about it).
PAGES = [
    ("/", 0),
    (RANKING, 0),
    (f"{RANKING}?vung=1", 0),
    (f"{RANKING}{NINH_THUAN}/", 0),
    (f"/ke-hoach/phan-tich/papi/2021/{NINH_THUAN}/", 5),
]
TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # a masked CSRF token: another for every request


@pytest.fixture(autouse=True)
def committed(monkeypatch, settings):
    """As in production, where the data a page shows was committed before the request (and the
    page cache on)."""
    monkeypatch.setattr(generation, "pending", lambda: False)
    settings.CHISO_PAGE_CACHE = True


def _html(response) -> str:
    assert response.status_code == 200
    return TOKEN.sub("TOKEN", response.content.decode())


@pytest.mark.parametrize(("path", "queries"), PAGES)
def test_a_kept_page_is_the_fresh_render(client, settings, path, queries, django_assert_max_num_queries):
    settings.CHISO_PAGE_CACHE = False
    fresh = _html(client.get(path))
    settings.CHISO_PAGE_CACHE = True
    kept_before, hits = pagecache.stats["kept"], pagecache.stats["hit"]
    assert _html(client.get(path)) == fresh  # rendered and kept
    assert pagecache.stats["kept"] == kept_before + 1
    with django_assert_max_num_queries(queries):
        served = client.get(path)
    assert pagecache.stats["hit"] == hits + 1
    assert _html(served) == fresh
    assert "csrftoken" in served.cookies or "csrftoken" in client.cookies  # forms still post


def test_the_ranking_is_kept_without_a_query(client, django_assert_num_queries):
    client.get(RANKING)
    with django_assert_num_queries(0):
        client.get(RANKING)


def test_a_signed_in_user_sees_their_own_menu_on_a_kept_page(client, django_user_model):
    client.get(RANKING)  # kept by the public
    user = django_user_model.objects.create_user("nguoi-dung-thu", password="x" * 12)
    client.force_login(user)
    hits = pagecache.stats["hit"]
    page = client.get(RANKING).content.decode()
    assert pagecache.stats["hit"] == hits + 1
    assert "nguoi-dung-thu" in page and "Đăng xuất" in page
    client.logout()
    page = client.get(RANKING).content.decode()
    assert "nguoi-dung-thu" not in page and "Đăng nhập" in page


def test_each_language_and_query_has_its_own_page(client):
    vietnamese = client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert "<h1>Ninh Thuận</h1>" in vietnamese and "<h1>Ninh Thuan</h1>" in english
    assert client.get(f"{RANKING}?trang=2").content != client.get(RANKING).content


def test_a_publication_changes_what_is_served(client, monkeypatch, django_capture_on_commit_callbacks):
    assert "43,83" in client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert "43,83" in client.get(f"{RANKING}{NINH_THUAN}/").content.decode()  # served kept
    before = generation.current()
    with django_capture_on_commit_callbacks(execute=True):
        _republish(Decimal("71.2345"))
    assert generation.current() != before
    page = client.get(f"{RANKING}{NINH_THUAN}/").content.decode()
    assert "71,23" in page and "43,83" not in page
    assert "71,23" in client.get(RANKING).content.decode()


def test_nothing_is_kept_from_uncommitted_changes_nor_for_htmx(client, monkeypatch):
    monkeypatch.setattr(generation, "pending", lambda: True)
    kept = pagecache.stats["kept"]
    client.get(RANKING)
    assert pagecache.stats["kept"] == kept
    monkeypatch.setattr(generation, "pending", lambda: False)
    client.get(RANKING, headers={"HX-Request": "true"})
    assert pagecache.stats["kept"] == kept
    client.get(RANKING)
    assert pagecache.stats["kept"] == kept + 1


def test_an_address_with_parameters_the_page_does_not_read_is_not_kept(client):
    kept = pagecache.stats["kept"]
    client.get(f"{RANKING}?utm_source=x")
    client.get(f"{RANKING}{NINH_THUAN}/?vung=1")
    assert pagecache.stats["kept"] == kept
    client.get(f"{RANKING}?vung=1&trang=2")
    assert pagecache.stats["kept"] == kept + 1


def test_a_missing_page_is_not_kept(client):
    kept = pagecache.stats["kept"]
    assert client.get("/ket-qua/papi/1990/").status_code == 404
    assert client.get("/ket-qua/papi/1990/").status_code == 404
    assert pagecache.stats["kept"] == kept
