from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "chiso.accounts"
    verbose_name = _("Người dùng và vai trò")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from chiso.accounts import changelog
        from chiso.accounts.sessions import stamp_on_sign_in

        user_logged_in.connect(stamp_on_sign_in, dispatch_uid="chiso.accounts.sessions.stamp")
        changelog.register()  # into the change log (chiso.core.changelog)
