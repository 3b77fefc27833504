from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "duikou.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        # The security-event receivers (sign-ins, failures, locks) connect on import.
        from duikou.accounts import security  # noqa: F401
        from duikou.accounts.admin import hide_device_admin

        hide_device_admin()
