"""Reads of the reports and the public portal go to a read replica, when one is configured.

DUIKOU_REPLICA_URL (settings) adds the database alias "replica". ReplicaReadsMiddleware marks
the GET requests of the pages that only read figures (the dashboard, the statistics, the
year-end summary and workbook downloads, the screen, the public portal); inside them
`ReplicaRouter.db_for_read` sends the ledgers' reads to the replica. Everything else reads the
primary: other pages (an edit form must see its own writes; the stale-edit guard reads the
version), the sign-in's tables (sessions, users, lockouts, tokens: a session just written must
be found), the tasks and the heartbeat. Writes always go to the primary. Without the alias
the router answers None: one database.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
#: the pages that only read figures: their GET requests read from the replica (every page of the
#: public portal, and these of the reports; not the summary's edit form nor its progress, which
#: must see what was just written)
REPLICA_NAMESPACES = frozenset({"public"})
REPLICA_VIEWS = frozenset(
    {
        "reports:dashboard",
        "reports:funds",
        "reports:order_stats",
        "reports:sales_stats",
        "reports:screen",
        "reports:screen_data",
        "reports:summary",
        "reports:summary_download",
        "reports:workbook_download",
        "reports:iati_download",
    }
)
#: apps whose tables are always read from the primary
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "django_tasks_db",
        "ops",
        "otp_totp",
        "otp_static",
        "django_otp",
        "sessions",
        "api",
    }
)

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "duikou_use_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class reading_replica:
    """Context manager: reads inside go to the replica (when configured). For reports and
    scripts that read only, e.g. `with reading_replica(): figures.compute(year)`."""

    def __enter__(self) -> None:
        self._token = _use_replica.set(True)

    def __exit__(self, *exc: object) -> None:
        _use_replica.reset(self._token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _use_replica.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and replica_configured()
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects from either relate freely.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica receives the primary's schema by replication


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _use_replica.set(False)  # process_view turns it on for the reports' pages
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and (match.namespace in REPLICA_NAMESPACES or match.view_name in REPLICA_VIEWS)
            and replica_configured()
        ):
            _use_replica.set(True)
        return None
