from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "chiso.plans"
    verbose_name = _("Kế hoạch cải thiện chỉ số")

    def ready(self) -> None:
        """Show the plans of a result on its analysis pages (the results app does not know plans); log
        changes of plans."""
        from chiso.plans import changelog, home, panels

        panels.register()
        home.register()  # the user's own criteria, items and tasks on the home page
        changelog.register()  # into the change log (chiso.core.changelog)
