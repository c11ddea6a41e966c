from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "chiso.rounds"
    verbose_name = _("Đợt báo cáo phân tích chỉ số")

    def ready(self) -> None:
        """Log changes of rounds, requests, answers and attachments."""
        from chiso.rounds import changelog

        changelog.register()  # into the change log (chiso.core.changelog)
