"""Data scopes of the people module, on the ladder of duikou.accounts.scopes.

Who reads what:
- headquarters and viewer: everyone (the viewer without any personal data: names only,
  never an ID number, phone or photo, not even masked: `sees_personal_data`);
- county team: people posted in its counties (the host organisation lies in one of them), Haixi
  staff of its counties sent to training, and the people it registered itself;
- liaison: postings its organisation hosts or sends, and its own staff's training placements;
- aid staff: themself only (the Person linked to their user).

Who writes what is decided by the `can_*` functions; views answer 404 outside the read scope
and 403 when a `can_*` says no.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import (
    active,
    in_counties_q,
    is_headquarters,
    ladder,
    org_in_counties,
    reads_everything,
    records_programme_data,
)
from duikou.core.models import Organisation
from duikou.core.vocab import Side
from duikou.people.models import (
    Achievement,
    AvailabilityWindow,
    Person,
    Posting,
    TrainingPlacement,
)


def sees_personal_data(user: User) -> bool:
    """May this user see ID numbers and phones at all (masked)? Not the viewer."""
    return active(user) and user.role != Role.VIEWER


def can_reveal(user: User) -> bool:
    """May this user see an unmasked ID number or phone (with a reason, logged)?"""
    return is_headquarters(user)


def _own(user: User) -> Q:
    return Q(person__user=user)


def own_person(user: User) -> Person | None:
    if not active(user):
        return None
    return Person.objects.filter(user=user).select_related("employer").first()


# Read scopes ---------------------------------------------------------------------------------


def postings_for_user(user: User) -> QuerySet[Posting]:
    qs = Posting.objects.select_related(
        "person",
        "batch",
        "sending_org",
        "host_org",
        "host_org__division",
        "host_department",
        "pairing_city",
    )
    return ladder(
        user,
        qs,
        county=lambda u: in_counties_q(u, "host_org"),
        liaison=lambda org: Q(host_org=org) | Q(sending_org=org),
        aid_staff=_own,
    )


def trainings_for_user(user: User) -> QuerySet[TrainingPlacement]:
    qs = TrainingPlacement.objects.select_related(
        "person", "home_org", "home_org__division", "host_org"
    )
    return ladder(
        user,
        qs,
        county=lambda u: in_counties_q(u, "home_org"),
        liaison=lambda org: Q(home_org=org) | Q(host_org=org),
        aid_staff=_own,
    )


def people_for_user(user: User) -> QuerySet[Person]:
    qs = Person.objects.select_related("employer", "employer__division")

    def placed(user: User) -> Q:
        posted = postings_for_user(user).order_by().values("person")
        trained = trainings_for_user(user).order_by().values("person")
        return Q(pk__in=posted) | Q(pk__in=trained)

    return ladder(
        user,
        qs,
        county=lambda u: placed(u) | Q(created_by=u),
        liaison=lambda _org: placed(user),
        aid_staff=lambda u: Q(user=u),
    )


def achievements_for_user(user: User) -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related(
        "person", "posting", "host_org", "verified_by", "recorded_by"
    )
    return ladder(
        user,
        qs,
        county=lambda u: in_counties_q(u, "host_org"),
        liaison=lambda org: Q(host_org=org) | Q(posting__sending_org=org),
        aid_staff=_own,
    )


def availability_for_user(user: User) -> QuerySet[AvailabilityWindow]:
    """Availability is read by the headquarters (the planner) and by the person themself."""
    qs = AvailabilityWindow.objects.select_related("person")
    if reads_everything(user):
        return qs
    return qs.filter(_own(user)) if active(user) else qs.none()


# Writes --------------------------------------------------------------------------------------


def can_create_person(user: User) -> bool:
    return records_programme_data(user)


def can_edit_person(user: User, person: Person) -> bool:
    if not active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return people_for_user(user).filter(pk=person.pk).exists()
    return False


def host_orgs_for_posting(user: User) -> QuerySet[Organisation]:
    """Haixi organisations where this user may record a posting."""
    qs = Organisation.objects.filter(side=Side.AIDED).select_related("division")
    return ladder(user, qs, county=in_counties_q, everything=frozenset({Role.HEADQUARTERS}))


def can_create_posting(user: User) -> bool:
    return records_programme_data(user)


def can_edit_posting(user: User, posting: Posting) -> bool:
    if not active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return org_in_counties(user, posting.host_org)
    return False


def can_host_posting_at(user: User, org: Organisation) -> bool:
    if user.role == Role.HEADQUARTERS:
        return True
    return user.role == Role.COUNTY_TEAM and org_in_counties(user, org)


def can_manage_batches(user: User) -> bool:
    return is_headquarters(user)


def recordable_postings(user: User) -> QuerySet[Posting]:
    """Postings this user may record achievements for: the person themself, the host's
    liaison, the county team of the host county, and the headquarters."""
    qs = postings_for_user(user)
    if not active(user) or user.role == Role.VIEWER:
        return qs.none()
    if user.role == Role.LIAISON:
        return qs.filter(host_org=user.organisation_id)
    return qs


def can_record_achievement(user: User, posting: Posting) -> bool:
    return recordable_postings(user).filter(pk=posting.pk).exists()


def can_verify_achievement(user: User) -> bool:
    return is_headquarters(user)


def training_home_orgs(user: User) -> QuerySet[Organisation]:
    """Haixi organisations whose staff this user may place in training."""
    return host_orgs_for_posting(user)


def can_manage_trainings(user: User) -> bool:
    return records_programme_data(user)


def can_edit_training(user: User, training: TrainingPlacement) -> bool:
    if not active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    return user.role == Role.COUNTY_TEAM and org_in_counties(user, training.home_org)


def can_edit_availability(user: User, person: Person) -> bool:
    """The person themself declares availability; the headquarters may correct it."""
    if not active(user):
        return False
    return user.role == Role.HEADQUARTERS or (
        person.user_id is not None and person.user_id == user.pk
    )


def can_read_access_log(user: User) -> bool:
    return is_headquarters(user)
