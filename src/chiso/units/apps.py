from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "chiso.units"
    verbose_name = _("Đơn vị hành chính")

    def ready(self) -> None:
        from chiso.units.changelog import register

        register()  # into the change log (chiso.core.changelog)
