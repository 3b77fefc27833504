"""Data scopes of the registry (organisations, departments, pairings, divisions), on the
ladder of duikou.accounts.scopes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import (
    active,
    county_ids,
    in_counties_q,
    ladder,
    org_in_counties,
    paired_city_ids,
    records_programme_data,
)
from duikou.core.models import Department, Division, Organisation, Pairing
from duikou.core.vocab import Side


def _county_pairing_q(user: User) -> Q:
    return in_counties_q(user, "haixi_org")


def _partner_q(org: int) -> Q:
    return Q(zhejiang_org=org) | Q(haixi_org=org)


def pairings_for_user(user: User) -> QuerySet[Pairing]:
    qs = Pairing.objects.select_related(
        "zhejiang_org", "haixi_org", "haixi_department", "haixi_org__division"
    )
    return ladder(user, qs, county=_county_pairing_q, liaison=_partner_q, aid_staff=_own_partners)


def _own_partners(user: User) -> Q:
    return _partner_q(user.organisation_id) if user.organisation_id else Q(pk__in=[])


def _county_orgs_q(user: User) -> Q:
    paired = Pairing.objects.filter(_county_pairing_q(user)).values("zhejiang_org")
    return (
        in_counties_q(user)
        | Q(division__in=paired_city_ids(user), side=Side.SUPPORTING)
        | Q(pk__in=paired)
    )


def _org_and_partners_q(org: int) -> Q:
    partners = Pairing.objects.filter(_partner_q(org))
    return (
        Q(pk=org)
        | Q(pk__in=partners.values("zhejiang_org"))
        | Q(pk__in=partners.values("haixi_org"))
    )


def _staff_org_q(user: User) -> Q:
    return _org_and_partners_q(user.organisation_id) if user.organisation_id else Q(pk__in=[])


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("division")
    return ladder(
        user, qs, county=_county_orgs_q, liaison=_org_and_partners_q, aid_staff=_staff_org_q
    )


def departments_for_user(user: User) -> QuerySet[Department]:
    return Department.objects.filter(organisation__in=organisations_for_user(user))


def divisions_for_user(user: User) -> QuerySet[Division]:
    """Divisions are public reference data: everyone signed in reads all of them."""
    if not user.is_authenticated:
        return Division.objects.none()
    return Division.objects.select_related("parent", "paired_city")


def editable_divisions(user: User) -> QuerySet[Division]:
    """Where this user may place an organisation."""
    if not active(user):
        return Division.objects.none()
    if user.role == Role.HEADQUARTERS:
        return Division.objects.all()
    if user.role == Role.COUNTY_TEAM:
        ids = county_ids(user) | paired_city_ids(user)
        return Division.objects.filter(Q(pk__in=ids) | Q(parent__in=ids))
    if user.role == Role.LIAISON and user.organisation_id:
        return Division.objects.filter(pk=user.organisation.division_id)
    return Division.objects.none()


def can_create_organisation(user: User) -> bool:
    return records_programme_data(user)


def can_edit_organisation(user: User, org: Organisation) -> bool:
    if not active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return editable_divisions(user).filter(pk=org.division_id).exists()
    if user.role == Role.LIAISON:
        return org.pk == user.organisation_id
    return False


def can_create_pairing(user: User) -> bool:
    return records_programme_data(user)


def can_edit_pairing(user: User, pairing: Pairing) -> bool:
    if not active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return pairing_in_county_scope(user, pairing.haixi_org)
    return False


def pairing_in_county_scope(user: User, haixi_org: Organisation) -> bool:
    """May a county team put this Haixi organisation into a pairing?"""
    if user.role == Role.HEADQUARTERS:
        return True
    return org_in_counties(user, haixi_org)


def haixi_orgs_for_pairing(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(side=Side.AIDED).select_related("division")
    if user.role == Role.HEADQUARTERS:
        return qs
    return qs.filter(in_counties_q(user))


def zhejiang_orgs_for_pairing(user: User) -> QuerySet[Organisation]:
    # Any Zhejiang organisation may support a county: provincial hospitals serve every county.
    return Organisation.objects.filter(side=Side.SUPPORTING).select_related("division")
