from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "chiso.results"
    verbose_name = _("Kết quả")

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from chiso.core.changelog import bulk_logged
        from chiso.frameworks import usage
        from chiso.results import cache, changelog
        from chiso.results.reproduce import result_set_use

        # A framework that result sets were computed on never changes (see chiso.frameworks.usage).
        usage.register_use("result_sets", result_set_use)
        changelog.register()  # into the change log (chiso.core.changelog)
        # Cached analyses are renewed whenever the units, frameworks or results change.
        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(cache.changed, dispatch_uid=f"chiso.results.cache.{name}")
        post_save.connect(cache.logged, sender=LogEntry, dispatch_uid="chiso.results.cache.logged")
        bulk_logged.connect(cache.bulk_logged, dispatch_uid="chiso.results.cache.bulk")
