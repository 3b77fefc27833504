"""Shared builders of the planning-run tests (no tests here): experts with availability and
postings, demands, a quarter to plan.

The period is 2026-04-01..2026-06-30 (91 days); day 0 is 2026-04-01.
"""

from __future__ import annotations

import datetime as dt

from duikou.orders.models import Demand
from duikou.people import services as people_services
from duikou.people.identity import make_id_number

PS, PE = dt.date(2026, 4, 1), dt.date(2026, 6, 30)


def day(n: int) -> dt.date:
    return PS + dt.timedelta(days=n)


_seq = iter(range(100, 999))


def expert(reg, name, specialty, windows=(), *, resident_at=None, kind="专业技术人才"):
    """A person with a specialty, availability windows (inclusive date pairs) and, when
    `resident_at` is an organisation, a posting hosted there covering the period."""
    p = people_services.person_create(
        actor=None,
        id_number=make_id_number("330402", dt.date(1980, 1, 1), f"{next(_seq):03d}"),
        name=name,
        employer=reg.jiaxing_hospital,
        specialty=specialty,
    )
    if resident_at is not None or kind == "柔性帮扶":
        people_services.posting_create(
            actor=None,
            person=p,
            kind=kind,
            field="医疗",
            sending_org=reg.jiaxing_hospital,
            host_org=resident_at or reg.dulan_hospital,
            start_date=dt.date(2025, 9, 1),
            end_date=dt.date(2027, 8, 31),
        )
    for a, b in windows:
        people_services.availability_create(actor=None, person=p, start_date=a, end_date=b)
    return p


def demand(org, skill, days, earliest, latest, *, priority=5, preferred=(), **extra) -> Demand:
    d = Demand.objects.create(
        organisation=org,
        skill=skill,
        service_kind="坐诊",
        days=days,
        earliest_start=earliest,
        latest_end=latest,
        priority=priority,
        **extra,
    )
    if preferred:
        d.preferred_experts.set(preferred)
    return d
