"""One-time form tokens (`chiso.core.once`): the same form posted twice creates its row once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from chiso.core import once
from chiso.core.models import FormSubmission
from chiso.units.models import Organiser


def post(token: str | None):
    return RequestFactory().post("/", {} if token is None else {"once": token})


@pytest.mark.django_db
def test_the_first_post_of_a_form_is_taken_and_the_second_is_not():
    token = once.new_token()
    with once.first_post(post(token)) as first:
        assert first
    with once.first_post(post(token)) as again:
        assert not again
    with once.first_post(post(once.new_token())) as other:
        assert other
    assert FormSubmission.objects.count() == 2


@pytest.mark.django_db
def test_a_post_without_a_token_is_refused():
    for token in (None, "", "short", "bad token with spaces and more than twenty"):
        with pytest.raises(once.MissingToken, match="thiếu mã gửi một lần"), once.first_post(post(token)):
            pass
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_refused_creation_gives_the_token_back():
    token = once.new_token()
    with pytest.raises(ValueError), once.first_post(post(token)) as first:
        assert first
        raise ValueError("the service refused the input")
    with once.first_post(post(token)) as first:
        assert first  # the corrected form is taken


@pytest.mark.django_db
def test_old_tokens_are_pruned():
    FormSubmission.objects.create(token="a" * 32)
    FormSubmission.objects.filter(token="a" * 32).update(used=timezone.now() - once.KEEP - timedelta(days=1))
    with once.first_post(post(once.new_token())):
        pass
    assert not FormSubmission.objects.filter(token="a" * 32).exists()


def _in_another_connection(work) -> None:
    """Run `work` in a thread: its own database connection, committing on its own."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
def test_two_posts_of_one_form_at_the_same_moment_create_one_row():
    """A double click sends two requests at once: the second waits for the first at the token's
    unique index and finds it taken. Each request is a thread with its own database connection."""
    token, ready = once.new_token(), threading.Barrier(2)
    results: list[bool] = []

    def submit(code: str) -> None:
        try:
            ready.wait()
            with once.first_post(post(token)) as first:
                if first:
                    Organiser.objects.create(code=code, name="Phòng Nội vụ thử")
                    time.sleep(0.3)  # the other post arrives while this one is still writing
            results.append(first)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(f"thu-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created: list[Organiser] = []
    _in_another_connection(lambda: created.extend(Organiser.objects.filter(name="Phòng Nội vụ thử")))
    _in_another_connection(lambda: Organiser.objects.filter(name="Phòng Nội vụ thử").delete())
    _in_another_connection(lambda: FormSubmission.objects.filter(token=token).delete())
    assert sorted(results) == [False, True] and len(created) == 1
