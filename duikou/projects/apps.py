from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "duikou.projects"
    label = "projects"
    verbose_name = _("项目资金")

    def ready(self) -> None:
        # Its sheets for the import engine (duikou.exchange_io.specs): the engine knows no ledger.
        from duikou.projects import sheets

        sheets.register()

        # Its kinds in the top bar's search (core.search), searched in the user's scope.
        from duikou.projects import finders

        finders.register()

        # The records counted in a year's figures, locked once the year is published.
        from duikou.core import locks
        from duikou.projects.models import MoneyFlow, ProgressReport, Project

        locks.yearly(Project, "year")
        locks.dated(MoneyFlow, "date")
        locks.dated(ProgressReport, "date")

        # What waits for a county team or headquarters on the 待办 page; the daily sweep that
        # tells them of new alerts (duikou.notices).
        from duikou.notices import sweeps, todo
        from duikou.projects import notify
        from duikou.projects import todo as projects_todo

        todo.register("projects", projects_todo.provider)
        sweeps.register("project_alerts", notify.alerts_sweep)

        # Its list exports (duikou.exchange_io.exports): rebuilt for the user in a background
        # task when an xlsx is large; the engine knows no ledger.
        from duikou.exchange_io import exports
        from duikou.projects import views

        exports.register("projects.projects", views.projects_table)
        exports.register("projects.flows", views.flows_table)
