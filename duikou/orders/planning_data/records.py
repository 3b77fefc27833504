"""From the platform's records to a planning instance (design/visit-planning.md).

`build_instance(period_start, period_end, max_days=..., name=...)` reads the open demands,
the experts' declared availability and the visits already booked, and writes the instance
JSON of the contract, checked with `duikou.planning.instance.parse_instance` before it is
returned.  The mapping:

* **Days.** Day 0 is `period_start`; `horizon` is the number of days of the period
  (`period_end` included).  A date `d` is day `(d - period_start).days`; the contract's
  intervals are half-open, so the inclusive dates [x, y] become [x - ps, y - ps + 1].
* **Demands** ``D<pk>``: every demand 待安排 whose window overlaps the period and that has
  no live (not cancelled) visit.  Its window [earliest_start, latest_end] is clipped to the
  period; a demand whose clipped window is shorter than its days cannot be served in this
  period and is left out (listed under the extra key ``excluded`` with its reason, which
  the planner ignores).  weight = priority; preferred = the preferred experts that are in
  the instance.
* **Experts** ``E<person pk>``: the people who declared availability windows overlapping the
  period.  skills = [specialty], spelled as in the demand vocabulary (hospital departments
  and school subjects: “重症医学科” → “重症医学科 (ICU)”, orders.skills.canonical);
  max_days = the expert's own budget per period (Person.visit_days_budget, declared on
  /me/) or else the run's.  home = ``O<host organisation pk>`` of the posting
  active on period_start when that posting is not 柔性帮扶 (resident experts), otherwise
  ``HZ`` (杭州: flexible experts come from Zhejiang).  Availability windows (inclusive
  dates) are clipped to the period and turned into half-open day intervals; touching
  windows are merged (the expert is available without a break).  Days already booked by
  their visits (any visit not cancelled) are taken out, together with the travel days to
  and from the visit's site, so a booked visit splits an interval in two.
* **Sites** ``O<organisation pk>`` for the demands' organisations and the resident experts'
  host organisations, and ``HZ`` for 杭州.
* **Travel** (whole days): each Haixi organisation is placed at the seat of its county-level
  division (德令哈 for the prefecture itself, 西宁 for organisations in Xining or at the
  province level); two sites at the same seat are 0 days apart, otherwise
  ``ceil(road km / KM_PER_DAY)`` with the road distances of domain-facts.json
  (``distance_matrix.road_km_estimate``) and ``KM_PER_DAY = 450`` (a day's drive on the
  plateau's highways, stops included).  From 杭州 (and any Zhejiang organisation) to a
  Haixi site: one day of flight to the nearest airport (德令哈, 格尔木, 花土沟 = 茫崖, or
  西宁 for Xining) plus ``ceil(road km from that airport / KM_PER_DAY)`` (0 at the airport's
  seat).  The matrix is symmetric with 0 on the diagonal; it need not obey the triangle
  inequality, as the contract allows.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache

from django.db.models import Q

from duikou.core.models import Division, Organisation
from duikou.core.reference import facts
from duikou.core.vocab import PersonnelKind
from duikou.orders import skills
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.orders.planning_data.ids import HZ, HZ_COUNTY, HZ_NAME, demand_id, expert_id, site_id
from duikou.orders.planning_data.names import day_of
from duikou.orders.planning_data.reasons import REASON_NO_PLACE, REASON_OUTSIDE
from duikou.people.models import AvailabilityWindow, Person, Posting
from duikou.planning.instance import parse_instance

#: road kilometres driven in one travel day (plateau highways, stops included)
KM_PER_DAY = 450
#: county-level division code -> node of the distance matrix (its seat)
DIVISION_NODES = {
    "632800": "DLH",  # 海西州: the prefecture seat is 德令哈
    "632802": "DLH",
    "632801": "GEM",
    "632803": "MY",
    "632821": "WL",
    "632822": "DL",
    "632823": "TJ",
    "632857": "DCD",
    "632825": "DCD",  # the code Amap/Tencent use for 大柴旦
    "630000": "XN",
    "630100": "XN",
}
#: nodes with an airport served from Hangzhou (one day of flight, connections included)
AIRPORT_NODES = ("DLH", "GEM", "MY", "XN")
FLIGHT_DAYS = 1


# Travel --------------------------------------------------------------------------------------


@cache
def road_km() -> dict[str, dict[str, int]]:
    return facts()["distance_matrix"]["road_km_estimate"]


def drive_days(a: str, b: str) -> int:
    """Whole travel days by road between two seats (0 at the same seat)."""
    if a == b:
        return 0
    return math.ceil(road_km()[a][b] / KM_PER_DAY)


def from_hangzhou_days(node: str) -> int:
    """Flight to the nearest airport, then the road from it."""
    airport = min(AIRPORT_NODES, key=lambda ap: (road_km()[ap][node], ap))
    return FLIGHT_DAYS + drive_days(airport, node)


def division_node(division: Division | None) -> str | None:
    """The distance-matrix node of a division: HZ for Zhejiang, a seat for Haixi and Xining,
    None when the division is elsewhere."""
    node = division
    while node is not None:
        if node.code in DIVISION_NODES:
            return DIVISION_NODES[node.code]
        if node.code.startswith("33"):
            return HZ
        node = node.parent
    return None


def travel_days(a: str, b: str) -> int:
    """Travel days between two nodes (HZ or a seat of the matrix); symmetric."""
    if a == b:
        return 0
    if a == HZ:
        return from_hangzhou_days(b)
    if b == HZ:
        return from_hangzhou_days(a)
    return drive_days(a, b)


def _subtract(intervals: list[list[int]], a: int, b: int) -> list[list[int]]:
    """Remove the half-open [a, b) from sorted disjoint half-open intervals."""
    out: list[list[int]] = []
    for x, y in intervals:
        if b <= x or y <= a:
            out.append([x, y])
            continue
        if x < a:
            out.append([x, a])
        if b < y:
            out.append([b, y])
    return out


def _merge(intervals: list[list[int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


# The instance --------------------------------------------------------------------------------


def expert_home(person: Person, day: dt.date) -> Organisation | None:
    """The host organisation of a resident expert on `day`; None for a flexible expert."""
    posting = (
        Posting.objects.active_on(day)
        .filter(person=person)
        .select_related("host_org", "host_org__division", "host_org__division__parent")
        .order_by("-start_date", "pk")
        .first()
    )
    if posting is None or posting.kind == PersonnelKind.FLEXIBLE:
        return None
    if division_node(posting.host_org.division) in (None, HZ):
        return None
    return posting.host_org


def period_demands(period_start: dt.date, period_end: dt.date):
    """Open demands whose window overlaps the period and that have no live visit."""
    live = Visit.objects.exclude(status=VisitStatus.CANCELLED).values("demand_id")
    return (
        Demand.objects.filter(
            status=DemandStatus.OPEN,
            earliest_start__lte=period_end,
            latest_end__gte=period_start,
        )
        .exclude(pk__in=live)
        .select_related("organisation", "organisation__division", "organisation__division__parent")
        .prefetch_related("preferred_experts")
        .order_by("pk")
    )


def period_experts(period_start: dt.date, period_end: dt.date):
    """People who declared availability overlapping the period."""
    return (
        Person.objects.filter(
            availability__start_date__lte=period_end, availability__end_date__gte=period_start
        )
        .distinct()
        .order_by("pk")
    )


def _skills_of(person: Person) -> list[str]:
    """The demand skill a person's specialty stands for, in the demand vocabulary's spelling
    (“重症医学科” serves “重症医学科 (ICU)”, “英语” serves “英语 (外语)”); a specialty outside
    the vocabulary (“校长”) is kept as written and matches no demand."""
    if not person.specialty:
        return []
    return [skills.canonical(person.specialty) or person.specialty]


def build_instance(period_start: dt.date, period_end: dt.date, *, max_days: int, name: str) -> dict:
    """The contract JSON of the period's demands and experts (checked with parse_instance)."""
    horizon = day_of(period_start, period_end) + 1
    sites: dict[str, dict] = {HZ: {"id": HZ, "name": HZ_NAME, "county": HZ_COUNTY}}
    nodes: dict[str, str] = {HZ: HZ}

    def add_site(org: Organisation) -> str | None:
        sid = site_id(org.pk)
        if sid not in sites:
            node = division_node(org.division)
            if node is None:
                return None
            if node == HZ:
                return HZ
            county = org.division.county_level() if org.division else None
            sites[sid] = {
                "id": sid,
                "name": org.name,
                "county": (county or org.division).code,
            }
            nodes[sid] = node
        return sid

    experts: list[dict] = []
    for person in period_experts(period_start, period_end):
        windows = AvailabilityWindow.objects.filter(
            person=person, start_date__lte=period_end, end_date__gte=period_start
        ).order_by("start_date")
        available = _merge(
            [
                [
                    day_of(period_start, max(w.start_date, period_start)),
                    day_of(period_start, min(w.end_date, period_end)) + 1,
                ]
                for w in windows
            ]
        )
        host = expert_home(person, period_start)
        home = add_site(host) if host is not None else HZ
        home = home or HZ
        booked = (
            Visit.objects.filter(expert=person, start_date__lte=period_end)
            .exclude(status=VisitStatus.CANCELLED)
            .select_related("demand__organisation__division__parent")
        )
        for v in booked:
            site_node = division_node(v.demand.organisation.division) or nodes[home]
            t = travel_days(nodes[home], site_node)
            a = day_of(period_start, v.start_date) - t
            b = day_of(period_start, v.end_date) + 1 + t
            if b > 0:
                available = _subtract(available, max(a, 0), b)
        available = [iv for iv in available if iv[0] < iv[1]]
        if not available:
            continue
        experts.append(
            {
                "id": expert_id(person.pk),
                "name": person.name,
                "skills": _skills_of(person),
                "home": home,
                "available": available,
                # the expert's own budget per period when declared, else the run's
                "max_days": min(person.visit_days_budget or max_days, horizon),
            }
        )
    expert_ids = {e["id"] for e in experts}

    demands: list[dict] = []
    excluded: list[dict] = []
    for d in period_demands(period_start, period_end):
        did = demand_id(d.pk)
        w0 = day_of(period_start, max(d.earliest_start, period_start))
        w1 = day_of(period_start, min(d.latest_end, period_end)) + 1
        if w1 - w0 < d.days:
            excluded.append({"id": did, "name": str(d), "reason": REASON_OUTSIDE})
            continue
        site = add_site(d.organisation)
        if site is None or site == HZ:
            excluded.append({"id": did, "name": str(d), "reason": REASON_NO_PLACE})
            continue
        demands.append(
            {
                "id": did,
                "site": site,
                "skill": d.skill,
                "duration": d.days,
                "window": [w0, w1],
                "weight": d.priority,
                "preferred": sorted(
                    {expert_id(p.pk) for p in d.preferred_experts.all()} & expert_ids
                ),
            }
        )

    site_ids = list(sites)
    travel = {a: {b: travel_days(nodes[a], nodes[b]) for b in site_ids} for a in site_ids}
    instance = {
        "name": name,
        "horizon": horizon,
        "period": [period_start.isoformat(), period_end.isoformat()],
        "sites": list(sites.values()),
        "travel": travel,
        "experts": experts,
        "demands": demands,
        "excluded": excluded,
    }
    parse_instance(instance)  # raises MalformedError: a bug here, never the user's input
    return instance


def count_period(period_start: dt.date, period_end: dt.date) -> tuple[int, int]:
    """(open demands, experts with availability) overlapping the period, for the run form."""
    demands = period_demands(period_start, period_end).count()
    experts = (
        AvailabilityWindow.objects.filter(
            Q(start_date__lte=period_end) & Q(end_date__gte=period_start)
        )
        .values("person_id")
        .distinct()
        .count()
    )
    return demands, experts
