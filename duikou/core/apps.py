from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "duikou.core"
    label = "core"
    verbose_name = _("基础库")

    def ready(self) -> None:
        # Its sheets for the import engine (duikou.exchange_io.specs): the engine knows no ledger.
        from duikou.core import sheets

        sheets.register()

        # Its kinds in the top bar's search (core.search), searched in the user's scope.
        from duikou.core import finders

        finders.register()

        # The records counted in a year's figures, locked once the year is published.
        from duikou.core import locks
        from duikou.core.models import Pairing

        locks.spanning(Pairing, "start_date", "end_date")
