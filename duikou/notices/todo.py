"""The to-do registry (待办): each ledger says, for a user, what waits for them.

A ledger registers a provider from its `AppConfig.ready()`, as it registers its sheets:

    from duikou.notices import todo
    todo.register("orders", providers.todo)

A provider takes the signed-in user and returns `Todo` items (an empty list when the role has
nothing there); it reads only the user's scoped querysets, so a to-do never names a record the
user may not open. The 待办 page groups the items; the top bar shows their total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache

from duikou.accounts.models import User


@dataclass(frozen=True)
class Record:
    """One record behind a to-do: its label and where it opens."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Todo:
    """What waits for the user: a title, how many, where the list is, the first few records."""

    group: str
    title: str
    count: int
    url: str
    records: list[Record] = field(default_factory=list)
    help: str = ""


Provider = Callable[[User], list[Todo]]
#: how many records a to-do lists on the page (the link opens the full list)
SHOWN = 5

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def collect(user: User) -> list[Todo]:
    """Every to-do of the user with something in it, provider by provider (registration order)."""
    if not (user.is_authenticated and user.is_active):
        return []
    items: list[Todo] = []
    for provider in _providers.values():
        items.extend(t for t in provider(user) if t.count > 0)
    return items


def total(items: list[Todo]) -> int:
    return sum(t.count for t in items)


#: how long the top bar's count may lag behind the records (s); the 待办 page is always fresh
TOTAL_TTL = 60


def _total_key(user: User | int) -> str:
    return f"duikou:todo-total:{user if isinstance(user, int) else user.pk}"


def cached_total(user: User) -> int:
    """The top bar's count: the total of `collect`, kept in the shared cache for TOTAL_TTL.

    Every page fetches the count after it loads, and counting runs every provider (a dozen
    queries); a user's count is computed at most once a minute, and at once after the 待办
    page (which computes it anyway) or `forget_total`.
    """
    key = _total_key(user)
    value = cache.get(key)
    if value is None:
        value = total(collect(user))
        cache.set(key, value, TOTAL_TTL)
    return int(value)


def remember_total(user: User, value: int) -> None:
    cache.set(_total_key(user), value, TOTAL_TTL)


def forget_total(user: User | int) -> None:
    """Count the user's (or user id's) to-dos afresh at the next top bar."""
    cache.delete(_total_key(user))
