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

        # The records counted in a year's figures, locked once the year is published: events
        # in the year they start, off-site classes in their intake year, indicator values in
        # their year. Notes change no figure; named participants and photos are not counted.
        from duikou.core import locks
        from duikou.exchanges.models import Event, IndicatorValue, OffsiteClass

        locks.dated(Event, "start_date", ignore={"note", "organiser_text"})
        locks.yearly(OffsiteClass, "intake_year", ignore={"note"})
        locks.yearly(IndicatorValue, "year", ignore={"entered_at", "entered_by_id"})

        # Its list export (duikou.exchange_io.exports).
        from duikou.exchange_io import exports
        from duikou.exchanges import views

        exports.register("exchanges.events", views.events_table)
