from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "chiso.surveys"
    verbose_name = _("Khảo sát")

    def ready(self) -> None:
        from chiso.surveys.changelog import register

        register()  # into the change log (chiso.core.changelog)
        from chiso.surveys.services import answers  # noqa: F401 - a deleted batch deletes its file
