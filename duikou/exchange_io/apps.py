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

        # Large exports built in the background: stale jobs failed, expired files deleted.
        from duikou.exchange_io import exportjobs

        heartbeat.register_sweep("export_jobs", exportjobs.sweep)

        # The uploader's checked batches on the 待办 page (duikou.notices).
        from duikou.exchange_io import todo as io_todo
        from duikou.notices import todo

        todo.register("exchange_io", io_todo.provider)
