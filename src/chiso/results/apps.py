from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "chiso.results"
    verbose_name = _("Kết quả")

    def ready(self) -> None:
        # A framework that result sets were computed on never changes (see chiso.frameworks.usage).
        from chiso.frameworks import usage
        from chiso.results.reproduce import result_set_use

        usage.register_use("result_sets", result_set_use)
