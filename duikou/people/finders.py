"""People in the top bar's search (core.search): by name only, in the user's scope.

Never by an ID number or a phone (the people list's POST-only exact lookup finds those), and a
hit shows no personal data to anyone: the name, the employer and the specialty.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import User
from duikou.core import search
from duikou.people import scopes


def find_people(user: User, query: str, limit: int) -> list[search.Hit]:
    qs = scopes.people_for_user(user).filter(name__icontains=query)
    return [
        search.Hit(
            label=person.name,
            subtitle=search.joined(
                person.employer.short_name or person.employer.name, person.specialty
            ),
            url=person.get_absolute_url(),
        )
        for person in qs.order_by("name", "pk")[:limit]
    ]


def register() -> None:
    search.register(
        "people",
        label=_("干部人才"),
        find=find_people,
        more_url="people:person_list",
        order=30,
    )
