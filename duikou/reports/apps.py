from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "duikou.reports"
    label = "reports"
    verbose_name = _("指标与报告")
