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
from duikou.projects.alerts import alert_summary
from duikou.reports import figures
from duikou.reports.views_orders import dashboard_panel as orders_dashboard_panel
from duikou.reports.views_sales import dashboard_panel as sales_dashboard_panel

#: the dashboard's "需要关注" list: this many projects, each with all its alerts
WORST_PROJECTS = 6


def _projects_panel(data: dict, user, year: int) -> dict:
    """The year's projects and money (from figures) and the alerts of the year's projects, and of
    the earlier years' projects still open, in the user's scope, one row per project listing
    all its alerts."""
    # Counted on plain rows; only the worst few projects are built (tens of thousands watched).
    alert_count, alert_projects, worst = alert_summary(
        project_selectors.watched_in_year(projects_scopes.projects_for_user(user), year),
        WORST_PROJECTS,
    )
    return {
        "count": data["projects"]["count"],
        "aid": project_selectors.wan_number(Decimal(data["projects"]["aid"])),
        "flows": [
            {"label": t.label, "wan": project_selectors.wan_number(Decimal(data["flows"][t.value]))}
            for t in FlowType
        ],
        "alert_count": alert_count,
        "alert_projects": alert_projects,
        "worst": worst,
        "zero": not (
            data["projects"]["count"]
            or alert_count
            or any(Decimal(v) for v in data["flows"].values())
        ),
    }


def _scope_place(user) -> str:
    """A county team's counties by name (都兰县、乌兰县), else ""."""
    if user.role != Role.COUNTY_TEAM:
        return ""
    return "、".join(d.name for d in user.counties.order_by("code"))


def _zero_sections(ctx: dict) -> set[str]:
    """The dashboard's sections whose figures are all zero for this user and year."""
    data = ctx["figures"]
    zero = set()
    if ctx["projects"]["zero"]:
        zero.add("projects")
    people = ctx["people_panel"]
    if not (people["posted_now"] or people["rotations"]):
        zero.add("people")
    orders = ctx["orders_panel"]
    if not any(orders[k] for k in ("posted", "served", "upcoming", "awaiting")):
        zero.add("orders")
    deals = data["deals"]
    if not (deals.get("signed_count") or deals.get("by_stage")):
        zero.add("deals")
    sales = ctx["sales_panel"]
    if sales is None or not (
        Decimal(data["sales"]["sold"]) or Decimal(data["sales"]["ordered"]) or sales["outlets"]
    ):
        zero.add("sales")
    if not (data["events"]["count"] or data["offsite_classes"]["count"] or data["indicators"]):
        zero.add("exchanges")
    if not (data["pairings"]["count"] or any(data["organisations"]["by_side"].values())):
        zero.add("pairings")
    return zero


#: the dashboard's sections, top to bottom (a scoped role's all-zero ones are hidden)
DASHBOARD_SECTIONS = ("projects", "people", "orders", "deals", "sales", "exchanges", "pairings")

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
    ctx = {
        "year": year,
        "figures": data,
        "charts": charts,
        "kinds": kinds,
        "sides": sides,
        "projects": _projects_panel(data, request.user, year),
        "people_panel": people_dashboard_panel(request.user, timezone.localdate()),
        "orders_panel": orders_dashboard_panel(request.user, data["orders"], year),
        "sales_panel": sales_dashboard_panel(request.user, data, year),
        "years": sorted({*range(2010, figures.current_year() + 2), year}),
        "place": _scope_place(request.user),
    }
    zero = _zero_sections(ctx)
    # Headquarters and viewers keep the sections that are all zero (a zero is the programme's
    # figure); a scoped role does not see a section its scope has nothing in (a liaison has no
    # projects, a shop no postings).
    # A year with nothing at all says so once, above the pairing charts' 暂无数据 (headquarters)
    # or alone (a scoped role), instead of a page of zeros.
    ctx["nothing"] = zero.issuperset(DASHBOARD_SECTIONS)
    if ctx["nothing"] and request.user.reads_everything:
        ctx["hidden"] = zero - {"pairings"}
    else:
        ctx["hidden"] = set() if request.user.reads_everything else zero
    return render(request, "reports/dashboard.html", ctx)
