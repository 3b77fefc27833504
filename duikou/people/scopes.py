"""Data scopes of the people module, on the pattern of duikou.accounts.scopes.

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
from duikou.accounts.scopes import FULL_READ_ROLES, county_ids, in_counties_q
from duikou.core.models import Organisation
from duikou.core.vocab import Side
from duikou.people.models import (
    Achievement,
    AvailabilityWindow,
    Person,
    Posting,
    TrainingPlacement,
)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def sees_personal_data(user: User) -> bool:
    """May this user see ID numbers and phones at all (masked)? Not the viewer."""
    return _active(user) and user.role != Role.VIEWER


def can_reveal(user: User) -> bool:
    """May this user see an unmasked ID number or phone (with a reason, logged)?"""
    return _active(user) and user.role == Role.HEADQUARTERS


def own_person(user: User) -> Person | None:
    if not _active(user):
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
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user, "host_org"))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(Q(host_org=user.organisation_id) | Q(sending_org=user.organisation_id))
    if user.role == Role.AID_STAFF:
        return qs.filter(person__user=user)
    return qs.none()


def trainings_for_user(user: User) -> QuerySet[TrainingPlacement]:
    qs = TrainingPlacement.objects.select_related(
        "person", "home_org", "home_org__division", "host_org"
    )
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user, "home_org"))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(Q(home_org=user.organisation_id) | Q(host_org=user.organisation_id))
    if user.role == Role.AID_STAFF:
        return qs.filter(person__user=user)
    return qs.none()


def people_for_user(user: User) -> QuerySet[Person]:
    qs = Person.objects.select_related("employer", "employer__division")
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.AID_STAFF:
        return qs.filter(user=user)
    if user.role in {Role.COUNTY_TEAM, Role.LIAISON}:
        posted = postings_for_user(user).order_by().values("person")
        trained = trainings_for_user(user).order_by().values("person")
        q = Q(pk__in=posted) | Q(pk__in=trained)
        if user.role == Role.COUNTY_TEAM:
            q |= Q(created_by=user)
        return qs.filter(q)
    return qs.none()


def achievements_for_user(user: User) -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related(
        "person", "posting", "host_org", "verified_by", "recorded_by"
    )
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user, "host_org"))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(
            Q(host_org=user.organisation_id) | Q(posting__sending_org=user.organisation_id)
        )
    if user.role == Role.AID_STAFF:
        return qs.filter(person__user=user)
    return qs.none()


def availability_for_user(user: User) -> QuerySet[AvailabilityWindow]:
    """Availability is read by the headquarters (the planner) and by the person themself."""
    qs = AvailabilityWindow.objects.select_related("person")
    if not _active(user):
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    return qs.filter(person__user=user)


# Writes --------------------------------------------------------------------------------------


def can_create_person(user: User) -> bool:
    return _active(user) and user.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}


def can_edit_person(user: User, person: Person) -> bool:
    if not _active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return people_for_user(user).filter(pk=person.pk).exists()
    return False


def host_orgs_for_posting(user: User) -> QuerySet[Organisation]:
    """Haixi organisations where this user may record a posting."""
    qs = Organisation.objects.filter(side=Side.AIDED).select_related("division")
    if not _active(user):
        return qs.none()
    if user.role == Role.HEADQUARTERS:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(in_counties_q(user, ""))
    return qs.none()


def _in_counties_org(user: User, org: Organisation) -> bool:
    ids = county_ids(user)
    return org.division_id in ids or org.division.parent_id in ids


def can_create_posting(user: User) -> bool:
    return _active(user) and user.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}


def can_edit_posting(user: User, posting: Posting) -> bool:
    if not _active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return _in_counties_org(user, posting.host_org)
    return False


def can_host_posting_at(user: User, org: Organisation) -> bool:
    if user.role == Role.HEADQUARTERS:
        return True
    return user.role == Role.COUNTY_TEAM and _in_counties_org(user, org)


def can_manage_batches(user: User) -> bool:
    return _active(user) and user.role == Role.HEADQUARTERS


def recordable_postings(user: User) -> QuerySet[Posting]:
    """Postings this user may record achievements for: the person themself, the host's
    liaison, the county team of the host county, and the headquarters."""
    qs = postings_for_user(user)
    if not _active(user) or user.role == Role.VIEWER:
        return qs.none()
    if user.role == Role.LIAISON:
        return qs.filter(host_org=user.organisation_id)
    return qs


def can_record_achievement(user: User, posting: Posting) -> bool:
    return recordable_postings(user).filter(pk=posting.pk).exists()


def can_verify_achievement(user: User) -> bool:
    return _active(user) and user.role == Role.HEADQUARTERS


def training_home_orgs(user: User) -> QuerySet[Organisation]:
    """Haixi organisations whose staff this user may place in training."""
    return host_orgs_for_posting(user)


def can_manage_trainings(user: User) -> bool:
    return _active(user) and user.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}


def can_edit_training(user: User, training: TrainingPlacement) -> bool:
    if not _active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    return user.role == Role.COUNTY_TEAM and _in_counties_org(user, training.home_org)


def can_edit_availability(user: User, person: Person) -> bool:
    """The person themself declares availability; the headquarters may correct it."""
    if not _active(user):
        return False
    return user.role == Role.HEADQUARTERS or (
        person.user_id is not None and person.user_id == user.pk
    )


def can_read_access_log(user: User) -> bool:
    return _active(user) and user.role == Role.HEADQUARTERS
