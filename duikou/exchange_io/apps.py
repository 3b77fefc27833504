from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeIOConfig(AppConfig):
    name = "duikou.exchange_io"
    label = "exchange_io"
    verbose_name = _("数据交换")
