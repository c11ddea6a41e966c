from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "chiso.surveys"
    verbose_name = _("Khảo sát")

    def ready(self) -> None:
        from chiso.surveys.changelog import register

        register()  # into the change log (chiso.core.changelog)
        from django.db.models.signals import post_delete

        from chiso.surveys.models import ImportBatch

        post_delete.connect(_delete_answers_file, sender=ImportBatch, dispatch_uid="surveys-answers-file")


def _delete_answers_file(sender: type, instance: object, **kwargs: object) -> None:
    """A deleted import (alone or with its survey) takes its answers file with it, once the deletion
    commits. (Polars is imported only here, when a batch is deleted: not at every start.)"""
    from chiso.surveys.services.answers import delete_file

    delete_file(instance)  # type: ignore[arg-type]
