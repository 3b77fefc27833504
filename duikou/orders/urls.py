"""Orders URLs: demands and visits (urls_demands), planning runs (urls_runs), the panels other
apps' pages load (urls_panels), one namespace. The statistics page (/orders/stats/) is the
reports' (duikou/reports/views_orders.py)."""

from duikou.orders.urls_demands import urlpatterns as demand_patterns
from duikou.orders.urls_panels import urlpatterns as panel_patterns
from duikou.orders.urls_runs import urlpatterns as run_patterns

app_name = "orders"

urlpatterns = [*demand_patterns, *run_patterns, *panel_patterns]
