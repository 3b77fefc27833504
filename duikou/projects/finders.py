"""Projects in the top bar's search (core.search): by name or number, in the user's scope."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import User
from duikou.core import search
from duikou.projects import scopes


def find_projects(user: User, query: str, limit: int) -> list[search.Hit]:
    qs = scopes.projects_for_user(user).filter(Q(name__icontains=query) | Q(code__icontains=query))
    return [
        search.Hit(
            label=p.name,
            subtitle=search.joined(p.code, p.year, p.county.name, p.get_status_display()),
            url=p.get_absolute_url(),
        )
        for p in qs.order_by("-year", "code")[:limit]
    ]


def register() -> None:
    search.register(
        "projects",
        label=_("项目"),
        find=find_projects,
        more_url="projects:project_list",
        order=20,
    )
