from django.urls import path

from duikou.orders import views_runs

urlpatterns = [
    path("orders/runs/", views_runs.run_list, name="run_list"),
]
