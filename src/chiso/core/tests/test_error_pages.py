"""The error pages answer in Vietnamese with the site's header, say why when the refusal says it,
and offer a way back: 400, 403 (with the reason PermissionDenied carries; a notice for htmx), 404,
405, the refused form (CSRF) and 500 — which renders without the request or the database. And
/favicon.ico answers. (DEBUG is off in the tests, as in production.)"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied, server_error

from chiso.accounts.models import Membership, Role
from chiso.units.models import Unit

HOME = 'href="/"'
BACK = "Quay lại trang trước"


def site_page(response, policy: bool = True) -> str:
    """The page's text, after checking it is a whole page with the site's header and policy."""
    text = response.content.decode()
    assert '<header class="topbar">' in text and 'class="brand"' in text, text[:400]
    assert "chiso/chiso.css" in text and "chiso/favicon.svg" in text
    assert not policy or "Content-Security-Policy" in response.headers
    return text


@pytest.fixture
def staffer(db):
    unit = Unit.objects.create(
        level="department", code="T.STP", name="Sở Tư pháp", kind="sở", parent_code="22"
    )
    user = User.objects.create_user("canbo_stp", "", "pw")
    Membership.objects.create(user=user, role=Role.UNIT_STAFF, unit=unit)
    return user


# -- 404 ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_not_found(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = site_page(response)
    assert "Không tìm thấy trang" in text and "/khong-co-trang-nay/" in text
    assert HOME in text and BACK not in text  # typed in: nowhere to go back to
    assert "Not Found" not in text


@pytest.mark.django_db
def test_not_found_offers_the_page_it_came_from(client):
    came_from = "http://testserver/ket-qua/papi/2024/"
    text = client.get("/ket-qua/papi/1900/", HTTP_REFERER=came_from).content.decode()
    assert BACK in text and f'href="{came_from}"' in text
    # another site is not offered as the way back
    text = client.get("/khong-co/", HTTP_REFERER="https://evil.example/").content.decode()
    assert BACK not in text and "evil.example" not in text


@pytest.mark.django_db
def test_not_found_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = site_page(response)
    assert '<html lang="en">' in text and "Published results" in text  # the header, through gettext


# -- 403 ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forbidden_says_why(client, staffer):
    client.force_login(staffer)
    response = client.get("/dieu-hanh/")
    assert response.status_code == 403
    text = site_page(response)
    assert "Bạn không có quyền mở trang này" in text
    assert "Chỉ Sở Nội vụ và quản trị hệ thống được mở trang này." in text  # officer_required's reason
    assert HOME in text and "403 Forbidden" not in text


@pytest.mark.django_db
def test_forbidden_without_a_reason(client, staffer):
    client.force_login(staffer)
    response = client.get("/ke-hoach/lanh-dao/")  # PermissionDenied() with no message
    assert response.status_code == 403
    text = site_page(response)
    assert "Bạn không có quyền mở trang này" in text and "nhờ Sở Nội vụ hoặc quản trị hệ thống" in text


@pytest.mark.django_db
def test_forbidden_to_htmx_is_a_notice(client, staffer):
    client.force_login(staffer)
    response = client.get("/dieu-hanh/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    text = response.content.decode()
    assert text.startswith('<div class="notice notice-forbidden" role="alert">')
    assert "<html" not in text and "Chỉ Sở Nội vụ và quản trị hệ thống được mở trang này." in text


@pytest.mark.django_db
def test_forbidden_to_a_visitor_offers_sign_in():
    request = RequestFactory().get("/trang-rieng/?a=1")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    text = response.content.decode()
    assert response.status_code == 403
    assert 'href="/tai-khoan/dang-nhap/?next=/trang-rieng/%3Fa%3D1"' in text


@pytest.mark.django_db
def test_refused_form_csrf():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/tai-khoan/dang-nhap/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    text = site_page(response)
    assert "Không gửi được biểu mẫu" in text and HOME in text and "data-back" in text
    assert "CSRF verification failed" not in text


# -- 400, 405 -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_request(client):
    response = client.get("/", HTTP_HOST="khong-phai-chiso.example")  # DisallowedHost
    assert response.status_code == 400
    text = site_page(response, policy=False)  # refused by an outer middleware, before the policy's
    assert "Yêu cầu không hợp lệ" in text and HOME in text and "Bad Request" not in text


@pytest.mark.django_db
def test_wrong_method(client, staffer):
    client.force_login(staffer)
    response = client.get("/ke-hoach/lanh-dao/canh-bao/")  # a button's address, POST only
    assert response.status_code == 405 and response["Allow"] == "POST"
    text = site_page(response)
    assert "Không mở được địa chỉ này" in text and HOME in text
    assert client.head("/ke-hoach/lanh-dao/canh-bao/").content == b""


# -- 500 ----------------------------------------------------------------------------------------------


@pytest.mark.urls("chiso.core.tests.failing_urls")
@pytest.mark.django_db
def test_server_error():
    client = Client(raise_request_exception=False)
    response = client.get("/loi-thu/")
    assert response.status_code == 500
    text = site_page(response)
    assert "Máy chủ gặp lỗi khi mở trang này" in text and HOME in text
    assert "a bug" not in text and "Server Error" not in text


def test_server_error_needs_no_request_nor_database():
    """No `db` mark: any query here fails the test. Django renders 500.html without a context."""
    response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert '<header class="topbar">' in text and "Máy chủ gặp lỗi khi mở trang này" in text
    assert "data-back hidden" in text and HOME in text


# -- favicon --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_favicon(client):
    assert finders.find("chiso/favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("/static/chiso/favicon.svg")
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/chiso/favicon.svg" type="image/svg+xml">' in page
