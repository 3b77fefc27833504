"""Rotation and coverage (轮换): who leaves when, and which host department is left without a
successor. Computed from postings on every read, within the user's scope.

A long-term posting (党政干部, 专业技术人才) *ends soon* when its end lies within
`horizon_days` of today. Its *successor* is another long-term posting to the same host
organisation and department (both without department for a post such as a vice-county-head)
that starts after it and no later than `successor_days` after its end, and outlasts it. Ending
soon without a successor is a *coverage gap*. The thresholds are settings
(DUIKOU_ROTATION = {"horizon_days": …, "successor_days": …}) so the headquarters can tune them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from duikou.accounts.models import User
from duikou.people.models import Posting
from duikou.people.scopes import postings_for_user
from duikou.people.vocab import LONG_TERM_KINDS

DEFAULTS = {
    "horizon_days": 60,  # a long-term posting ending within this many days is flagged …
    "successor_days": 30,  # … unless a successor starts no later than this after its end
}


def thresholds() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "DUIKOU_ROTATION", {})}


@dataclass(frozen=True)
class Rotation:
    posting: Posting
    days_left: int
    successor: Posting | None

    @property
    def gap(self) -> bool:
        return self.successor is None


def _successor(posting: Posting, candidates: list[Posting], successor_days: int) -> Posting | None:
    latest_start = posting.end_date + dt.timedelta(days=successor_days)
    found = [
        c
        for c in candidates
        if c.pk != posting.pk
        and c.person_id != posting.person_id
        and c.host_org_id == posting.host_org_id
        and c.host_department_id == posting.host_department_id
        and posting.start_date < c.start_date <= latest_start
        and (c.end_date is None or c.end_date > posting.end_date)
    ]
    return min(found, key=lambda c: c.start_date) if found else None


def _long_term(qs: QuerySet[Posting]) -> QuerySet[Posting]:
    return qs.filter(kind__in=LONG_TERM_KINDS)


def rotations(postings: QuerySet[Posting], today: dt.date) -> list[Rotation]:
    """Long-term postings of `postings` ending within the horizon, soonest first."""
    t = thresholds()
    horizon = today + dt.timedelta(days=t["horizon_days"])
    ending = list(
        _long_term(postings)
        .filter(end_date__gte=today, end_date__lte=horizon)
        .order_by("end_date", "host_org__name", "pk")
    )
    if not ending:
        return []
    # Successors are looked for among all postings, not only the user's: a county team is told
    # a successor exists even if it was recorded by someone else.
    hosts = Q()
    for p in ending:
        hosts |= Q(host_org_id=p.host_org_id, host_department_id=p.host_department_id)
    candidates = list(
        _long_term(Posting.objects.select_related("person"))
        .filter(hosts)
        .filter(start_date__gt=min(p.start_date for p in ending))
    )
    # By host department: each posting looks among its own department's postings only (a
    # scan of every candidate for every ending posting took seconds at 100,000 postings).
    by_host: dict[tuple, list[Posting]] = {}
    for c in candidates:
        by_host.setdefault((c.host_org_id, c.host_department_id), []).append(c)
    return [
        Rotation(
            posting=p,
            days_left=(p.end_date - today).days,
            successor=_successor(
                p, by_host.get((p.host_org_id, p.host_department_id), []), t["successor_days"]
            ),
        )
        for p in ending
    ]


def upcoming_rotations(user: User, today: dt.date) -> list[Rotation]:
    """Long-term postings in the user's scope ending within the horizon, with successors."""
    return rotations(postings_for_user(user), today)


def coverage_gaps(user: User, today: dt.date) -> list[Rotation]:
    """Those of `upcoming_rotations` with no successor: the host department will be uncovered."""
    return [r for r in upcoming_rotations(user, today) if r.gap]


def dashboard_panel(user: User, today: dt.date) -> dict:
    """The context of templates/people/_dashboard_panel.html (as `people_panel`)."""
    items = upcoming_rotations(user, today)
    current = postings_for_user(user).active_on(today)
    return {
        "today": today,
        "rotations": items,
        "gaps": [r for r in items if r.gap],
        "posted_now": current.values("person").distinct().count(),
        "thresholds": thresholds(),
    }
