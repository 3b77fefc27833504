"""Which consumption records a published (locked) year covers (duikou.core.locks): sales in
their month or day, yearly targets in their year, and channels in the years at whose end they
are open (the `outlets` figure: opened by 31 December, not closed by then)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Any

from django.db.models import Q

from duikou.consumption.models import Channel, Sale, SalesTarget
from duikou.core import locks


def _open_at_end(channel: Any, year: int) -> bool:
    end = dt.date(year, 12, 31)
    opened, closed = channel.opened_on, channel.closed_on
    return (opened is None or opened <= end) and (closed is None or closed > end)


def _channel_years(channel: Any, locked: frozenset[int]) -> set[int]:
    return {year for year in locked if _open_at_end(channel, year)}


def _channel_q(locked: frozenset[int]) -> Q:
    return functools.reduce(
        operator.or_,
        (
            (Q(opened_on__isnull=True) | Q(opened_on__lte=dt.date(y, 12, 31)))
            & (Q(closed_on__isnull=True) | Q(closed_on__gt=dt.date(y, 12, 31)))
            for y in sorted(locked)
        ),
    )


def register() -> None:
    locks.dated(Sale, "date")
    locks.yearly(SalesTarget, "year")
    locks.register(
        Channel,
        years=_channel_years,
        q=_channel_q,
        ignore={"note", "operator_id"},
        period={"opened_on", "closed_on"},
    )
