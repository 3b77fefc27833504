from django.urls import path

from duikou.orders import views_runs

urlpatterns = [
    path("orders/runs/", views_runs.run_list, name="run_list"),
    path("orders/runs/new/", views_runs.run_create, name="run_create"),
    path("orders/runs/preview/", views_runs.run_preview, name="run_preview"),
    path("orders/runs/<int:pk>/", views_runs.run_detail, name="run_detail"),
    path("orders/runs/<int:pk>/progress/", views_runs.run_progress, name="run_progress"),
    path("orders/runs/<int:pk>/stop/", views_runs.run_stop, name="run_stop"),
    path("orders/runs/<int:pk>/rerun/", views_runs.run_rerun, name="run_rerun"),
    path(
        "orders/runs/<int:pk>/instance.json", views_runs.run_instance_json, name="run_instance_json"
    ),
    path("orders/runs/<int:pk>/plan.json", views_runs.run_plan_json, name="run_plan_json"),
    path("orders/runs/<int:pk>/edit/", views_runs.run_edit, name="run_edit"),
    path("orders/runs/<int:pk>/confirm/", views_runs.run_confirm, name="run_confirm"),
]
