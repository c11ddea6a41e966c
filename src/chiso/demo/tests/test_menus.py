"""Menus show only what the user may open: for every role of the demo, every link of the menus
(the header, the plans tabs, the officer's tabs, the breadcrumbs) of the home page, and of every
page those menus lead to, answers — never 403 or 404, never the sign-in page.

One test that loops over the roles, because `seed_demo` takes seconds.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import User

from chiso.demo.build import seed_demo

pytestmark = pytest.mark.django_db

# role → the demo account that holds it (None: not signed in)
ROLES = {
    "anonymous": None,
    "unit_staff": "canbo_sotuphap",
    "unit_head": "thutruong_halong",
    "appraiser": "thamdinh",
    "council": "hoidong",
    "leader": "lanhdao",
    "officer": "sonoivu",
    "admin": "admin",
}
# The officer's pages: where the officer's tabs are.
OFFICER_PAGES = ("/dieu-hanh/",)


class MenuLinks(HTMLParser):
    """The addresses of the links inside the page's header and its <nav> elements."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # how many <header>/<nav> the parser is inside
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("header", "nav"):
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("header", "nav"):
            self.depth -= 1


def menu_links(html: str, page: str) -> list[str]:
    parser = MenuLinks()
    parser.feed(html)
    found = []
    for href in parser.links:
        href = urldefrag(href)[0]
        if not href or urlsplit(href).netloc:
            continue
        if href.startswith("?"):
            href = urlsplit(page).path + href
        found.append(href)
    return found


def crawl(client, start: list[str], role: str) -> dict[str, int]:
    """Follow the menu links from `start`; every page reached, with its status."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue:
        page = queue.pop(0)
        if page in seen:
            continue
        response = client.get(page, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else page
        assert "/tai-khoan/dang-nhap/" not in final or page.startswith("/tai-khoan/"), (role, page, final)
        seen[page] = response.status_code
        assert len(seen) < 400, "the menus lead to too many pages"
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue += [link for link in menu_links(response.content.decode(), page) if link not in seen]
    return seen


def test_every_menu_link_opens_for_every_role(client, monkeypatch):
    monkeypatch.setenv("CHISO_DEMO", "1")
    seed_demo(out=io.StringIO())
    opened: dict[str, set[str]] = {}
    for role, username in ROLES.items():
        client.logout()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        start = ["/"] + (list(OFFICER_PAGES) if role in ("officer", "admin") else [])
        pages = crawl(client, start, role)
        refused = {page: status for page, status in pages.items() if status != 200}
        assert not refused, (role, refused)
        opened[role] = set(pages)
    # the menus differ by role: the leaders' board for those who read every plan, the officer's pages
    assert "/ke-hoach/lanh-dao/" in opened["leader"] and "/ke-hoach/lanh-dao/" not in opened["unit_staff"]
    assert "/dieu-hanh/khung/" in opened["officer"] and "/dieu-hanh/khung/" not in opened["leader"]
    assert "/ke-hoach/" in opened["unit_head"] and "/ke-hoach/" not in opened["appraiser"]
    assert "/danh-gia/" not in opened["anonymous"]
