"""Rotation coverage (轮换衔接): the timeline of postings by host department."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from duikou.core import scopes as core_scopes
from duikou.core.models import Organisation
from duikou.core.viewutils import pk_param
from duikou.core.vocab import PersonnelKind, Side
from duikou.people import rotation, scopes
from duikou.people.models import Posting
from duikou.people.vocab import LONG_TERM_KINDS

KIND_COLOURS = {
    PersonnelKind.CADRE: "#7a5195",
    PersonnelKind.PROFESSIONAL: "#1f5c99",
    PersonnelKind.SHORT_TERM: "#2f9e8f",
    PersonnelKind.FLEXIBLE: "#e0a030",
}


def _ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _lanes(postings: list[Posting], far: dt.date) -> dict[int, int]:
    """Lane of each posting within its row, so overlapping postings do not hide each other."""
    lanes: dict[int, int] = {}
    ends: list[dt.date] = []
    # Long-term postings first, so they keep the top lanes and the short visits stack below.
    for p in sorted(postings, key=lambda p: (p.kind not in LONG_TERM_KINDS, p.start_date, p.pk)):
        end = p.end_date or far
        for i, last in enumerate(ends):
            if last < p.start_date:
                ends[i] = end
                lanes[p.pk] = i
                break
        else:
            ends.append(end)
            lanes[p.pk] = len(ends) - 1
    return lanes


def _coverage_org(request: HttpRequest, postings: QuerySet[Posting]) -> tuple:
    hosts = (
        Organisation.objects.filter(pk__in=postings.order_by().values("host_org"))
        .select_related("division")
        .order_by("division__code", "name")
    )
    chosen = request.GET.get("org", "")
    if chosen:
        if pk_param(request, "org") is None:
            raise Http404
        org = hosts.filter(pk=chosen).first() or (
            core_scopes.organisations_for_user(request.user)
            .filter(pk=chosen, side=Side.AIDED)
            .first()
        )
        if org is None:
            raise Http404
    else:
        org = hosts.filter(name="海西州人民医院").first() or hosts.first()
    return org, hosts


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Each department of a host organisation: who covered it when, and the gap flags."""
    today = timezone.localdate()
    scoped = scopes.postings_for_user(request.user)
    org, hosts = _coverage_org(request, scoped)
    ctx: dict = {"org": org, "hosts": hosts, "today": today, "thresholds": rotation.thresholds()}
    if org is None:
        return render(request, "people/coverage.html", ctx)
    postings = list(scoped.filter(host_org=org).order_by("start_date", "pk"))
    flagged = {r.posting.pk: r for r in rotation.rotations(scoped.filter(host_org=org), today)}
    departments = list(org.departments.all())
    by_dept: dict[int | None, list[Posting]] = defaultdict(list)
    for p in postings:
        by_dept[p.host_department_id].append(p)

    far = max([today + dt.timedelta(days=180)] + [p.end_date for p in postings if p.end_date])
    start = min([p.start_date for p in postings] or [today - dt.timedelta(days=365)])
    axis_min = dt.date(start.year, 1, 1)
    axis_max = dt.date(far.year, far.month, 1) + dt.timedelta(days=31)

    row_keys: list[int | None] = [d.pk for d in departments if d.pk in by_dept]
    all_keys: list[int | None] = [d.pk for d in departments]
    if None in by_dept:
        row_keys.insert(0, None)
        all_keys.insert(0, None)
    names = {d.pk: d.name for d in departments}
    names[None] = _("（本单位，未分科室）")

    def row(key):
        items = by_dept.get(key, [])
        gap = any(p.pk in flagged and flagged[p.pk].gap for p in items)
        return {"id": key, "label": names[key], "gap": gap, "has": bool(items)}

    chart_items = []
    for key in all_keys:
        items = by_dept.get(key, [])
        lanes = _lanes(items, axis_max)
        n = max(lanes.values(), default=0) + 1
        for p in items:
            rot = flagged.get(p.pk)
            chart_items.append(
                {
                    "row": key,
                    "lane": lanes[p.pk],
                    "lanes": n,
                    "start": _ms(p.start_date),
                    "end": _ms((p.end_date or axis_max) + dt.timedelta(days=1)),
                    "open": p.end_date is None,
                    "name": p.person.name,
                    "kind": p.kind,
                    "colour": KIND_COLOURS.get(p.kind, "#8c8c8c"),
                    "role": p.role,
                    "period": p.period,
                    "sending": p.sending_org.display_short,
                    "url": p.get_absolute_url(),
                    "gap": bool(rot and rot.gap),
                    "leaving": rot is not None,
                }
            )
    chart = {
        "rows": [row(k) for k in all_keys],
        "covered": [str(k) for k in row_keys],
        "items": [{**i, "row": str(i["row"])} for i in chart_items],
        "today": _ms(today),
        "min": _ms(axis_min),
        "max": _ms(axis_max),
        "kinds": [{"name": str(k.label), "colour": KIND_COLOURS[k]} for k in PersonnelKind],
        "labels": {
            "today": _("今天"),
            "gap": _("空缺预警"),
            "ongoing": _("仍在派驻"),
            "role": _("职务"),
            "sending": _("派出单位"),
        },
    }
    for item in chart["rows"]:
        item["id"] = str(item["id"])

    table = []
    for key in all_keys:
        items = by_dept.get(key, [])
        current = [p for p in items if p.is_current(today)]
        upcoming = [p for p in items if p.start_date > today]
        leaving = [flagged[p.pk] for p in items if p.pk in flagged]
        long_term_now = [p for p in current if p.kind in LONG_TERM_KINDS]
        if any(r.gap for r in leaving):
            status = "gap"
        elif long_term_now:
            status = "covered"
        elif current:
            status = "short"
        elif items:
            status = "none"
        else:
            status = "never"
        table.append(
            {
                "label": names[key],
                "current": current,
                "upcoming": upcoming,
                "leaving": leaving,
                "status": status,
                "total": len(items),
            }
        )
    order = {"gap": 0, "covered": 1, "short": 2, "none": 3, "never": 4}
    table.sort(key=lambda r: order[r["status"]])
    never = [r["label"] for r in table if r["status"] == "never"]
    table = [r for r in table if r["status"] != "never"]
    ctx.update(
        {
            "chart": chart,
            "table": table,
            "never": never,
            "gaps": [r for r in flagged.values() if r.gap],
            "leaving": list(flagged.values()),
            "posting_count": len(postings),
            "department_count": len(departments),
        }
    )
    return render(request, "people/coverage.html", ctx)
