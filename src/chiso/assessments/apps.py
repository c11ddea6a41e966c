from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "chiso.assessments"
    verbose_name = _("Đánh giá")

    def ready(self) -> None:
        from chiso.assessments.changelog import register

        register()  # into the change log (chiso.core.changelog)
        # The framework editor asks this app whether cycles use a framework (see chiso.frameworks.usage).
        from chiso.assessments.framework_usage import CycleUsage
        from chiso.frameworks import usage

        usage.register(CycleUsage())
        # A cycle's stored figures go stale with every change of its points (chiso.assessments.standings).
        from chiso.assessments import standings

        standings.connect()
