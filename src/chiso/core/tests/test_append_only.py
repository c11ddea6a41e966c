"""The change log is append-only in the database itself: UPDATE and DELETE are refused by triggers
on SQLite and on PostgreSQL (the suite runs on both), whether they come from the ORM or from raw SQL.
"""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction

from chiso.core import changelog
from chiso.core.request_context import acting
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db

TABLE = LogEntry._meta.db_table


@pytest.fixture
def entry() -> LogEntry:
    with acting(via="test"):
        unit = Unit.objects.create(level="department", code="T.LOG", name="Sở Nhật ký", parent_code="22")
    return LogEntry.objects.get_for_object(unit).get()


def refused(statement) -> bool:
    try:
        with transaction.atomic():
            statement()
    except IntegrityError as error:
        assert "append-only" in str(error)
        return True
    return False


def raw(sql: str):
    def run():
        with connection.cursor() as cursor:
            if sql.startswith("TRUNCATE"):  # not with the test's foreign-key checks still pending
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)

    return run


def test_the_triggers_are_there():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
            )
        names = {row[0] for row in cursor.fetchall()}
    expected = {f"{TABLE}_no_update", f"{TABLE}_no_delete"}
    if connection.vendor == "postgresql":
        expected = {f"{TABLE}_append_only", f"{TABLE}_no_truncate"}
    assert names == expected


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.object_repr = "forged"
    assert refused(entry.save)
    assert refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="forged"))
    assert refused(entry.delete)
    assert refused(LogEntry.objects.all().delete)
    assert LogEntry.objects.get(pk=entry.pk).object_repr == "Sở Nhật ký (T.LOG)"


def test_nor_with_sql(entry):
    assert refused(raw(f"UPDATE {TABLE} SET object_repr = 'forged' WHERE id = {entry.pk}"))
    assert refused(raw(f"UPDATE {TABLE} SET actor_id = NULL"))
    assert refused(raw(f"DELETE FROM {TABLE} WHERE id = {entry.pk}"))
    assert refused(raw(f"DELETE FROM {TABLE}"))
    if connection.vendor == "postgresql":
        assert refused(raw(f"TRUNCATE {TABLE}"))
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_appending_still_works(entry):
    with acting(via="test"):
        Unit.objects.filter(code="T.LOG").get().delete()
    assert LogEntry.objects.filter(object_pk=entry.object_pk, content_type=entry.content_type).count() == 2


def test_the_triggers_come_back_after_a_migrate(entry):
    """A migration that rebuilds the table on SQLite drops its triggers; post_migrate puts them back."""
    with connection.cursor() as cursor:
        for statement in changelog.drop_append_only_sql(connection.vendor):
            cursor.execute(statement)
    assert not refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="unguarded"))
    changelog.ensure_append_only(using="default")
    assert refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="forged"))


def test_only_emptying_the_whole_database_gets_through(entry):
    """What Django's flush does between transactional tests (the browser tests)."""
    empty = raw(f"TRUNCATE {TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}")
    assert refused(empty)
    with changelog.emptying_the_database():
        assert not refused(empty)
    assert not LogEntry.objects.exists()
    with acting(via="test"):
        Unit.objects.create(level="department", code="T.LOG2", name="Sở Khác", parent_code="22")
    assert refused(empty)
    assert refused(LogEntry.objects.all().delete)
