"""Reports URLs: the dashboard and the figures pages, at the paths of the ledgers they read."""

from django.urls import path

from duikou.reports import views, views_funds, views_orders, views_sales

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/funds/", views_funds.funds, name="funds"),
    path("orders/stats/", views_orders.order_stats, name="order_stats"),
    path("consumption/stats/", views_sales.sales_stats, name="sales_stats"),
]
