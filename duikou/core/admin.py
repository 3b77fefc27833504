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
