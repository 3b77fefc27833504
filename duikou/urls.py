from django.contrib import admin
from django.urls import include, path

from duikou.api.v1 import api
from duikou.core import views_site
from duikou.core.ops import views as ops_views

urlpatterns = [
    path("favicon.ico", views_site.favicon, name="favicon"),
    # Open: database and worker heartbeat, JSON, 200 or 503 (docs/deploy.md).
    path("healthz", ops_views.healthz, name="healthz"),
    path("", include("duikou.reports.urls")),
    # The only pages open without signing in (duikou.reports.views_public.public_view).
    path("public/", include("duikou.reports.urls_public")),
    path("", include("duikou.core.urls")),
    path("", include("duikou.projects.urls")),
    path("io/", include("duikou.exchange_io.urls")),
    path("", include("duikou.people.urls")),
    path("", include("duikou.orders.urls")),
    path("", include("duikou.notices.urls")),
    path("investment/", include("duikou.investment.urls")),
    path("consumption/", include("duikou.consumption.urls")),
    path("exchanges/", include("duikou.exchanges.urls")),
    path("", include("duikou.api.urls")),
    path("api/v1/", api.urls),
    path("accounts/", include("duikou.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# A lost database before any view ran answers the 503 page too (core.middleware).
handler500 = "duikou.core.middleware.server_error"
