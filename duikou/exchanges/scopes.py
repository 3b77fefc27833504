"""Data scopes of the exchanges ledger, on the ladder of duikou.accounts.scopes.

Events: headquarters and the viewer read all of them (the viewer never a named participant);
a county team the events in its counties: one of the places is a county of its, or one of the
organisers lies in one (or in a town of one); a liaison the events its organisation organises;
aid staff none (an aid staff member is not linked to the participants, who are names, not
accounts: we chose "nothing" over guessing by name). Writes: headquarters everywhere; a county
team records and edits events of its counties.

Off-site classes: read as events are (a county team: the classes whose Haixi side lies in its
counties; a liaison: its own school's or college's); written by headquarters.

Indicators are programme-wide published figures: every signed-in role reads them;
headquarters enters and edits them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active, county_ids, has_role, is_headquarters, ladder
from duikou.core.models import Division
from duikou.exchanges.models import (
    Event,
    EventPhoto,
    Indicator,
    IndicatorValue,
    OffsiteClass,
    Participant,
)

EVERY_ROLE = frozenset(Role.values)


def _event_county_q(user: User) -> Q:
    ids = county_ids(user)
    return (
        Q(places__in=ids)
        | Q(organisers__division__in=ids)
        | Q(organisers__division__parent__in=ids)
    )


def events_for_user(user: User) -> QuerySet[Event]:
    qs = ladder(
        user,
        Event.objects.all(),
        county=_event_county_q,
        liaison=lambda org: Q(organisers=org),
    )
    if active(user) and user.role in (Role.COUNTY_TEAM, Role.LIAISON):
        # The joins through places/organisers may repeat an event.
        qs = Event.objects.filter(pk__in=qs.values("pk"))
    return qs


def participants_for_user(user: User) -> QuerySet[Participant]:
    """Named participants: never for the viewer; for the others, those of their events."""
    if not sees_participants(user):
        return Participant.objects.none()
    return Participant.objects.filter(event__in=events_for_user(user).values("pk"))


def photos_for_user(user: User) -> QuerySet[EventPhoto]:
    return EventPhoto.objects.filter(event__in=events_for_user(user).values("pk"))


def sees_participants(user: User) -> bool:
    return active(user) and user.role != Role.VIEWER


def can_create_event(user: User) -> bool:
    return has_role(user, Role.HEADQUARTERS, Role.COUNTY_TEAM)


def can_edit_event(user: User, event: Event) -> bool:
    if is_headquarters(user):
        return True
    return has_role(user, Role.COUNTY_TEAM) and events_for_user(user).filter(pk=event.pk).exists()


def in_users_counties(user: User, places, organisers) -> bool:
    """Would an event at these places, by these organisers, be in the county team's scope?"""
    ids = county_ids(user)
    if any(p.pk in ids for p in places):
        return True
    return any(o.division_id in ids or o.division.parent_id in ids for o in organisers)


def event_places() -> QuerySet[Division]:
    """Places an event may have: Haixi (the prefecture, its county-level units) and Zhejiang
    (the province, its cities)."""
    return Division.objects.filter(
        Q(code__startswith="6328", level__in=["prefecture", "county"])
        | Q(code__startswith="33", level__in=["province", "prefecture"])
    ).order_by("code")


def haixi_counties() -> QuerySet[Division]:
    return Division.objects.filter(code__startswith="6328", level="county").order_by("code")


def classes_for_user(user: User) -> QuerySet[OffsiteClass]:
    qs = OffsiteClass.objects.select_related("school", "haixi_org")
    ids = county_ids(user) if has_role(user, Role.COUNTY_TEAM) else set()
    return ladder(
        user,
        qs,
        county=lambda u: Q(haixi_org__division__in=ids) | Q(haixi_org__division__parent__in=ids),
        liaison=lambda org: Q(school=org) | Q(haixi_org=org),
    )


def can_edit_classes(user: User) -> bool:
    return is_headquarters(user)


def indicators_for_user(user: User) -> QuerySet[Indicator]:
    return ladder(user, Indicator.objects.all(), everything=EVERY_ROLE)


def indicator_values_for_user(user: User) -> QuerySet[IndicatorValue]:
    qs = IndicatorValue.objects.select_related("indicator", "entered_by")
    return ladder(user, qs, everything=EVERY_ROLE)


def can_edit_indicators(user: User) -> bool:
    return is_headquarters(user)


def sees_exchanges(user: User) -> bool:
    """The nav entry: every signed-in role but aid staff (who see no event)."""
    return active(user) and user.role != Role.AID_STAFF
