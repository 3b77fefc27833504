"""Sales channels in the top bar's search (core.search): by name, in the user's scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import User
from duikou.consumption import scopes
from duikou.core import search


def find_channels(user: User, query: str, limit: int) -> list[search.Hit]:
    qs = scopes.channels_for_user(user).filter(name__icontains=query)
    return [
        search.Hit(
            label=channel.name,
            subtitle=search.joined(
                channel.get_kind_display(),
                channel.city.name if channel.city_id else "",
                channel.operator.name if channel.operator_id else "",
            ),
            url=channel.get_absolute_url(),
        )
        for channel in qs.order_by("name", "pk")[:limit]
    ]


def register() -> None:
    search.register(
        "channels",
        label=_("销售渠道"),
        find=find_channels,
        more_url="consumption:channel_list",
        order=60,
    )
