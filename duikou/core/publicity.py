"""The generation of what the public portal shows (/public/, duikou.reports.views_public).

The portal keeps its aggregates in the shared cache for a few minutes; their keys carry this
generation number. A change that must reach the public at once — a project published or taken
off the portal — calls `public_changed()`, and every cached portal page is rebuilt on its next
visit. (Amounts and counts may lag by the cache's minutes; a withdrawn project never does.)
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

KEY = "duikou:public:generation"


def generation() -> int:
    value = cache.get(KEY)
    if value is None:
        value = time.time_ns()
        cache.set(KEY, value, None)
    return int(value)


def public_changed() -> None:
    """Start a new generation when the current transaction commits."""
    transaction.on_commit(lambda: cache.set(KEY, time.time_ns(), None))
