from django.urls import path

from duikou.core import views, views_help, views_search

app_name = "core"

urlpatterns = [
    path("search/", views_search.search_page, name="search"),
    path("help/", views_help.help_index, name="help"),
    path("help/<slug:area>/", views_help.help_area, name="help_area"),
    path("orgs/", views.organisation_list, name="organisation_list"),
    path("orgs/export.xlsx", views.organisation_export, name="organisation_export"),
    path("orgs/new/", views.organisation_create, name="organisation_create"),
    path("orgs/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("orgs/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("orgs/<int:pk>/departments/", views.department_create, name="department_create"),
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/export.xlsx", views.pairing_export, name="pairing_export"),
    path("pairings/overview/", views.pairing_overview, name="pairing_overview"),
    path("pairings/departments/", views.pairing_departments, name="pairing_departments"),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/edit/", views.pairing_edit, name="pairing_edit"),
]
