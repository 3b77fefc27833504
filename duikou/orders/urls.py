"""Orders URLs: demands and visits (urls_demands), planning runs (urls_runs), statistics
(urls_stats), one namespace."""

from duikou.orders.urls_demands import urlpatterns as demand_patterns
from duikou.orders.urls_runs import urlpatterns as run_patterns
from duikou.orders.urls_stats import urlpatterns as stats_patterns

app_name = "orders"

urlpatterns = [*demand_patterns, *run_patterns, *stats_patterns]
