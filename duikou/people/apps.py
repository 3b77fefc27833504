from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "duikou.people"
    label = "people"
    verbose_name = _("干部人才")

    def ready(self) -> None:
        # Its sheets for the import engine (duikou.exchange_io.specs): the engine knows no ledger.
        from duikou.people import sheets

        sheets.register()

        # Its kinds in the top bar's search (core.search), searched in the user's scope.
        from duikou.people import finders

        finders.register()

        # The records counted in a year's figures, locked once the year is published.
        from duikou.core import locks
        from duikou.people.models import Achievement, Posting, TrainingPlacement

        locks.spanning(Posting, "start_date", "end_date")
        locks.dated(TrainingPlacement, "start_date")
        locks.dated(Achievement, "date")

        # Rotations without a successor on the 待办 page (duikou.notices).
        from duikou.notices import todo
        from duikou.people import todo as people_todo

        todo.register("people", people_todo.provider)

        # Its list exports (duikou.exchange_io.exports): the masked list, and headquarters'
        # unmasked one (asked for with a reason and logged by the view before it is built).
        from duikou.exchange_io import exports
        from duikou.people.views import people_list

        exports.register("people.postings", people_list.postings_table, personal=True)
        exports.register(
            "people.postings_unmasked",
            people_list.postings_unmasked_table,
            formats=("xlsx",),
            personal=True,
        )
