"""Data scopes of projects and money flows, on the ladder of duikou.accounts.scopes.

Who reads what: headquarters and viewer every project; a county team the projects placed in its
counties; a liaison the projects its organisation implements; aid staff none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import active, county_ids, ladder, records_programme_data
from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel
from duikou.projects.models import MoneyFlow, Project


def projects_for_user(user: User) -> QuerySet[Project]:
    qs = Project.objects.select_related("county", "implementer", "pairing_city")
    return ladder(
        user,
        qs,
        county=lambda u: Q(county__in=county_ids(u)),
        liaison=lambda org: Q(implementer=org),
    )


def flows_for_user(user: User) -> QuerySet[MoneyFlow]:
    return MoneyFlow.objects.filter(project__in=projects_for_user(user).values("pk"))


def can_create_project(user: User) -> bool:
    return records_programme_data(user)


def can_publish_project(user: User) -> bool:
    """Whether a project is on the public portal (公开) is headquarters' decision."""
    return active(user) and user.role == Role.HEADQUARTERS


def can_edit_project(user: User, project: Project) -> bool:
    """Edit the record, record flows and transitions (headquarters-only ones are checked apart)."""
    if not active(user):
        return False
    if user.role == Role.HEADQUARTERS:
        return True
    if user.role == Role.COUNTY_TEAM:
        return project.county_id in county_ids(user)
    return False


def can_report_progress(user: User, project: Project) -> bool:
    if can_edit_project(user, project):
        return True
    return (
        active(user)
        and user.role == Role.LIAISON
        and user.organisation_id is not None
        and project.implementer_id == user.organisation_id
    )


def project_counties(user: User) -> QuerySet[Division]:
    """Where this user may place a project."""
    qs = Division.objects.filter(level=DivisionLevel.COUNTY)
    if not active(user):
        return qs.none()
    if user.role == Role.HEADQUARTERS:
        return qs
    if user.role == Role.COUNTY_TEAM:
        return qs.filter(pk__in=county_ids(user))
    return qs.none()
