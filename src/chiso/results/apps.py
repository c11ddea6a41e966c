from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "chiso.results"
    verbose_name = _("Kết quả")

    def ready(self) -> None:
        from chiso.frameworks import usage
        from chiso.results import changelog
        from chiso.results.reproduce import result_set_use

        # A framework that result sets were computed on never changes (see chiso.frameworks.usage).
        usage.register_use("result_sets", result_set_use)
        changelog.register()  # into the change log (chiso.core.changelog)
