from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "chiso.frameworks"
    verbose_name = _("Khung tiêu chí")

    def ready(self) -> None:
        from chiso.frameworks.changelog import register

        register()  # into the change log (chiso.core.changelog)
