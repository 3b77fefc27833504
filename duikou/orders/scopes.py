"""Data scopes of orders and visits, on the ladder of duikou.accounts.scopes.

Who reads what:
- headquarters and viewer: every demand, run and visit (the viewer writes nothing);
- county team: the demands and visits of institutions in its counties (no planning runs);
- liaison: its own organisation's demands and the visits to it;
- aid staff: the visits they make themself (and the demands behind them).

Who writes what is decided by the `can_*` functions; views answer 404 outside the read
scope and 403 when a `can_*` says no.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active, in_counties_q, is_headquarters, ladder
from duikou.core import scopes as core_scopes
from duikou.core.models import Organisation
from duikou.core.vocab import DEMAND_ORG_KINDS, Side
from duikou.orders.models import Demand, DemandStatus, PlanningRun, Visit, VisitStatus

# Read scopes ---------------------------------------------------------------------------------


def demands_for_user(user: User) -> QuerySet[Demand]:
    qs = Demand.objects.select_related("organisation", "organisation__division", "posted_by")
    scoped = ladder(
        user,
        qs,
        county=lambda u: in_counties_q(u, "organisation"),
        liaison=lambda org: Q(organisation=org),
        aid_staff=lambda u: Q(visits__expert__user=u),
    )
    return scoped.distinct() if user.is_authenticated and user.role == Role.AID_STAFF else scoped


def visits_for_user(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.select_related(
        "demand", "demand__organisation", "demand__organisation__division", "expert", "run"
    )
    return ladder(
        user,
        qs,
        county=lambda u: in_counties_q(u, "demand__organisation"),
        liaison=lambda org: Q(demand__organisation=org),
        aid_staff=lambda u: Q(expert__user=u),
    )


def runs_for_user(user: User) -> QuerySet[PlanningRun]:
    """Planning runs name every expert and their availability: headquarters and viewer only."""
    qs = PlanningRun.objects.select_related("created_by", "confirmed_by")
    return ladder(user, qs)


def demand_orgs_for_user(user: User) -> QuerySet[Organisation]:
    """Haixi hospitals and schools this user may post a demand for."""
    qs = Organisation.objects.filter(side=Side.AIDED, kind__in=DEMAND_ORG_KINDS).select_related(
        "division"
    )
    return ladder(
        user,
        qs,
        county=in_counties_q,
        liaison=lambda org: Q(pk=org),
        everything=frozenset({Role.HEADQUARTERS}),
    )


def demand_sites_for_user(user: User) -> QuerySet[Organisation]:
    """Haixi hospitals and schools whose page this user reads (the registry's scope): the sites
    whose demands and visits the organisation page shows, each list in its own scope."""
    return core_scopes.organisations_for_user(user).filter(
        side=Side.AIDED, kind__in=DEMAND_ORG_KINDS
    )


# Writes --------------------------------------------------------------------------------------


def can_post_demand(user: User) -> bool:
    return demand_orgs_for_user(user).exists()


def can_edit_demand(user: User, demand: Demand) -> bool:
    """Open demands only; by headquarters, the county team of the site, or its own liaison."""
    if not active(user) or demand.status != DemandStatus.OPEN:
        return False
    return demand_orgs_for_user(user).filter(pk=demand.organisation_id).exists()


def can_set_priority(user: User) -> bool:
    return is_headquarters(user)


def can_plan(user: User) -> bool:
    """Start, stop, edit and confirm planning runs."""
    return is_headquarters(user)


def can_confirm_delivery(user: User, visit: Visit, today: dt.date | None = None) -> bool:
    """The institution (its liaison, its county team, headquarters) confirms a visit that began."""
    if not active(user) or visit.status != VisitStatus.SCHEDULED:
        return False
    from django.utils import timezone

    today = today or timezone.localdate()
    if visit.start_date > today:
        return False
    return demand_orgs_for_user(user).filter(pk=visit.demand.organisation_id).exists()


def can_cancel_visit(user: User, visit: Visit) -> bool:
    return is_headquarters(user) and visit.status == VisitStatus.SCHEDULED


def can_log_visit(user: User, visit: Visit) -> bool:
    """The expert records what was done; headquarters may too."""
    if not active(user) or visit.status == VisitStatus.CANCELLED:
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    return visit.expert.user_id == user.pk
