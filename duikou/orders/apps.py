from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "duikou.orders"
    label = "orders"
    verbose_name = _("点单与派遣")

    def ready(self) -> None:
        # Its sheets for the import engine (duikou.exchange_io.specs): the engine knows no ledger.
        from duikou.orders import sheets

        sheets.register()

        # Its kinds in the top bar's search (core.search), searched in the user's scope.
        from duikou.orders import finders

        finders.register()

        from duikou.core import heartbeat
        from duikou.orders import runs

        heartbeat.register_sweep("planning_runs", runs.runs_sweep)

        # The records counted in a year's figures, locked once the year is published: demands
        # in their posting year; a delivered visit makes its demand "served" in that year.
        from duikou.orders import locking

        locking.register()

        # What waits for a liaison, an expert, headquarters on the 待办 page (duikou.notices).
        from duikou.notices import todo
        from duikou.orders import todo as orders_todo

        todo.register("orders", orders_todo.provider)

        # Its list exports (duikou.exchange_io.exports).
        from duikou.exchange_io import exports
        from duikou.orders import views

        exports.register("orders.demands", views.demands_table)
        exports.register("orders.visits", views.visits_table)
