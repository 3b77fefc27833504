from django.urls import path

from duikou.orders import views

urlpatterns = [
    path("orders/", views.demand_list, name="demand_list"),
]
