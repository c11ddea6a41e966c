"""Test set-up shared by every test module: the built-in data is loaded once per test database."""

from __future__ import annotations

import io

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate the test database (pytest-django), then load units, frameworks and public results."""
    from chiso.bootstrap import ensure_ready

    with django_db_blocker.unblock():
        ensure_ready(out=io.StringIO())


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
