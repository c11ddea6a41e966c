"""Getting a database ready: migrations, then the built-in units, frameworks and public results;
and the secret key of a local installation (`local_secret_key`), which a server refuses
(`refuse_unsafe_start`).

`ensure_ready` does the work (``chiso setup``, ``chiso demo``, the test database). Every other
command calls `require_ready`, which never migrates a database the user already has: it says which
command to run instead. The one exception is the embedded SQLite database on first use (its file
does not exist yet), which is created and loaded so that a newcomer's first command works.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

SECRET_KEY_FILE = "secret_key"


def local_secret_key(folder: Path) -> str:
    """The secret key of this installation when CHISO_SECRET_KEY is not set: random, generated once
    into `folder` (the chiso data folder, readable by its owner only) and read back by every later
    process, so that the demo's sessions survive a restart. A folder that cannot be written gives
    a key for this process only: the command line signs nothing that must outlive it.

    Runs while the settings are read: no translation, no Django setting.
    """
    import secrets
    import tempfile

    path = folder / SECRET_KEY_FILE
    try:
        existing = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        existing = ""
    except (OSError, UnicodeDecodeError):
        return secrets.token_urlsafe(50)
    if existing:
        return existing
    key = secrets.token_urlsafe(50)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".secret_key.")  # mode 0600
        try:
            os.write(handle, key.encode("ascii"))
            os.close(handle)
            if path.exists():  # an empty file left by hand: replace it
                os.replace(temporary, path)
                return key
            os.link(temporary, path)  # fails if another process created the file first: use theirs
        except FileExistsError:
            return path.read_text(encoding="ascii").strip() or key
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        return secrets.token_urlsafe(50)
    return key


def refuse_unsafe_start() -> None:
    """Stop a server that would run without DEBUG and without a secret key of its own.

    Called by the WSGI entry point (gunicorn, uWSGI, mod_wsgi and `chiso demo`'s server): in
    production the key comes from CHISO_SECRET_KEY; the generated key of `local_secret_key` is for
    the demo (CHISO_DEMO=1), development (CHISO_DEBUG=1), the command line and the tests.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if settings.DEBUG or os.environ.get("CHISO_DEMO") == "1":
        return
    generated = getattr(settings, "CHISO_GENERATED_SECRET_KEY", "")
    if not settings.SECRET_KEY or generated == settings.SECRET_KEY:
        raise ImproperlyConfigured(
            _(
                "chiso không khởi động máy chủ: thiếu khóa bí mật. Hãy đặt biến môi trường "
                "CHISO_SECRET_KEY (một chuỗi ngẫu nhiên dài ít nhất 50 ký tự, giữ kín, ví dụ "
                '`python -c "import secrets; print(secrets.token_urlsafe(50))"`), hoặc CHISO_DEBUG=1 '
                "khi chạy thử trên máy mình."
            )
        )


class DatabaseNotReady(Exception):
    """The database lacks migrations or the built-in data; the message names the command to run."""


def setup_django() -> None:
    """Configure Django for use outside manage.py (the `chiso` command, notebooks). The command
    prints what it did itself: its log lines are errors only, unless CHISO_LOG_LEVEL says more."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    os.environ.setdefault("CHISO_LOG_LEVEL", "ERROR")
    import django
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    django.setup()


def _pending_migrations() -> bool:
    """Whether a migration is still to be applied, as `migrate` would see it (loads every migration)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _migration_files() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration file of the installed apps, without importing
    them: the names only, as Django's loader finds them."""
    import pkgutil
    from importlib.util import find_spec

    from django.apps import apps

    found = set()
    for app in apps.get_app_configs():
        try:
            spec = find_spec(f"{app.name}.migrations")
        except ImportError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for module in pkgutil.iter_modules(spec.submodule_search_locations):
            if not module.ispkg and module.name[0] not in "_~":
                found.add((app.label, module.name))
    return found


def migrations_applied() -> bool:
    """Whether the database has every migration applied; cheap when it has.

    The fast path compares the names of the migration files with the `django_migrations` table (one
    query, no migration imported). Anything unrecorded is confirmed by Django's own plan, which
    also knows squashed migrations.
    """
    from django.db import DatabaseError, connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    try:
        if not recorder.has_table():
            return False
        applied = set(recorder.applied_migrations())
    except DatabaseError:
        return False
    if _migration_files() <= applied:
        return True
    return not _pending_migrations()


def builtin_data_loaded() -> bool:
    """Whether the provinces, the built-in frameworks and the published results are in the database."""
    from chiso.frameworks.models import Framework
    from chiso.results import builtin
    from chiso.units.models import Unit

    return (
        Unit.objects.filter(level="province").exists()
        and Framework.objects.filter(builtin=True).exists()
        and builtin.is_loaded()
    )


def is_new_embedded_database() -> bool:
    """Whether the database is chiso's own SQLite file (no DATABASE_URL) and that file does not exist
    yet. Must be asked before anything connects, since connecting creates the file."""
    from django.db import connection
    from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

    if os.environ.get("DATABASE_URL") or not isinstance(connection.creation, SQLiteCreation):
        return False
    name = str(connection.settings_dict["NAME"])
    if connection.creation.is_in_memory_db(name):
        return False
    return not Path(name).exists()


def require_ready(out: TextIO = sys.stderr) -> None:
    """Make sure a command can use the database, without migrating one the user already has.

    A new embedded SQLite database is created and loaded (a message per step on `out`); any other
    database missing a migration or the built-in data raises DatabaseNotReady naming `chiso setup`.
    """
    if is_new_embedded_database():
        out.write(_("Lần chạy đầu: tạo cơ sở dữ liệu SQLite và nạp dữ liệu có sẵn.") + "\n")
        ensure_ready(out=out)
        return
    if not migrations_applied():
        raise DatabaseNotReady(
            _(
                "Cơ sở dữ liệu chưa được cập nhật cho phiên bản chiso này (còn bước chuyển đổi chưa "
                "chạy). Hãy chạy `chiso setup` rồi chạy lại lệnh."
            )
        )
    if not builtin_data_loaded():
        raise DatabaseNotReady(
            _(
                "Cơ sở dữ liệu chưa có dữ liệu có sẵn (đơn vị, khung tiêu chí, kết quả công bố). Hãy chạy `chiso setup`."
            )
        )


def ensure_ready(out: TextIO = sys.stderr, communes: bool = False) -> None:
    """Migrate the database and load the built-in data if it is not there yet (idempotent)."""
    from django.core.management import call_command
    from django.utils.translation import ngettext

    from chiso.results import builtin
    from chiso.units.models import Unit

    if _pending_migrations():
        call_command("migrate", verbosity=0, interactive=False)
    if not Unit.objects.filter(level="province").exists():
        from chiso.units.registry import load_provinces

        count = load_provinces()
        out.write(
            ngettext(
                "Đã nạp {count} đơn vị cấp tỉnh (63 và 34).",
                "Đã nạp {count} đơn vị cấp tỉnh (63 và 34).",
                count,
            ).format(count=count)
            + "\n"
        )
    if communes and not Unit.objects.filter(level="commune").exists():
        from chiso.units.registry import load_communes

        count = load_communes()
        out.write(
            ngettext(
                "Đã nạp {count} xã, phường, đặc khu.", "Đã nạp {count} xã, phường, đặc khu.", count
            ).format(count=count)
            + "\n"
        )
    from chiso.units.blocks import ensure_standard_blocks

    ensure_standard_blocks()
    from chiso.frameworks.services import load_builtin

    count = load_builtin(only_missing=True)  # a first set-up, or indices and frameworks shipped since
    if count:
        out.write(
            ngettext("Đã nạp {count} khung tiêu chí.", "Đã nạp {count} khung tiêu chí.", count).format(
                count=count
            )
            + "\n"
        )
    if not builtin.is_loaded():
        count = builtin.load_public_results()
        out.write(
            ngettext(
                "Đã nạp {count} bộ kết quả công bố (PAPI, PCI).",
                "Đã nạp {count} bộ kết quả công bố (PAPI, PCI).",
                count,
            ).format(count=count)
            + "\n"
        )


STATIC_STAMP = ".chiso-collected"


def static_fingerprint() -> str:
    """What the collected static files depend on: the name, size and time of every source file the
    finders see (chiso's, the admin's), and the storage that writes them. Cheap: no file is read."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    entries = []
    for finder in get_finders():
        for path, storage in finder.list(None):
            stat = os.stat(storage.path(path))
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    entries.append(settings.STORAGES["staticfiles"]["BACKEND"])
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def collect_static(out: TextIO = sys.stderr) -> bool:
    """Collect the static files into STATIC_ROOT (hashed names, compressed variants) unless they are
    already collected from the same sources; whether it collected. Run by `chiso serve` and
    `chiso demo` before the server starts: an upgrade that changed a style sheet serves the new one."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / STATIC_STAMP
    fingerprint = static_fingerprint()
    try:
        if stamp.read_text(encoding="ascii").strip() == fingerprint:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    out.write(_("Chuẩn bị các tệp tĩnh (CSS, JavaScript) vào {folder}.").format(folder=root) + "\n")
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint + "\n", encoding="ascii")
    return True
