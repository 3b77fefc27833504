"""Who is told: the users behind an organisation, a county, a person, the headquarters.

Recipients are chosen by the same scopes that decide what each user reads: the liaison of the
organisation, the county team of the county, headquarters. A deactivated account is told
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from duikou.accounts.models import Role, User


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def liaisons_of(organisation_id: int | None) -> QuerySet[User]:
    """The liaisons (单位联络员) of an organisation."""
    if organisation_id is None:
        return User.objects.none()
    return _active().filter(role=Role.LIAISON, organisation_id=organisation_id)


def county_teams_of(division) -> QuerySet[User]:
    """The county teams (前方工作组) whose counties hold `division` (a county or a town)."""
    if division is None:
        return User.objects.none()
    ids = {division.pk}
    if getattr(division, "parent_id", None):
        ids.add(division.parent_id)
    return _active().filter(role=Role.COUNTY_TEAM, counties__in=ids).distinct()


def headquarters() -> QuerySet[User]:
    return _active().filter(role=Role.HEADQUARTERS)


def users(*groups: Iterable[User | None], exclude: User | None = None) -> list[User]:
    """The distinct active users of the groups (a None or inactive member is dropped), without
    `exclude` (the actor: nobody is told of what they did themself)."""
    seen: dict[int, User] = {}
    for group in groups:
        for user in group:
            if user is None or not user.is_active or user.pk in seen:
                continue
            if exclude is not None and user.pk == exclude.pk:
                continue
            seen[user.pk] = user
    return list(seen.values())
