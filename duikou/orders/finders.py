"""Demands in the top bar's search (core.search): by summary, skill or organisation."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import User
from duikou.core import search
from duikou.orders import scopes


def find_demands(user: User, query: str, limit: int) -> list[search.Hit]:
    qs = scopes.demands_for_user(user).filter(
        Q(title__icontains=query)
        | Q(skill__icontains=query)
        | Q(organisation__name__icontains=query)
        | Q(organisation__short_name__icontains=query)
    )
    return [
        search.Hit(
            label=d.title or d.skill,
            subtitle=search.joined(
                d.organisation.short_name or d.organisation.name,
                d.skill if d.title else "",
                d.get_service_kind_display(),
                d.get_status_display(),
            ),
            url=reverse("orders:demand_detail", args=[d.pk]),
        )
        for d in qs.order_by("-posted_at", "-pk")[:limit]
    ]


def register() -> None:
    search.register(
        "demands",
        label=_("服务需求"),
        find=find_demands,
        more_url="orders:demand_list",
        order=40,
    )
