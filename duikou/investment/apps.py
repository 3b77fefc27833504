from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "duikou.investment"
    label = "investment"
    verbose_name = _("精准招商")

    def ready(self) -> None:
        # Its sheets for the import engine (duikou.exchange_io.specs): the engine knows no ledger.
        from duikou.investment import sheets

        sheets.register()
