"""The funds page (/projects/funds/): the year's projects, money flows and indicators.

Every number comes from duikou.reports.figures over the user's scope (the projects scopes).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from duikou.core.vocab import ProjectCategory
from duikou.projects import selectors
from duikou.reports import figures


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", figures.current_year()))
    except ValueError:
        year = figures.current_year()
    return min(max(year, 2010), 2100)


def _chart_number(yuan) -> str:
    """万元 with two decimals, plain (no thousands separator) for ECharts."""
    return selectors.wan_number(yuan).replace(",", "")


@login_required
@require_GET
def funds(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    projects = figures.projects(year, user)
    flows = figures.flows(year, user)
    indicators = figures.project_indicators(year, user)
    by_county = figures.projects_by_county(year, user)
    monthly = figures.flows_by_month(year, user)
    today = timezone.localdate()
    months = 12 if year < today.year else (today.month if year == today.year else 0)
    rate_keys = ("资金拨付率", "支出率", "开工率", "完工率")

    def rows(block: dict, label) -> list[dict]:
        return [
            {
                "name": label(key),
                "projects": v["projects"],
                "rates": [v.get(k) for k in rate_keys],
            }
            for key, v in block.items()
        ]

    charts = {
        "by_category": [
            {"name": str(ProjectCategory(c).label), "value": _chart_number(Decimal(v["aid"]))}
            for c, v in projects["by_category"].items()
        ],
        "by_county": {
            "names": list(by_county),
            "values": [_chart_number(Decimal(v["aid"])) for v in by_county.values()],
        },
        "monthly": {
            "months": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
            "series": [
                {
                    "name": str(label),
                    "data": [_chart_number(Decimal(v)) for v in monthly[value][:months]],
                }
                for value, label in (
                    ("下达", _("累计下达")),
                    ("拨付", _("累计拨付")),
                    ("支出", _("累计支出")),
                )
            ],
        },
    }
    overall = indicators["overall"]
    return render(
        request,
        "reports/funds.html",
        {
            "year": year,
            "years": range(2010, figures.current_year() + 2),
            "count": projects["count"],
            "aid": selectors.wan_number(Decimal(projects["aid"])),
            "flows": [
                {"label": label, "wan": selectors.wan_number(Decimal(flows[value]))}
                for value, label in (
                    ("下达", _("年内下达（万元）")),
                    ("拨付", _("年内拨付（万元）")),
                    ("支出", _("年内支出（万元）")),
                )
            ],
            "overall": {
                "projects": overall.get("projects", 0),
                "rates": [overall.get(k) for k in rate_keys],
            },
            "by_category": rows(indicators["by_category"], lambda c: ProjectCategory(c).label),
            "by_county": rows(indicators["by_county"], lambda c: c),
            "charts": charts,
        },
    )
