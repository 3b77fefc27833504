"""Data scopes of the investment ledger, on the ladder of duikou.accounts.scopes.

Who reads what: headquarters and viewer everything (the viewer never a contact phone); county
teams the two lists (they work the deals with them) and the deals placed in their counties; a
liaison of an enterprise its own enterprise and its deals. Writes: the lists and events by
headquarters; deals by headquarters, and by county teams in their counties.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active, county_ids, has_role, is_headquarters, ladder
from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel
from duikou.investment.models import Deal, Enterprise, Policy, PromotionEvent

LIST_READERS = frozenset({Role.HEADQUARTERS, Role.VIEWER, Role.COUNTY_TEAM})


def enterprises_for_user(user: User) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("organisation", "organisation__division")
    return ladder(user, qs, liaison=lambda org: Q(organisation=org), everything=LIST_READERS)


def policies_for_user(user: User) -> QuerySet[Policy]:
    # Published documents: whoever works with the lists reads all of them.
    qs = Policy.objects.select_related("region")
    return ladder(user, qs, liaison=lambda org: Q(pk__isnull=False), everything=LIST_READERS)


def deals_for_user(user: User) -> QuerySet[Deal]:
    qs = Deal.objects.select_related(
        "enterprise", "enterprise__organisation", "county", "owner", "event"
    )
    return ladder(
        user,
        qs,
        county=lambda u: Q(county__in=county_ids(u)),
        liaison=lambda org: Q(enterprise__organisation=org),
    )


def events_for_user(user: User) -> QuerySet[PromotionEvent]:
    return ladder(user, PromotionEvent.objects.all(), everything=LIST_READERS)


def sees_phone(user: User) -> bool:
    """Contact phones (masked) for everyone who reads the enterprise, except the viewer."""
    return active(user) and user.role != Role.VIEWER


def can_edit_lists(user: User) -> bool:
    """Enterprises, policies and promotion events: headquarters."""
    return is_headquarters(user)


def can_create_deal(user: User) -> bool:
    return has_role(user, Role.HEADQUARTERS, Role.COUNTY_TEAM)


def can_place_deal(user: User, county: Division | None) -> bool:
    if is_headquarters(user):
        return True
    return has_role(user, Role.COUNTY_TEAM) and county is not None and county.pk in county_ids(user)


def can_edit_deal(user: User, deal: Deal) -> bool:
    return can_place_deal(user, deal.county)


def editable_deal_ids(user: User, deals: Iterable[Deal]) -> set[int]:
    """The deals of the list that can_edit_deal lets the user edit, reading the user's counties
    once (a board of many deals: not one query per card)."""
    if is_headquarters(user):
        return {d.pk for d in deals}
    if not has_role(user, Role.COUNTY_TEAM):
        return set()
    ids = county_ids(user)
    return {d.pk for d in deals if d.county_id is not None and d.county_id in ids}


def deal_counties(user: User) -> QuerySet[Division]:
    """Where this user may place a deal: Haixi county-level units (a county team: its own)."""
    qs = Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith="6328")
    if is_headquarters(user):
        return qs
    if has_role(user, Role.COUNTY_TEAM):
        return qs.filter(pk__in=county_ids(user))
    return qs.none()
