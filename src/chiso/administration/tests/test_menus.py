"""The menus' answers for each role, at one query per request (the user's memberships).

Every menu link of every role opening without 403 or 404 is checked on the demo:
`chiso.demo.tests.test_menus`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from chiso.administration.menus import Menu, menu

pytestmark = pytest.mark.django_db

# role → (plans list, leaders' board, officer's pages)
EXPECTED = {
    "admin": (True, True, True),
    "sonoivu": (True, True, True),
    "lanhdao": (True, True, False),
    "thamdinh": (False, False, False),
    "hoidong": (False, False, False),
    "canbo_stp": (True, False, False),
    "thutruong_stp": (True, False, False),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_each_role_sees(people, name, django_assert_num_queries):
    user = type(people[name]).objects.get(pk=people[name].pk)  # no memberships read yet
    found = Menu(user)
    with django_assert_num_queries(1):
        answers = (found.plans, found.leaders_board, found.officer)
        assert found.signed_in
    assert answers == EXPECTED[name]


def test_anonymous_sees_public_pages_only(django_assert_num_queries):
    found = Menu(AnonymousUser())
    with django_assert_num_queries(0):
        assert not (found.signed_in or found.plans or found.leaders_board or found.officer)


def test_one_menu_per_request(people):
    request = RequestFactory().get("/")
    request.user = people["lanhdao"]
    assert menu(request)["menu"] is menu(request)["menu"]


def test_header_links(client, people):
    client.force_login(people["canbo_stp"])
    page = client.get("/ke-hoach/").content.decode()
    assert 'href="/ke-hoach/lanh-dao/"' not in page and 'href="/dieu-hanh/"' not in page
    client.force_login(people["lanhdao"])
    page = client.get("/ke-hoach/").content.decode()
    assert 'href="/ke-hoach/lanh-dao/"' in page and 'href="/dieu-hanh/"' not in page
    client.force_login(people["thamdinh"])
    page = client.get("/danh-gia/").content.decode()
    assert 'href="/ke-hoach/"' not in page and 'href="/khao-sat/"' in page
