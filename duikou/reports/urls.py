from django.urls import path

from duikou.reports import views

app_name = "reports"

urlpatterns = [path("", views.dashboard, name="dashboard")]
