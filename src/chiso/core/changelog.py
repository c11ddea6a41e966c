"""The change log: one generic, append-only table for every create, update and delete.

chiso uses django-auditlog's `LogEntry` (one row per change: the object's content type and
primary key, its text at the time, the action, the changed fields before and after as JSON, the
actor, the remote address, the time and the request id as the correlation id `cid`). Each app
registers its models in its own `changelog.py`, called from its `AppConfig.ready()`; auditlog then
logs every `save()` and `delete()` of them through Django's signals.

What signals do not see is logged here explicitly:
- rows written with `bulk_create` (`log_created`: one entry per row, written in one query);
- large bulk writes whose rows are not registered one by one — a result set's unit results and
  values, a survey's estimates, the built-in unit lists (`log_counts`, `log_bulk`: one entry with
  the counts).

Every entry is stamped with the context of `chiso.core.request_context` (request id, actor,
remote address, web path or command). The table is append-only: triggers refuse UPDATE and DELETE
on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL); see `append_only_sql`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.dispatch import Signal
from django.utils.encoding import smart_str

from chiso.core import request_context

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

# Sent by `log_created` with the model as sender: rows written by `bulk_create`, which sends no
# post_save (the results app renews its cached analyses on it, `chiso.results.cache`).
bulk_logged = Signal()

# -- registering models ---------------------------------------------------------------------------


def register(
    model: type[Model],
    *,
    exclude: Iterable[str] = (),
    mask: Iterable[str] = (),
    mask_callable: str | None = None,
    m2m: Iterable[str] = (),
) -> None:
    """Log every create, update and delete of `model`: its own fields (not the reverse relations,
    which auditlog would log as "None" on a create), less those in `exclude`; fields in `mask` are
    logged as changed, through `mask_callable`, never with their value."""
    auditlog.register(
        model,
        include_fields=[f.name for f in model._meta.concrete_fields],
        exclude_fields=list(exclude),
        mask_fields=list(mask),
        mask_callable=mask_callable,
        m2m_fields=set(m2m),
    )


def registered_models() -> list[type[Model]]:
    return list(auditlog.get_models())


def hidden(value: str) -> str:
    """How a masked field (a password hash) appears in the log: changed, never its value."""
    return "••••••"


# -- stamping entries -----------------------------------------------------------------------------


def stamp(entry: LogEntry) -> None:
    """Fill the request id, the actor, the remote address and the origin from the current context,
    where the entry does not say them itself."""
    context = request_context.current()
    if not entry.cid:
        entry.cid = context.request_id
    if entry.actor_id is None:
        user = context.user()
        if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None:
            entry.actor_id = user.pk
            entry.actor_email = getattr(user, "email", "") or None
    if entry.remote_addr is None:
        entry.remote_addr = context.remote_addr
    if context.origin:
        entry.additional_data = {**context.origin, **(entry.additional_data or {})}


def stamp_on_save(sender: type[LogEntry], instance: LogEntry, raw: bool = False, **kwargs: Any) -> None:
    """pre_save receiver of LogEntry: every entry auditlog writes is stamped."""
    if not raw:
        stamp(instance)


# -- entries signals do not write -----------------------------------------------------------------


def _entry(instance: Model, action: int, changes: Mapping[str, Any] | None) -> LogEntry:
    pk = instance.pk
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_pk=smart_str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=smart_str(instance),
        action=action,
        changes=dict(changes or {}),
    )
    stamp(entry)
    return entry


def log_created(objects: Iterable[Model]) -> int:
    """Log rows written by `bulk_create` (which sends no signal): one CREATE entry per row with all
    its fields, as auditlog writes for `save()`, inserted in one query. Returns how many."""
    written = [obj for obj in objects if obj.pk is not None]
    entries = [_entry(obj, LogEntry.Action.CREATE, model_instance_diff(None, obj)) for obj in written]
    LogEntry.objects.bulk_create(entries, batch_size=500)
    for model in {type(obj) for obj in written}:
        bulk_logged.send(sender=model)
    return len(entries)


def log_counts(instance: Model, counts: Mapping[str, tuple[int | None, int]]) -> LogEntry:
    """Log a bulk write under the object it belongs to, as an UPDATE of `instance` whose changes are
    the number of rows before and after: ``{"unit_results": (None, 63)}``."""
    changes = {name: [None if old is None else str(old), str(new)] for name, (old, new) in counts.items()}
    entry = _entry(instance, LogEntry.Action.UPDATE, changes)
    entry.save()
    return entry


def log_bulk(model: type[Model], action: int, description: str, count: int, **details: Any) -> LogEntry:
    """Log a bulk write of `count` rows of `model` that belongs to no single object (a built-in unit
    list loaded): one entry whose text is `description`, with `details` (the codes) kept with it."""
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="",
        object_repr=description,
        action=action,
        changes={"count": [None, str(count)]},
        additional_data=details or None,
    )
    entry.save()  # stamped by the pre_save receiver
    return entry


# -- append-only ----------------------------------------------------------------------------------

SQLITE_ESCAPE = "chiso_may_empty_change_log"  # a function: 1 only while the test harness empties the database
POSTGRES_ESCAPE = "chiso.may_empty_change_log"  # a setting: 'on' only while the test harness truncates


def append_only_sql(vendor: str) -> list[str]:
    """The statements that make the change log append-only on `vendor` (none for other databases).

    SQLite: triggers refuse every UPDATE and every DELETE. PostgreSQL: a row trigger refuses every
    UPDATE and DELETE, a statement trigger every TRUNCATE. Both raise an integrity error. The only
    way around them is the one Django's `flush` takes when the test harness empties the whole
    database between tests (`emptying_the_database`); whoever owns the database can drop a trigger
    anyway — the triggers stop the application, its bugs and anyone who reaches the database only
    through it, not the database's owner."""
    table = LogEntry._meta.db_table
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'chiso: the change log is append-only (UPDATE refused)'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN {SQLITE_ESCAPE}() IS NOT 1 "
            "BEGIN SELECT RAISE(ABORT, 'chiso: the change log is append-only (DELETE refused)'); END",
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION chiso_change_log_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'TRUNCATE' AND current_setting('{POSTGRES_ESCAPE}', true) = 'on' THEN RETURN NULL; "
            "END IF; "
            "RAISE EXCEPTION USING MESSAGE = 'chiso: the change log is append-only (' || TG_OP || ' refused)', "
            "ERRCODE = 'restrict_violation'; "
            "END $$",
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION chiso_change_log_append_only()",
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION chiso_change_log_append_only()",
        ]
    return []


def drop_append_only_sql(vendor: str) -> list[str]:
    table = LogEntry._meta.db_table
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            "DROP FUNCTION IF EXISTS chiso_change_log_append_only()",
        ]
    return []


def make_append_only(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (again: idempotent) when the change log's table exists."""
    if LogEntry._meta.db_table not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in append_only_sql(connection.vendor):
            cursor.execute(statement)


def ensure_append_only(using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: a migration that rebuilds the table on SQLite (as Django does to alter
    a column) drops its triggers; they are put back after every migrate."""
    make_append_only(connections[using])


def define_sqlite_escape(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: on SQLite the DELETE trigger asks this function, which says no
    (without it SQLite would refuse the DELETE all the same, with a less helpful message)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_ESCAPE, 0, _no, deterministic=False)


def _no() -> int:
    return 0


def _yes() -> int:
    return 1


@contextmanager
def emptying_the_database(using: str = "default") -> Iterator[None]:
    """Let Django's `flush` empty the change log with the rest of the database: what the test
    harness does between transactional tests. Nothing else uses it."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_ESCAPE, 0, _yes, deterministic=False)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET {POSTGRES_ESCAPE} = 'on'")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            connection.connection.create_function(SQLITE_ESCAPE, 0, _no, deterministic=False)
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"RESET {POSTGRES_ESCAPE}")
