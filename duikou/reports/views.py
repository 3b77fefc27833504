from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from duikou.accounts.models import Role
from duikou.core.vocab import FlowType, PairingKind, Side
from duikou.people.rotation import dashboard_panel as people_dashboard_panel
from duikou.projects import scopes as projects_scopes
from duikou.projects import selectors as project_selectors
from duikou.projects.alerts import compute_alerts
from duikou.reports import figures
from duikou.reports.views_orders import dashboard_panel as orders_dashboard_panel
from duikou.reports.views_sales import dashboard_panel as sales_dashboard_panel


def _projects_panel(data: dict, user) -> dict:
    """The year's projects and money (from figures) and today's alerts in the user's scope."""
    alerts = compute_alerts(projects_scopes.projects_for_user(user))
    return {
        "count": data["projects"]["count"],
        "aid": project_selectors.wan_number(Decimal(data["projects"]["aid"])),
        "flows": [
            {"label": t.label, "wan": project_selectors.wan_number(Decimal(data["flows"][t.value]))}
            for t in FlowType
        ],
        "alert_count": len(alerts),
        "alerts": alerts[:6],
    }


#: where each role lands after signing in (`LOGIN_REDIRECT_URL`) and from the brand link
HOME_BY_ROLE = {
    Role.AID_STAFF: "people:me",
    Role.LIAISON: "notices:todo",
    Role.COUNTY_TEAM: "reports:dashboard",
    Role.HEADQUARTERS: "reports:dashboard",
    Role.VIEWER: "reports:dashboard",
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is: a doctor on /me/, a liaison on its to-do list, a
    county team and headquarters on the dashboard."""
    return redirect(HOME_BY_ROLE.get(request.user.role, "reports:dashboard"))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    year = figures.current_year()
    try:
        year = int(request.GET.get("year", year))
    except ValueError:
        pass
    year = min(max(year, 2010), 2100)
    data = figures.compute(year, user=request.user)
    kinds = [
        {"value": k, "label": str(PairingKind(k).label), "count": n}
        for k, n in data["pairings"]["by_kind"].items()
    ]
    sides = [
        {"value": k, "label": str(Side(k).label), "count": n}
        for k, n in data["organisations"]["by_side"].items()
    ]
    charts = {
        "pairings_by_kind": [{"name": k["label"], "value": k["count"]} for k in kinds],
        "pairings_by_division": {
            "names": list(data["pairings"]["by_division"].keys()),
            "values": list(data["pairings"]["by_division"].values()),
        },
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "year": year,
            "figures": data,
            "charts": charts,
            "kinds": kinds,
            "sides": sides,
            "projects": _projects_panel(data, request.user),
            "people_panel": people_dashboard_panel(request.user, timezone.localdate()),
            "orders_panel": orders_dashboard_panel(request.user, data["orders"], year),
            "sales_panel": sales_dashboard_panel(request.user, data, year),
            "years": range(2010, figures.current_year() + 2),
        },
    )
