"""Getting a database ready: migrations, then the built-in units, frameworks and public results."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def setup_django() -> None:
    """Configure Django for use outside manage.py (the `chiso` command, notebooks)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    django.setup()


def _pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_ready(out: TextIO = sys.stderr, communes: bool = False) -> None:
    """Migrate the database and load the built-in data if it is not there yet (idempotent)."""
    from django.core.management import call_command

    from chiso.frameworks.models import Framework
    from chiso.results import builtin
    from chiso.units.models import Unit

    if _pending_migrations():
        call_command("migrate", verbosity=0, interactive=False)
    if not Unit.objects.filter(level="province").exists():
        from chiso.units.registry import load_provinces

        count = load_provinces()
        out.write(f"Đã nạp {count} đơn vị cấp tỉnh (63 và 34) / loaded {count} provinces.\n")
    if communes and not Unit.objects.filter(level="commune").exists():
        from chiso.units.registry import load_communes

        count = load_communes()
        out.write(f"Đã nạp {count} xã, phường, đặc khu / loaded {count} communes.\n")
    if not Framework.objects.filter(builtin=True).exists():
        from chiso.frameworks.services import load_builtin

        count = load_builtin()
        out.write(f"Đã nạp {count} khung tiêu chí / loaded {count} frameworks.\n")
    if not builtin.is_loaded():
        count = builtin.load_public_results()
        out.write(f"Đã nạp {count} bộ kết quả công bố (PAPI, PCI) / loaded {count} published result sets.\n")
