"""The one source of every headline figure (figures.md). Dashboard, CLI, reports and API call it.

Each part is computed from records. Given a user, every part is computed over that user's
data scope only; without one (the CLI, the year-end summary) over the whole programme.
A part whose module is not built yet is left out, never faked.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, QuerySet
from django.utils import timezone

from duikou.accounts import scopes
from duikou.accounts.models import User
from duikou.core.models import Division, Organisation, Pairing
from duikou.core.vocab import OrgKind, PairingKind, Side


def _pairings(user: User | None) -> QuerySet[Pairing]:
    return scopes.pairings_for_user(user) if user is not None else Pairing.objects.all()


def _organisations(user: User | None) -> QuerySet[Organisation]:
    return scopes.organisations_for_user(user) if user is not None else Organisation.objects.all()


def _count_by(qs: QuerySet, field: str) -> Counter:
    return Counter(
        {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("pk"))}
    )


def _ordered(counter: Counter, vocabulary) -> dict[str, int]:
    """Counts in the vocabulary's own order, leaving out zeros."""
    return {c.value: counter[c.value] for c in vocabulary if counter.get(c.value)}


def pairings(year: int, user: User | None = None) -> dict:
    """Pairings whose period overlaps the year, by 结对类型 and by Haixi county-level unit."""
    qs = _pairings(user).overlapping_year(year)
    by_kind = _count_by(qs, "kind")
    # Haixi organisations sit in a county-level unit or at prefecture level (州本级).
    by_division = _count_by(qs, "haixi_org__division__code")
    names = dict(Division.objects.filter(code__in=by_division).values_list("code", "short_name"))
    return {
        "count": sum(by_kind.values()),
        "by_kind": _ordered(by_kind, PairingKind),
        "by_division": {names.get(code, code): n for code, n in sorted(by_division.items())},
    }


def organisations(user: User | None = None) -> dict:
    """Organisations in the registry now, by side and kind (the registry has no year)."""
    qs = _organisations(user)
    by_side = _count_by(qs, "side")
    by_kind = _count_by(qs, "kind")
    return {
        "count": sum(by_side.values()),
        "by_side": _ordered(by_side, Side),
        "by_kind": _ordered(by_kind, OrgKind),
    }


def compute(year: int, user: User | None = None) -> dict:
    """All figures of a year, in the figures.md contract (plus our own additions)."""
    return {
        "year": year,
        "pairings": pairings(year, user),
        "organisations": organisations(user),
    }


def current_year() -> int:
    return timezone.localdate().year
