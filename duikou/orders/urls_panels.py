from django.urls import path

from duikou.orders import views_panels

urlpatterns = [
    path("orders/org/<int:pk>/panel/", views_panels.org_panel, name="org_panel"),
    path("orders/me/visits/", views_panels.my_visits, name="my_visits"),
]
