from django.urls import path

from duikou.orders import views_stats

urlpatterns = [
    path("orders/stats/", views_stats.order_stats, name="order_stats"),
]
