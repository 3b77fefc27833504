"""Reports URLs: the dashboard and the figures pages, at the paths of the ledgers they read,
and the reports page (year-end summary, statistical workbook)."""

from django.urls import path

from duikou.reports import (
    views,
    views_funds,
    views_orders,
    views_sales,
    views_screen,
    views_summary,
)
from duikou.reports.views_iati import iati_download

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("start/", views.home, name="home"),
    path("projects/funds/", views_funds.funds, name="funds"),
    path("orders/stats/", views_orders.order_stats, name="order_stats"),
    path("reports/summary/", views_summary.summary_page, name="summary"),
    path("reports/summary/generate/", views_summary.summary_generate, name="summary_generate"),
    path(
        "reports/summary/<int:year>/progress/",
        views_summary.summary_progress,
        name="summary_progress",
    ),
    path("reports/summary/<int:year>/edit/", views_summary.summary_edit, name="summary_edit"),
    path(
        "reports/summary/<int:year>/download/",
        views_summary.summary_download,
        name="summary_download",
    ),
    path(
        "reports/summary/<int:year>/publish/",
        views_summary.summary_publish,
        name="summary_publish",
    ),
    path("reports/summary/<int:year>/unlock/", views_summary.summary_unlock, name="summary_unlock"),
    path("reports/workbook.xlsx", views_summary.workbook_download, name="workbook_download"),
    path("reports/iati.xml", iati_download, name="iati_download"),
    path("consumption/stats/", views_sales.sales_stats, name="sales_stats"),
    path("screen/", views_screen.screen, name="screen"),
    path("screen/data.json", views_screen.screen_json, name="screen_data"),
]
