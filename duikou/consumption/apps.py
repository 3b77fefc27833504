from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsumptionConfig(AppConfig):
    name = "duikou.consumption"
    label = "consumption"
    verbose_name = _("消费帮扶")

    def ready(self) -> None:
        # Its 销售 sheet for the import engine (duikou.exchange_io.specs): the engine knows no
        # ledger.
        from duikou.consumption import sheets

        sheets.register()

        # Its kinds in the top bar's search (core.search), searched in the user's scope.
        from duikou.consumption import finders

        finders.register()

        # The records counted in a year's figures, locked once the year is published.
        from duikou.consumption import locking

        locking.register()

        # Channels that did not report last month's sales on the 待办 page (duikou.notices).
        from duikou.consumption import todo as consumption_todo
        from duikou.notices import todo

        todo.register("consumption", consumption_todo.provider)

        # Its list export (duikou.exchange_io.exports).
        from duikou.consumption import views
        from duikou.exchange_io import exports

        exports.register("consumption.sales", views.sales_table)
