"""The leadership screen (一屏统览, /screen/): one full-screen page for a large display.

The page is a shell; its script asks /screen/data.json for everything it shows, in one request,
and again every few minutes. The figures are `figures.compute` of the year, as the dashboard's;
the screen adds what a figure is not: the map's county seats, the 十四五 trend, today's alerts
and the rotations due. It is headquarters' and the viewer's (the programme's leadership): it
shows the whole programme, which a county team, a liaison or aid staff do not read.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from duikou.accounts.models import User
from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel
from duikou.people.rotation import thresholds as rotation_thresholds
from duikou.people.rotation import upcoming_rotations
from duikou.people.scopes import postings_for_user
from duikou.projects import scopes as projects_scopes
from duikou.projects.alerts import compute_alerts
from duikou.reports import figures
from duikou.reports.scopes import can_read_reports

HAIXI = "632800"
#: the 十四五 plan's first year; the trend runs from it to the year shown (at least to 2025)
TREND_FROM, TREND_TO = 2021, 2025
#: how often the page asks for fresh data (seconds): every four minutes
REFRESH_SECONDS = 240
TOP_ALERTS = 8
TOP_ROTATIONS = 8


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", figures.current_year()))
    except ValueError:
        year = figures.current_year()
    return min(max(year, 2010), 2100)


def _check(user: User) -> None:
    if not can_read_reports(user):
        raise PermissionDenied


def _wan(amount: str) -> float:
    """Yuan (the figures' exact string) to 万元, two decimals, for the charts."""
    return float((Decimal(amount) / 10000).quantize(Decimal("0.01")))


def _map(data: dict) -> list[dict]:
    """Haixi's county-level units at their seats, with the year's projects and planned aid."""
    by_county = data["projects_by_county"]
    deals = data["deals"].get("by_county", {})
    orders = data["orders"].get("by_county", {})
    points = []
    counties = Division.objects.filter(
        parent__code=HAIXI, level=DivisionLevel.COUNTY, lat__isnull=False, lon__isnull=False
    ).select_related("paired_city")
    for d in counties.order_by("code"):
        short = d.short_name or d.name
        projects = by_county.get(short, {"count": 0, "aid": "0.00"})
        points.append(
            {
                "code": d.code,
                "name": short,
                "seat": d.seat,
                "lon": d.lon,
                "lat": d.lat,
                "paired_city": str(d.paired_city) if d.paired_city else "",
                "projects": projects["count"],
                "aid_wan": _wan(projects["aid"]),
                "deals": deals.get(short, {}).get("count", 0),
                "orders_served": orders.get(short, {}).get("served", 0),
            }
        )
    return points


def _trend(year: int, user: User) -> dict:
    """Per year of the 十四五 (and on to the year shown): projects, planned aid, disbursed
    money and sales, each from the figures module's part for that year."""
    years = list(range(TREND_FROM, max(TREND_TO, min(year, TREND_FROM + 9)) + 1))
    out: dict[str, list] = {"years": years, "projects": [], "aid_wan": [], "拨付_wan": []}
    out["sold_wan"] = []
    for y in years:
        p = figures.projects(y, user)
        out["projects"].append(p["count"])
        out["aid_wan"].append(_wan(p["aid"]))
        out["拨付_wan"].append(_wan(figures.flows(y, user)["拨付"]))
        out["sold_wan"].append(_wan(figures.sales(y, user, top=0)["sold"]))
    return out


def _alerts(user: User) -> dict:
    alerts = compute_alerts(projects_scopes.projects_for_user(user))
    return {
        "count": len(alerts),
        "top": [
            {
                "kind": a.kind,
                "label": a.label,
                "project": a.project.name,
                "county": str(a.project.county),
                "message": a.message,
            }
            for a in alerts[:TOP_ALERTS]
        ],
    }


def _rotations(user: User) -> dict:
    """Long-term postings ending soon, by host post: a wall display names no person."""
    today = timezone.localdate()
    items = upcoming_rotations(user, today)
    return {
        "horizon_days": rotation_thresholds()["horizon_days"],
        "count": len(items),
        "gaps": sum(1 for r in items if r.gap),
        "posted_now": postings_for_user(user).active_on(today).values("person").distinct().count(),
        "items": [
            {
                "host": r.posting.host_label,
                "kind": r.posting.kind,
                "end": r.posting.end_date.isoformat(),
                "days_left": r.days_left,
                "successor": r.successor is not None,
            }
            for r in items[:TOP_ROTATIONS]
        ],
    }


def screen_data(year: int, user: User) -> dict:
    """Everything the screen shows, for one request."""
    data = figures.compute(year, user=user)
    return {
        "year": year,
        "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "refresh_seconds": REFRESH_SECONDS,
        "figures": data,
        "map": _map(data),
        "trend": _trend(year, user),
        "alerts": _alerts(user),
        "rotations": _rotations(user),
    }


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    _check(request.user)
    year = _year(request)
    return render(request, "reports/screen.html", {"year": year, "refresh": REFRESH_SECONDS})


@login_required
@require_GET
def screen_json(request: HttpRequest) -> JsonResponse:
    _check(request.user)
    return JsonResponse(
        screen_data(_year(request), request.user), json_dumps_params={"ensure_ascii": False}
    )
