from django.urls import path

from duikou.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/export.<str:fmt>", views.project_export, name="project_export"),
    path("projects/flows/export.<str:fmt>", views.flow_export, name="flow_export"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/alerts/", views.alert_list, name="alerts"),
    path("projects/files/<str:kind>/<int:pk>/", views.project_file, name="file"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/transition/", views.project_transition, name="project_transition"),
    path("projects/<int:pk>/flows/", views.flow_create, name="flow_create"),
    path("projects/<int:pk>/reports/", views.report_create, name="report_create"),
]
