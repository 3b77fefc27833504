from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notifications (the bell) and the to-do registry (待办): a host each ledger plugs into."""

    name = "duikou.notices"
    label = "notices"
    verbose_name = _("通知与待办")
