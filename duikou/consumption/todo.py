"""Consumption's to-do (duikou.notices.todo): channels open last month with no sale recorded
for it — for headquarters every channel, for a shop's liaison the channels it operates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import Role, User
from duikou.accounts.scopes import has_role, is_headquarters
from duikou.consumption import scopes
from duikou.consumption.models import Sale
from duikou.notices.todo import SHOWN, Record, Todo


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def silent_channels(user: User, today: dt.date):
    """The user's entry channels open during last month without a sale dated in it."""
    first, last = last_month(today)
    sold = Sale.objects.filter(channel=OuterRef("pk"), date__gte=first, date__lte=last)
    return (
        scopes.entry_channels(user)
        .filter(Q(opened_on=None) | Q(opened_on__lte=last))
        .filter(Q(closed_on=None) | Q(closed_on__gte=first))
        .filter(~Q(Exists(sold)))
        .order_by("name", "pk")
    )


def provider(user: User) -> list[Todo]:
    if not (is_headquarters(user) or has_role(user, Role.LIAISON)):
        return []
    today = timezone.localdate()
    qs = silent_channels(user, today)
    count = qs.count()
    if not count:
        return []
    first, _last = last_month(today)
    month = f"{first:%Y-%m}"
    return [
        Todo(
            group=_("消费帮扶"),
            title=_("%(month)s 未报送销售的渠道") % {"month": month},
            count=count,
            url=reverse("consumption:sale_create")
            if user.role == Role.LIAISON
            else reverse("consumption:channel_list"),
            records=[Record(label=c.name, url=c.get_absolute_url()) for c in qs[:SHOWN]],
            help=_("请录入上月销售额（没有销售也请录入 0）"),
        )
    ]
