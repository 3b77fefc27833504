"""The consumption-aid statistics page (/consumption/stats/): the year's sales by month stacked by
channel kind, by product, by Zhejiang city, the top channels, progress against the year's
target, and the reminder list of channels that reported nothing last month.

Every number comes from duikou.reports.figures over the user's scope (the consumption scopes).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from duikou.consumption import scopes as consumption_scopes
from duikou.consumption.display import wan_chart, wan_exact
from duikou.consumption.vocab import REPORTING_KINDS, ChannelKind
from duikou.core.viewutils import year_param
from duikou.reports import figures


def silent_channels(user, month: dt.date) -> list:
    """Open shops, platforms and canteens in the user's scope with no sales row in `month`."""
    end = (month + dt.timedelta(days=32)).replace(day=1)
    reported = (
        consumption_scopes.sales_for_user(user)
        .filter(date__gte=month, date__lt=end)
        .values("channel_id")
    )
    return list(
        consumption_scopes.channels_for_user(user)
        .filter(kind__in=REPORTING_KINDS)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lt=end))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=end))
        .exclude(pk__in=reported)
        .order_by("kind", "city__code", "name")
    )


def dashboard_panel(user, data: dict, year: int) -> dict | None:
    """The dashboard's consumption panel (from the figures already computed)."""
    if not consumption_scopes.reads_sales(user):
        return None
    sales = data["sales"]
    return {
        "sold": wan_exact(Decimal(sales["sold"])),
        "ordered": wan_exact(Decimal(sales["ordered"])),
        "shops": data["outlets"].get(ChannelKind.SHOP, 0),
        "outlets": sum(data["outlets"].values()),
        "target": wan_exact(Decimal(sales["target"])) if "target" in sales else None,
        "rate": sales.get("target_rate"),
        "year": year,
    }


@login_required
@require_GET
def sales_stats(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not consumption_scopes.reads_sales(user):
        raise PermissionDenied
    today = timezone.localdate()
    year = year_param(request, default=today.year) or today.year
    data = figures.sales(year, user)
    outlets = figures.outlets(year, user)
    months = 12 if year < today.year else (today.month if year == today.year else 0)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    charts = {
        "months": [_("%(m)s月") % {"m": m} for m in range(1, 13)][: max(months, 1)],
        "by_month": [
            {"name": str(ChannelKind(k).label), "data": [wan_chart(v) for v in values[:months]]}
            for k, values in data["by_month"].items()
        ],
        "by_product": {
            "names": list(data["by_product"])[:12],
            "values": [wan_chart(v) for v in list(data["by_product"].values())[:12]],
        },
        "by_city": [{"name": k, "value": wan_chart(v)} for k, v in data["by_city"].items()],
    }
    kinds = [
        {
            "label": kind.label,
            "sold": wan_exact(Decimal(data["by_channel_kind"].get(kind.value, "0"))),
            "ordered": wan_exact(Decimal(data["ordered_by_channel_kind"].get(kind.value, "0"))),
            "outlets": outlets.get(kind.value, 0),
        }
        for kind in ChannelKind
        if kind.value in data["by_channel_kind"] or kind.value in outlets
    ]
    return render(
        request,
        "reports/sales_stats.html",
        {
            "year": year,
            # The chosen year stays in the picker, even one before 2020.
            "years": sorted({*range(figures.current_year(), 2019, -1), year}, reverse=True),
            "sold": wan_exact(Decimal(data["sold"])),
            "ordered": wan_exact(Decimal(data["ordered"])),
            "rows": data["rows"],
            "target": wan_exact(Decimal(data["target"])) if "target" in data else None,
            "rate": data.get("target_rate"),
            "rate_bar": min(float(data.get("target_rate") or 0), 100.0),
            "shops": outlets.get(ChannelKind.SHOP, 0),
            "outlets": sum(outlets.values()),
            "kinds": kinds,
            "products": [(k, wan_exact(Decimal(v))) for k, v in data["by_product"].items()],
            "cities": [(k, wan_exact(Decimal(v))) for k, v in data["by_city"].items()],
            "top": [dict(t, wan=wan_exact(Decimal(t["sold"]))) for t in data["top_channels"]],
            "silent": silent_channels(user, last_month),
            "last_month": last_month,
            "can_set_target": consumption_scopes.can_edit_lists(user),
            "charts": charts,
        },
    )
