"""The scope ladder: the one mechanism that filters every queryset by the signed-in user's role.

Each app keeps its own `*_for_user` querysets and `can_*` checks in its `scopes.py` (core:
organisations and pairings; projects; people; orders; …), and every one of them climbs the same
ladder here:

- headquarters and viewer read everything (`reads_everything`);
- a county team reads what lies in its counties (`in_counties_q`);
- a liaison reads what belongs to its organisation;
- aid staff read what is theirs;
- anyone else (signed out, deactivated, no role) reads nothing.

A record outside the scope is simply not in the queryset, so views answer 404 for it; what a
user may change is decided by the `can_*` functions, and views answer 403 when they say no.
Roles are compared through `Role` and the helpers below, never as string literals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from duikou.accounts.models import Role, User

M = TypeVar("M", bound=Model)

FULL_READ_ROLES = frozenset({Role.HEADQUARTERS, Role.VIEWER})
#: roles that record programme data (projects, organisations, pairings, postings, imports)
WRITER_ROLES = frozenset({Role.HEADQUARTERS, Role.COUNTY_TEAM})

UserRule = Callable[[User], Q]
OrgRule = Callable[[int], Q]


def active(user: User) -> bool:
    """Signed in and not deactivated."""
    return bool(user.is_authenticated and user.is_active)


def has_role(user: User, *roles: str) -> bool:
    """An active user with one of `roles`."""
    return active(user) and user.role in roles


def is_headquarters(user: User) -> bool:
    return has_role(user, Role.HEADQUARTERS)


def reads_everything(user: User) -> bool:
    """Headquarters and viewers read every record (the viewer without personal data)."""
    return active(user) and user.role in FULL_READ_ROLES


def records_programme_data(user: User) -> bool:
    """Headquarters and county teams: create projects, organisations, pairings, postings."""
    return active(user) and user.role in WRITER_ROLES


def ladder(
    user: User,
    qs: QuerySet[M],
    *,
    county: UserRule | None = None,
    liaison: OrgRule | None = None,
    aid_staff: UserRule | None = None,
    everything: frozenset[str] = FULL_READ_ROLES,
) -> QuerySet[M]:
    """`qs` narrowed to what `user` may read.

    The roles in `everything` read all of it; a county team reads `county(user)`, a liaison
    `liaison(its organisation's id)`, aid staff `aid_staff(user)`. A rung left out (None) reads
    nothing, as does a liaison without an organisation.
    """
    if not active(user):
        return qs.none()
    if user.role in everything:
        return qs
    if user.role == Role.COUNTY_TEAM and county is not None:
        return qs.filter(county(user))
    if user.role == Role.LIAISON and liaison is not None and user.organisation_id:
        return qs.filter(liaison(user.organisation_id))
    if user.role == Role.AID_STAFF and aid_staff is not None:
        return qs.filter(aid_staff(user))
    return qs.none()


def county_ids(user: User) -> set[int]:
    return set(user.counties.values_list("pk", flat=True))


def paired_city_ids(user: User) -> set[int]:
    """The Zhejiang cities paired with the user's counties."""
    return set(user.counties.exclude(paired_city=None).values_list("paired_city_id", flat=True))


def in_counties_q(user: User, field: str = "") -> Q:
    """Records whose organisation (`field`, e.g. "host_org"; "" for an Organisation itself)
    lies in one of the user's counties or in a town of one."""
    ids = county_ids(user)
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}division__in": ids}) | Q(**{f"{prefix}division__parent__in": ids})


def org_in_counties(user: User, org) -> bool:
    """Does the organisation lie in one of the user's counties (or a town of one)?"""
    ids = county_ids(user)
    return org.division_id in ids or org.division.parent_id in ids
