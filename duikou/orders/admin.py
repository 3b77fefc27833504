"""Orders in the admin: read-only. Every write goes through orders.services (scope, history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duikou.orders.models import Demand, Visit


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "organisation",
        "skill",
        "service_kind",
        "days",
        "earliest_start",
        "latest_end",
        "priority",
        "status",
        "posted_at",
    )
    list_filter = ("status", "skill_field", "service_kind")
    search_fields = ("organisation__name", "skill", "title")
    date_hierarchy = "posted_at"


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("pk", "expert", "demand", "start_date", "end_date", "status", "rating")
    list_filter = ("status",)
    search_fields = ("expert__name", "demand__organisation__name", "demand__skill")
    date_hierarchy = "start_date"
