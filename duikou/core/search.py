"""The top bar's search: a registry of kinds, each searched by the app that owns it.

Each ledger registers its kinds in its AppConfig.ready() (as it registers its sheets), with a
function that searches the user's own scope (its `*_for_user` queryset), so the search shows
nobody a record their lists would not. The registry knows no ledger.

People are found by name only, never by an ID number or a phone: those are found by the
people list's POST-only exact lookup, and a query string carrying one is refused before any
view (core.middleware.PersonalDataInQueryMiddleware).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from duikou.accounts.models import User

MIN_LENGTH = 2
MAX_LENGTH = 50
PER_KIND = 8


@dataclass(frozen=True)
class Hit:
    """One record found: what the result list shows and where it leads."""

    label: str
    subtitle: str
    url: str


# find(user, query, limit) → at most `limit` hits in the user's scope.
Finder = Callable[[User, str, int], list[Hit]]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # lazily translated
    find: Finder
    more_url: str = ""  # a URL name of the kind's list, which filters by `q`
    order: int = 100

    def more(self, query: str) -> str:
        if not self.more_url:
            return ""
        return reverse(self.more_url) + "?" + urlencode({"q": query})


@dataclass(frozen=True)
class Group:
    kind: Kind
    hits: list[Hit]
    more: str  # the list filtered by the query, when there are more hits than shown


_kinds: dict[str, Kind] = {}


def register(key: str, *, label, find: Finder, more_url: str = "", order: int = 100) -> None:
    """Add (or replace, as a reloaded app does) a kind of record to search."""
    _kinds[key] = Kind(key=key, label=label, find=find, more_url=more_url, order=order)


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def clean(query: str) -> str:
    """The query as searched: one line, spaces collapsed, at most MAX_LENGTH characters."""
    return " ".join(query.split())[:MAX_LENGTH]


def search(user: User, query: str, *, per_kind: int = PER_KIND) -> list[Group]:
    """Each kind's hits for the query, in the user's scope; kinds without a hit are left out."""
    query = clean(query)
    if len(query) < MIN_LENGTH or not user.is_authenticated or not user.is_active:
        return []
    groups = []
    for kind in kinds():
        hits = kind.find(user, query, per_kind + 1)
        if hits:
            more = kind.more(query) if len(hits) > per_kind else ""
            groups.append(Group(kind=kind, hits=hits[:per_kind], more=more))
    return groups


def joined(*parts: object) -> str:
    """A subtitle of the non-empty parts, separated by a middle dot."""
    return " · ".join(str(p) for p in parts if p not in (None, ""))
