"""Deals in the top bar's search (core.search): by name or enterprise, in the user's scope."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import User
from duikou.core import search
from duikou.investment import scopes


def find_deals(user: User, query: str, limit: int) -> list[search.Hit]:
    qs = scopes.deals_for_user(user).filter(
        Q(name__icontains=query)
        | Q(enterprise__organisation__name__icontains=query)
        | Q(enterprise__organisation__short_name__icontains=query)
    )
    return [
        search.Hit(
            label=deal.name,
            subtitle=search.joined(
                deal.enterprise.organisation.name,
                deal.county.name if deal.county_id else "",
                deal.get_stage_display(),
            ),
            url=deal.get_absolute_url(),
        )
        for deal in qs.order_by("name", "pk")[:limit]
    ]


def register() -> None:
    search.register(
        "deals",
        label=_("招商项目"),
        find=find_deals,
        more_url="investment:deal_list",
        order=50,
    )
