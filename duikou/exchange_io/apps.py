from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeIOConfig(AppConfig):
    name = "duikou.exchange_io"
    label = "exchange_io"
    verbose_name = _("数据交换")

    def ready(self) -> None:
        from duikou.core import heartbeat
        from duikou.exchange_io import services

        heartbeat.register_sweep("import_batches", services.batches_sweep)
