"""The public portal (/public/): the programme in figures, open to anyone without signing in.

What it shows is aggregates and the facts of published projects (公开, `Project.is_public`,
set by headquarters): never a person, a note, an alert, an evidence file or an unpublished
project. Its figures are `figures.compute(year, public=True)`: the project parts count the
published projects only.

Every other view of the platform requires sign-in through its own `login_required`; these are
the only ones without, and each says so with `@public_view`, which tests/test_public_portal.py
holds to the /public/ prefix: a view marked public elsewhere, or a /public/ view not marked,
fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from duikou.core import publicity
from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel, ProjectCategory, ProjectStatus
from duikou.reports import figures, iati

#: the years the portal offers: the 十四五 plan and on
FIRST_YEAR = 2021
TREND_TO = 2025
PAGE_SIZE = 50


def public_view(view: Callable) -> Callable:
    """Marks a view as open to anonymous visitors (GET only). Only the portal's views carry it."""

    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    wrapper.public = True  # type: ignore[attr-defined]
    return wrapper


def _cached(name: str, build: Callable[[], object], *parts: object):
    """What `build` returns, kept in the shared cache for DUIKOU_PUBLIC_CACHE_SECONDS.

    The portal is open to anyone and shows aggregates over whole ledgers (on a large
    programme, seconds of work): one visitor a few minutes builds them, the rest read them.
    The pages say how fresh they are. A project published or withdrawn starts a new
    generation of keys (`duikou.core.publicity`) at once. 0 turns the cache off.
    """
    ttl = settings.DUIKOU_PUBLIC_CACHE_SECONDS
    if ttl <= 0:
        return build()
    key = "duikou:public:" + ":".join(str(p) for p in (publicity.generation(), name, *parts))
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ttl)
    return value


def _years() -> list[int]:
    return list(range(FIRST_YEAR, max(TREND_TO, figures.current_year()) + 1))


def _year(request: HttpRequest) -> int:
    years = _years()
    default = min(figures.current_year(), years[-1])
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if year in years else default


def _wan(yuan: str | Decimal | None) -> str:
    """Yuan to 万元 with thousands separators and two decimals, for the portal's tables."""
    value = (Decimal(yuan or 0) / 10000).quantize(Decimal("0.01"))
    return f"{value:,}"


def _context(request: HttpRequest, year: int, **extra) -> dict:
    iati_file = _cached("iati", lambda: iati.projects_of(year, public=True).exists(), year)
    return {
        "year": year,
        "years": _years(),
        "iati": iati_file,
        "fresh_minutes": -(-settings.DUIKOU_PUBLIC_CACHE_SECONDS // 60),  # 0: not cached
        **extra,
    }


@public_view
def home(request: HttpRequest) -> HttpResponse:
    """The programme in figures for a year, and the 十四五 years side by side."""
    year = _year(request)
    return render(
        request,
        "public/home.html",
        _context(request, year, **_cached("home", lambda: _home(year), year)),
    )


def _home(year: int) -> dict:
    data = figures.compute(year, public=True)
    p = data["projects"]
    categories = [
        {"name": name, "count": v["count"], "aid": _wan(v["aid"])}
        for name, v in p["by_category"].items()
    ]
    counties = [
        {"name": name, "count": v["count"], "aid": _wan(v["aid"])}
        for name, v in data["projects_by_county"].items()
    ]
    trend = []
    for y in _years():
        yp = figures.projects(y, public=True)
        trend.append(
            {
                "year": y,
                "projects": yp["count"],
                "aid": _wan(yp["aid"]),
                "sold": _wan(figures.sales(y, top=0)["sold"]),
                "events": figures.events(y)["count"],
            }
        )
    return {
        "figures": data,
        "aid": _wan(p["aid"]),
        "flows": {k: _wan(v) for k, v in data["flows"].items()},
        "sold": _wan(data["sales"]["sold"]),
        "signed": _wan(data["deals"]["signed"]),
        "categories": categories,
        "counties": counties,
        "trend": trend,
    }


@public_view
def projects(request: HttpRequest) -> HttpResponse:
    """The year's published projects by category and county: name, place, amounts, status."""
    year = _year(request)
    category = request.GET.get("category", "")
    if category not in ProjectCategory.values:
        category = ""
    counties = list(
        Division.objects.filter(level=DivisionLevel.COUNTY, parent__code="632800").order_by("code")
    )
    names = {d.short_name or d.name for d in counties}
    county = request.GET.get("county", "")
    if county not in names:
        county = ""
    rows = _cached(
        "projects",
        lambda: figures.project_rows(year, category=category or None, public=True),
        year,
        category,
    )
    if county:
        rows = [r for r in rows if r["county"] == county]
    total = sum((Decimal(r["aid"]) for r in rows), Decimal(0))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page.object_list:
        r["aid_wan"] = _wan(r["aid"])
        r["local_wan"] = _wan(r["local"])
        r["social_wan"] = _wan(r["social"])
    return render(
        request,
        "public/projects.html",
        _context(
            request,
            year,
            page=page,
            count=len(rows),
            total=_wan(total),
            category=category,
            county=county,
            categories=ProjectCategory.values,
            counties=[d.short_name or d.name for d in counties],
            statuses=[s for s in ProjectStatus.values if s != ProjectStatus.CANCELLED],
        ),
    )


@public_view
def sales(request: HttpRequest) -> HttpResponse:
    """Consumption-aid sales of the year: totals, by channel kind, product and city, target."""
    year = _year(request)
    return render(
        request,
        "public/sales.html",
        _context(request, year, **_cached("sales", lambda: _sales(year), year)),
    )


def _sales(year: int) -> dict:
    s = figures.sales(year)
    return {
        "sold": _wan(s["sold"]),
        "ordered": _wan(s["ordered"]),
        "target": _wan(s["target"]) if "target" in s else None,
        "target_rate": s.get("target_rate"),
        "by_kind": [(k, _wan(v)) for k, v in s["by_channel_kind"].items()],
        "by_product": [(k, _wan(v)) for k, v in list(s["by_product"].items())[:15]],
        "by_city": [(k, _wan(v)) for k, v in s["by_city"].items()],
        "outlets": figures.outlets(year),
    }


@public_view
def events(request: HttpRequest) -> HttpResponse:
    """Exchange events starting in the year: what, when, where, who organised, how many took
    part (counts by side). Named participants, notes and photos stay inside."""
    year = _year(request)
    return render(
        request,
        "public/events.html",
        _context(request, year, **_cached("events", lambda: _events(year), year)),
    )


def _events(year: int) -> dict:
    from duikou.exchanges.models import Event

    rows = []
    for e in (
        Event.objects.filter(start_date__year=year)
        .prefetch_related("places", "organisers")
        .order_by("start_date", "title")
    ):
        organisers = [o.short_name or o.name for o in e.organisers.all()]
        if e.organiser_text:
            organisers.append(e.organiser_text)
        rows.append(
            {
                "kind": e.kind,
                "title": e.title,
                "start": e.start_date,
                "end": e.end_date,
                "places": "、".join(str(d) for d in e.places.all()),
                "organisers": "、".join(organisers),
                "haixi": e.haixi_count,
                "zhejiang": e.zhejiang_count,
            }
        )
    return {
        "summary": figures.events(year),
        "classes": figures.offsite_classes(year),
        "rows": rows,
    }


# The IATI activity file of a year: the published projects only (iati.build(public=True)).


@public_view
def iati_file(request: HttpRequest, year: int) -> HttpResponse:
    if year not in _years():
        raise Http404(_("该年度的 IATI 文件不可用。"))
    try:
        content = iati.build(year, public=True)
    except iati.NothingToExport as exc:  # no published project that year: an IATI file needs one
        raise Http404(_("该年度的 IATI 文件不可用。")) from exc
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="duikou-iati-{year}.xml"'
    return response
