"""The project's shared Django layer: wires the engine to Django's translation machinery and the
change log to the request context."""

from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chiso.core"
    label = "core"
    verbose_name = "chiso"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_save
        from django.utils import translation

        from chiso.core import (
            changelog,
            checks,  # noqa: F401  (registers chiso's deployment check)
        )
        from chiso.engine import i18n

        i18n.install(translation.gettext, translation.ngettext, translation.get_language)
        # Every change-log entry carries the request id, the actor and where the change came from.
        pre_save.connect(changelog.stamp_on_save, sender=LogEntry, dispatch_uid="chiso-changelog-stamp")
        # The change log is append-only (triggers, put back after every migrate).
        connection_created.connect(changelog.define_sqlite_escape, dispatch_uid="chiso-changelog-sqlite")
        post_migrate.connect(
            changelog.ensure_append_only, sender=self, dispatch_uid="chiso-changelog-triggers"
        )
