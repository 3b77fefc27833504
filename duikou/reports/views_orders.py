"""Orders statistics (/orders/stats/) and the dashboard's 点单服务 panel.

Every number comes from figures.orders over the user's scope, duikou.orders.scopes (liaison: its
own organisation; county team: its counties; aid staff: the demands behind their own visits;
headquarters and viewer: all) and links to the demand or visit list filtered to the records
behind it.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from duikou.orders import scopes
from duikou.orders.models import DemandStatus, ServiceKind, SkillField, VisitStatus
from duikou.reports import figures

#: skills shown in the chart (the table lists them all)
TOP_SKILLS = 15
#: the dashboard counts the visits starting within this many days
UPCOMING_DAYS = 30


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def demands_url(year: int | None = None, **params) -> str:
    """The demand list filtered to the records behind a figure (year = posting year)."""
    return _url("orders:demand_list", year=year, **params)


def _share(part: int, whole: int) -> str | None:
    return f"{100 * part / whole:.1f}" if whole else None


def _rows(items: dict, year: int, key: str, label=None) -> list[dict]:
    """Table rows of a {name: {posted, served}} breakdown with their links."""
    rows = []
    for name, c in items.items():
        value = c.get("code", name)
        rows.append(
            {
                "name": label(name) if label else name,
                "posted": c["posted"],
                "served": c["served"],
                "rate": _share(c["served"], c["posted"]),
                "posted_url": demands_url(year, **{key: value}),
                "served_url": demands_url(year, status=DemandStatus.DELIVERED, **{key: value}),
            }
        )
    return rows


def _years(user) -> list[int]:
    """From the first year with a demand in scope to next year (newest first)."""
    current = figures.current_year()
    first = scopes.demands_for_user(user).aggregate(first=Min("posted_at"))["first"]
    start = min(timezone.localtime(first).year if first else current, current)
    return list(range(current + 1, start - 1, -1))


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = figures.current_year()
    return min(max(year, 2010), 2100)


@login_required
@require_GET
def order_stats(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    data = figures.orders(year, user=request.user)
    by_county = _rows(data["by_county"], year, "county")
    by_skill = _rows(data["by_skill"], year, "skill")
    by_kind = _rows(data["by_kind"], year, "kind", label=lambda k: str(ServiceKind(k).label))
    by_field = _rows(data["by_field"], year, "field", label=lambda f: str(SkillField(f).label))
    statuses = [
        {
            "value": s.value,
            "label": str(s.label),
            "count": data["by_status"].get(s.value, 0),
            "url": demands_url(year, status=s.value),
        }
        for s in DemandStatus
    ]
    top = by_skill[:TOP_SKILLS]
    charts = {
        "labels": {"posted": _("提交"), "served": _("已服务")},
        "county": {
            "names": [r["name"] for r in by_county],
            "posted": [r["posted"] for r in by_county],
            "served": [r["served"] for r in by_county],
            "links": [r["posted_url"] for r in by_county],
        },
        "skill": {
            "names": [r["name"] for r in top],
            "posted": [r["posted"] for r in top],
            "served": [r["served"] for r in top],
            "links": [r["posted_url"] for r in top],
        },
    }
    return render(
        request,
        "reports/orders_stats.html",
        {
            "year": year,
            # The chosen year stays in the picker, even one before the first demand.
            "years": sorted({*_years(request.user), year}, reverse=True),
            "f": data,
            "links": {
                "posted": demands_url(year),
                "served": demands_url(year, status=DemandStatus.DELIVERED),
                "delivered_visits": _url("orders:visit_list", status=VisitStatus.DELIVERED),
            },
            "statuses": statuses,
            "by_county": by_county,
            "by_skill": by_skill,
            "by_kind": by_kind,
            "by_field": by_field,
            "top_skills": TOP_SKILLS,
            "charts": charts,
        },
    )


def dashboard_panel(user, orders: dict, year: int, today: dt.date | None = None) -> dict:
    """The context of templates/reports/_orders_panel.html (as `orders_panel`): the year's
    figures (from figures.compute, no query here) and today's visits in scope (one query)."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=UPCOMING_DAYS)
    scheduled = scopes.visits_for_user(user).filter(status=VisitStatus.SCHEDULED)
    counts = scheduled.order_by().aggregate(
        upcoming=Count("pk", filter=Q(start_date__gt=today, start_date__lte=soon)),
        awaiting=Count("pk", filter=Q(start_date__lte=today)),
    )
    return {
        "year": year,
        "today": today,
        "posted": orders["posted"],
        "served": orders["served"],
        "rate": orders["fulfilment_rate"],
        "upcoming": counts["upcoming"],
        "awaiting": counts["awaiting"],
        "upcoming_days": UPCOMING_DAYS,
        "links": {
            "posted": demands_url(year),
            "served": demands_url(year, status=DemandStatus.DELIVERED),
            "stats": _url("reports:order_stats", year=year),
            "upcoming": _url("orders:visit_list", status=VisitStatus.SCHEDULED, when="upcoming"),
            "awaiting": _url("orders:visit_list", when="due"),
        },
    }
