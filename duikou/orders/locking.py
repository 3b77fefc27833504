"""Which orders records a published (locked) year covers (duikou.core.locks)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from duikou.core import locks
from duikou.orders.models import Demand, Visit, VisitStatus


def _visit_years(visit: Any, locked: frozenset[int]) -> set[int]:
    if visit.status != VisitStatus.DELIVERED or visit.demand_id is None:
        return set()
    demand = Demand.objects.filter(pk=visit.demand_id).only("posted_at").first()
    if demand is None:
        return set()
    year = locks.year_of(demand.posted_at)
    return {year} & locked if year is not None else set()


def _visit_q(locked: frozenset[int]) -> Q:
    return Q(status=VisitStatus.DELIVERED, demand__posted_at__year__in=sorted(locked))


def register() -> None:
    locks.dated(Demand, "posted_at")
    locks.register(Visit, years=_visit_years, q=_visit_q)
