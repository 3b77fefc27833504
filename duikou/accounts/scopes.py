"""Data scopes: the one mechanism that filters every queryset by the signed-in user's role.

Every view, export, figure and API endpoint starts from one of the `*_for_user` querysets here.
A record outside the scope is simply not in the queryset, so views answer 404 for it; what a
user may change is decided by the `can_*` functions, and views answer 403 when they say no.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.core.models import Department, Division, Organisation, Pairing
from duikou.core.vocab import Side

FULL_READ_ROLES = {Role.HEADQUARTERS, Role.VIEWER}


def county_ids(user: User) -> set[int]:
    return set(user.counties.values_list("pk", flat=True))


def in_counties_q(user: User, field: str = "") -> Q:
    """Records whose organisation (`field`, e.g. "host_org"; "" for an Organisation itself)
    lies in one of the user's counties or in a town of one."""
    ids = county_ids(user)
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}division__in": ids}) | Q(**{f"{prefix}division__parent__in": ids})


def _paired_city_ids(user: User) -> set[int]:
    return set(user.counties.exclude(paired_city=None).values_list("paired_city_id", flat=True))


def _county_pairing_q(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}haixi_org__division__in": county_ids(user)}) | Q(
        **{f"{prefix}haixi_org__division__parent__in": county_ids(user)}
    )


def pairings_for_user(user: User) -> QuerySet[Pairing]:
    qs = Pairing.objects.select_related(
        "zhejiang_org", "haixi_org", "haixi_department", "haixi_org__division"
    )
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(_county_pairing_q(user))
    if user.role in {Role.LIAISON, Role.AID_STAFF} and user.organisation_id:
        return qs.filter(Q(zhejiang_org=user.organisation_id) | Q(haixi_org=user.organisation_id))
    return qs.none()


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("division")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        counties = county_ids(user)
        paired = Pairing.objects.filter(_county_pairing_q(user)).values("zhejiang_org")
        return qs.filter(
            Q(division__in=counties)
            | Q(division__parent__in=counties)
            | Q(division__in=_paired_city_ids(user), side=Side.SUPPORTING)
            | Q(pk__in=paired)
        )
    if user.role in {Role.LIAISON, Role.AID_STAFF} and user.organisation_id:
        org = user.organisation_id
        partners = Pairing.objects.filter(Q(zhejiang_org=org) | Q(haixi_org=org))
        return qs.filter(
            Q(pk=org)
            | Q(pk__in=partners.values("zhejiang_org"))
            | Q(pk__in=partners.values("haixi_org"))
        )
    return qs.none()


def departments_for_user(user: User) -> QuerySet[Department]:
    return Department.objects.filter(organisation__in=organisations_for_user(user))


def divisions_for_user(user: User) -> QuerySet[Division]:
    """Divisions are public reference data: everyone signed in reads all of them."""
    if not user.is_authenticated:
        return Division.objects.none()
    return Division.objects.select_related("parent", "paired_city")


def editable_divisions(user: User) -> QuerySet[Division]:
    """Where this user may place an organisation."""
    if user.role == Role.HEADQUARTERS:
        return Division.objects.all()
    if user.role == Role.COUNTY_TEAM:
        ids = county_ids(user) | _paired_city_ids(user)
        return Division.objects.filter(Q(pk__in=ids) | Q(parent__in=ids))
    if user.role == Role.LIAISON and user.organisation_id:
        return Division.objects.filter(pk=user.organisation.division_id)
    return Division.objects.none()


def can_create_organisation(user: User) -> bool:
    return user.is_active and user.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}


def can_edit_organisation(user: User, org: Organisation) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return editable_divisions(user).filter(pk=org.division_id).exists()
    if user.role == Role.LIAISON:
        return org.pk == user.organisation_id
    return False


def can_create_pairing(user: User) -> bool:
    return user.is_active and user.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}


def can_edit_pairing(user: User, pairing: Pairing) -> bool:
    if not user.is_active:
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
    counties = county_ids(user)
    division = haixi_org.division
    return division.pk in counties or division.parent_id in counties


def haixi_orgs_for_pairing(user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(side=Side.AIDED).select_related("division")
    if user.role == Role.HEADQUARTERS:
        return qs
    counties = county_ids(user)
    return qs.filter(Q(division__in=counties) | Q(division__parent__in=counties))


def zhejiang_orgs_for_pairing(user: User) -> QuerySet[Organisation]:
    # Any Zhejiang organisation may support a county: provincial hospitals serve every county.
    return Organisation.objects.filter(side=Side.SUPPORTING).select_related("division")


# Projects ----------------------------------------------------------------------------------


def projects_for_user(user: User):
    from duikou.projects.models import Project

    qs = Project.objects.select_related("county", "implementer", "pairing_city")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in FULL_READ_ROLES:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(county__in=county_ids(user))
    if user.role == Role.LIAISON and user.organisation_id:
        return qs.filter(implementer=user.organisation_id)
    return qs.none()


def flows_for_user(user: User):
    from duikou.projects.models import MoneyFlow

    return MoneyFlow.objects.filter(project__in=projects_for_user(user).values("pk"))


def can_create_project(user: User) -> bool:
    return user.is_active and user.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}


def can_edit_project(user: User, project) -> bool:
    """Edit the record, record flows and transitions (headquarters-only ones are checked apart)."""
    if not user.is_active:
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return project.county_id in county_ids(user)
    return False


def can_report_progress(user: User, project) -> bool:
    if can_edit_project(user, project):
        return True
    return (
        user.is_active
        and user.role == Role.LIAISON
        and user.organisation_id is not None
        and project.implementer_id == user.organisation_id
    )


def project_counties(user: User) -> QuerySet[Division]:
    """Where this user may place a project."""
    from duikou.core.vocab import DivisionLevel

    qs = Division.objects.filter(level=DivisionLevel.COUNTY)
    if user.role == Role.HEADQUARTERS:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(pk__in=county_ids(user))
    return qs.none()
