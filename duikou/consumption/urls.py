from django.urls import path

from duikou.consumption import views

app_name = "consumption"

urlpatterns = [
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_create, name="channel_create"),
    path("channels/<int:pk>/", views.channel_detail, name="channel_detail"),
    path("channels/<int:pk>/edit/", views.channel_edit, name="channel_edit"),
    path("products/", views.product_list, name="product_list"),
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("sales/", views.sale_list, name="sale_list"),
    path("sales/export.<str:fmt>", views.sale_export, name="sale_export"),
    path("sales/new/", views.sale_create, name="sale_create"),
    path("sales/<int:pk>/edit/", views.sale_edit, name="sale_edit"),
    path("targets/", views.target_list, name="target_list"),
]
