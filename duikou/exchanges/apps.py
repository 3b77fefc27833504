from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "duikou.exchanges"
    label = "exchanges"
    verbose_name = _("交往交流交融")

    def ready(self) -> None:
        # Its sheet for the import engine (duikou.exchange_io.specs): the engine knows no ledger.
        from duikou.exchanges import sheets

        sheets.register()
