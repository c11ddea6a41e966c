"""Sign-in hardening (issue 10, attack 9): weak passwords refused in Vietnamese, repeated wrong
passwords lock the user name from that address for a while without checking any password, and a
session ends after a period without use."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from chiso.cli.main import main

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"


@pytest.fixture
def official(db):
    return User.objects.create_user("canbo_stp", "canbo@example.vn", "dung-mat-khau-2025")


def sign_in(client, password: str, address: str = "127.0.0.1", username: str = "canbo_stp"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


# -- passwords -------------------------------------------------------------------------------------


def test_weak_passwords_are_refused_with_django_s_vietnamese_messages():
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_password("123456")
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in refused.value.messages
    assert "Mật khẩu này quá phổ biến." in refused.value.messages
    assert "Mật khẩu này hoàn toàn là số." in refused.value.messages
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password("1234567890")
    assert "This password is entirely numeric." in refused.value.messages
    validate_password("Bao-cao-quy-3-2025")  # a long, uncommon password passes


def test_the_command_line_refuses_a_weak_password(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("matkhau\n"))
    assert main(["users", "add", "yeu", "--password-stdin"]) == 1
    assert "Mật khẩu quá ngắn" in capsys.readouterr().err
    assert not User.objects.filter(username="yeu").exists()


def test_production_hashing_is_django_s_slow_default():
    """Tests hash with MD5 to run fast (conftest); an installation uses Django's default, PBKDF2 at
    Django's iteration count, which chiso never lowers: throttling limits the tries instead."""
    from django.conf import global_settings

    import chiso.settings

    assert not hasattr(chiso.settings, "PASSWORD_HASHERS")
    assert global_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"


# -- throttling ------------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_user_name_from_that_address(client, official):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = sign_in(client, "sai")
        assert response.status_code == 200 and "không đúng" in response.text
    locked = sign_in(client, "sai")
    assert locked.status_code == 429
    assert f"Đã nhập sai mật khẩu {limit} lần" in locked.text and "tạm bị khóa" in locked.text
    assert "15 phút" in locked.text
    # the right password is refused too while the lock lasts: guessing on gains nothing
    refused = sign_in(client, "dung-mat-khau-2025")
    assert refused.status_code == 429 and SESSION_KEY not in client.session
    # the same person from another address, and another user from this one, still sign in
    assert sign_in(client, "dung-mat-khau-2025", address="10.0.0.7").status_code == 302
    client.logout()
    User.objects.create_user("canbo_syt", "", "mat-khau-khac-2025")
    assert sign_in(client, "mat-khau-khac-2025", username="canbo_syt").status_code == 302


def test_a_locked_sign_in_checks_no_password(client, official, monkeypatch):
    """Each try hashes the password on purpose slowly (PBKDF2); once locked, no hashing at all."""
    checked = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checked.append(username)
        return original(self, request, username, password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    for _ in range(settings.AXES_FAILURE_LIMIT + 20):
        sign_in(client, "sai")
    assert len(checked) == settings.AXES_FAILURE_LIMIT


def test_the_lock_ends_after_the_cool_off(client, official):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sai")
    assert sign_in(client, "dung-mat-khau-2025").status_code == 429
    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert sign_in(client, "dung-mat-khau-2025").status_code == 302


def test_a_success_starts_the_count_again(client, official):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "sai")
    assert sign_in(client, "dung-mat-khau-2025").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "sai")
    assert sign_in(client, "dung-mat-khau-2025").status_code == 302


def test_behind_a_proxy_the_client_is_the_address_the_proxy_appended(settings):
    from chiso.accounts import sessions

    request = RequestFactory().post(
        LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.CHISO_BEHIND_PROXY = False
    assert sessions.client_address(request) == "10.0.0.1"
    settings.CHISO_BEHIND_PROXY = True
    assert sessions.client_address(request) == "203.0.113.9"  # not what the client claimed


# -- sessions --------------------------------------------------------------------------------------


def test_sessions_are_short_and_end_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_session_in_use_slides_and_an_idle_one_ends(client, official):
    from chiso.accounts import sessions

    client.force_login(official)
    home = reverse("assessments:home")
    assert client.get(home).status_code == 200
    row = Session.objects.get(session_key=client.session.session_key)
    first_expiry = row.expire_date

    # used again after the refresh interval: saved again, the expiry moves on
    session = client.session
    session[sessions.SEEN] = int(time.time()) - sessions.REFRESH_SECONDS - 1
    session.save()
    Session.objects.filter(pk=row.pk).update(expire_date=first_expiry - timedelta(minutes=10))
    assert client.get(home).status_code == 200
    assert Session.objects.get(pk=row.pk).expire_date >= first_expiry

    # left idle past its age: signed out (the cached copy expires with it: its timeout is the age)
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.delete(client.session.cache_key)
    response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_session_in_use_is_not_written_on_every_request(client, official, django_assert_num_queries):
    client.force_login(official)
    home = reverse("assessments:home")
    client.get(home)
    writes = []
    from django.db import connection

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "django_session" in sql:
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        client.get(home)
        client.get(home)
    assert writes == []
