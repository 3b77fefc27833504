from django.urls import path

from duikou.orders import views

urlpatterns = [
    path("orders/", views.demand_list, name="demand_list"),
    path("orders/new/", views.demand_create, name="demand_create"),
    path("orders/export.xlsx", views.demand_export, name="demand_export"),
    path("orders/experts/", views.demand_experts, name="demand_experts"),
    path("orders/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("orders/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("orders/<int:pk>/withdraw/", views.demand_withdraw, name="demand_withdraw"),
    path("orders/<int:pk>/priority/", views.demand_priority, name="demand_priority"),
    path("orders/visits/", views.visit_list, name="visit_list"),
    path("orders/visits/export.xlsx", views.visit_export, name="visit_export"),
    path("orders/visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("orders/visits/<int:pk>/confirm/", views.visit_confirm, name="visit_confirm"),
    path("orders/visits/<int:pk>/log/", views.visit_log, name="visit_log"),
    path("orders/visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
]
