from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duikou.core.models import Department, Division, Organisation, Pairing


@admin.register(Division)
class DivisionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent", "paired_city", "non_mca")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "side", "division", "credit_code")
    list_filter = ("side", "kind")
    search_fields = ("name", "short_name", "credit_code")


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "catalogue_code")
    search_fields = ("name", "organisation__name")


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = (
        "kind",
        "zhejiang_org",
        "haixi_org",
        "haixi_department",
        "start_date",
        "end_date",
    )
    list_filter = ("kind",)


# django-tasks' results (imports, planning runs, reports in the background), read-only: its
# admin with Chinese column names; its field names and statuses are translated in
# locale/zh_Hans (the package ships no Chinese), its app's name in core.apps.TaskResultsConfig.
from django.utils.translation import gettext_lazy as _  # noqa: E402
from django_tasks_db.admin import DBTaskResultAdmin  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "display_task_name",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("任务"))
    def display_task_name(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("错误追踪"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("最早运行时间"))
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
