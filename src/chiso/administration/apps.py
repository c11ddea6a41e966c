from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    name = "chiso.administration"
    verbose_name = _("Điều hành kỳ đánh giá")
