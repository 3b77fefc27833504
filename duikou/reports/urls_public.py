"""The public portal's URLs (/public/): the only pages open without signing in."""

from django.urls import path

from duikou.reports import views_public

app_name = "public"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("projects/", views_public.projects, name="projects"),
    path("sales/", views_public.sales, name="sales"),
    path("events/", views_public.events, name="events"),
    path("iati/<int:year>.xml", views_public.iati_file, name="iati"),
]
