from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from duikou.core.vocab import PairingKind, Side
from duikou.reports import figures


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
            "years": range(2010, figures.current_year() + 2),
        },
    )
