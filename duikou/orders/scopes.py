"""Data scopes of orders and visits, on the pattern of duikou.accounts.scopes.

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

from django.db.models import QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import FULL_READ_ROLES, in_counties_q
from duikou.core.models import Organisation
from duikou.core.vocab import OrgKind, Side
from duikou.orders.models import Demand, DemandStatus, PlanningRun, Visit, VisitStatus

#: organisation kinds that may post demands (hospitals and schools, as the issue says)
DEMAND_ORG_KINDS = {OrgKind.HOSPITAL, OrgKind.SCHOOL, OrgKind.COLLEGE}


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


# Read scopes ---------------------------------------------------------------------------------


def demands_for_user(user: User) -> QuerySet[Demand]:
    qs = Demand.objects.select_related("organisation", "organisation__division", "posted_by")
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user, "organisation"))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(organisation=user.organisation_id)
    if user.role == Role.AID_STAFF:
        return qs.filter(visits__expert__user=user).distinct()
    return qs.none()


def visits_for_user(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.select_related(
        "demand", "demand__organisation", "demand__organisation__division", "expert", "run"
    )
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user, "demand__organisation"))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(demand__organisation=user.organisation_id)
    if user.role == Role.AID_STAFF:
        return qs.filter(expert__user=user)
    return qs.none()


def runs_for_user(user: User) -> QuerySet[PlanningRun]:
    """Planning runs name every expert and their availability: headquarters and viewer only."""
    qs = PlanningRun.objects.select_related("created_by", "confirmed_by")
    if _active(user) and user.role in FULL_READ_ROLES:
        return qs
    return qs.none()


def demand_orgs_for_user(user: User) -> QuerySet[Organisation]:
    """Haixi hospitals and schools this user may post a demand for."""
    qs = Organisation.objects.filter(side=Side.AIDED, kind__in=DEMAND_ORG_KINDS).select_related(
        "division"
    )
    if not _active(user):
        return qs.none()
    if user.role == Role.HEADQUARTERS:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(pk=user.organisation_id)
    return qs.none()


# Writes --------------------------------------------------------------------------------------


def can_post_demand(user: User) -> bool:
    return demand_orgs_for_user(user).exists()


def can_edit_demand(user: User, demand: Demand) -> bool:
    """Open demands only; by headquarters, the county team of the site, or its own liaison."""
    if not _active(user) or demand.status != DemandStatus.OPEN:
        return False
    return demand_orgs_for_user(user).filter(pk=demand.organisation_id).exists()


def can_set_priority(user: User) -> bool:
    return _active(user) and user.role == Role.HEADQUARTERS


def can_plan(user: User) -> bool:
    """Start, stop, edit and confirm planning runs."""
    return _active(user) and user.role == Role.HEADQUARTERS


def can_confirm_delivery(user: User, visit: Visit, today: dt.date | None = None) -> bool:
    """The institution (its liaison, its county team, headquarters) confirms a visit that began."""
    if not _active(user) or visit.status != VisitStatus.SCHEDULED:
        return False
    from django.utils import timezone

    today = today or timezone.localdate()
    if visit.start_date > today:
        return False
    return demand_orgs_for_user(user).filter(pk=visit.demand.organisation_id).exists()


def can_cancel_visit(user: User, visit: Visit) -> bool:
    return (
        _active(user) and user.role == Role.HEADQUARTERS and visit.status == VisitStatus.SCHEDULED
    )


def can_log_visit(user: User, visit: Visit) -> bool:
    """The expert records what was done; headquarters may too."""
    if not _active(user) or visit.status == VisitStatus.CANCELLED:
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    return visit.expert.user_id == user.pk
