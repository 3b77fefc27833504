"""The registry's kinds in the top bar's search (core.search): organisations."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import User
from duikou.core import scopes, search


def find_organisations(user: User, query: str, limit: int) -> list[search.Hit]:
    qs = scopes.organisations_for_user(user).filter(
        Q(name__icontains=query) | Q(short_name__icontains=query) | Q(credit_code=query)
    )
    return [
        search.Hit(
            label=org.name,
            subtitle=search.joined(
                org.short_name, org.get_side_display(), org.kind, org.division.name
            ),
            url=org.get_absolute_url(),
        )
        for org in qs.order_by("name", "pk")[:limit]
    ]


def register() -> None:
    search.register(
        "organisations",
        label=_("单位"),
        find=find_organisations,
        more_url="core:organisation_list",
        order=10,
    )
