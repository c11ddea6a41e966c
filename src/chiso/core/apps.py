"""The project's shared Django layer: wires the engine to Django's translation machinery."""

from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chiso.core"
    label = "core"
    verbose_name = "chiso"

    def ready(self) -> None:
        from django.utils import translation

        from chiso.core import checks  # noqa: F401  (registers chiso's deployment check)
        from chiso.engine import i18n

        i18n.install(translation.gettext, translation.ngettext, translation.get_language)
