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

        # Its kinds in the top bar's search (core.search), searched in the user's scope.
        from duikou.investment import finders

        finders.register()

        # The records counted in a year's figures, locked once the year is published: deals in
        # their signing year (their stage at a year's end is read from the dated stage changes).
        from duikou.core import locks
        from duikou.investment.models import Deal, DealStageChange

        locks.dated(Deal, "signed_on", ignore={"stage"})
        locks.dated(DealStageChange, "date")

        # Its list exports (duikou.exchange_io.exports).
        from duikou.exchange_io import exports
        from duikou.investment import views

        exports.register("investment.enterprises", views.enterprises_table)
        exports.register("investment.policies", views.policies_table)
        exports.register("investment.deals", views.deals_table)
