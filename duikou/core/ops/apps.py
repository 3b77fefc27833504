from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "duikou.core.ops"
    label = "ops"
    verbose_name = _("运行状态")
    default_auto_field = "django.db.models.BigAutoField"
