"""Middleware of the platform: faults of its surroundings turned into clean pages, and no
caching of anything behind the sign-in."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A lost database connection (PostgreSQL restarted, the server gone) answers 503 with a
    Chinese page instead of a 500. Django drops the broken connection at the end of the
    request (and CONN_HEALTH_CHECKS checks a reused one first), so the next request connects
    afresh: the platform recovers without a restart."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # The driver's message names the server, never the data; no traceback needed.
        log.error("database unavailable: %s: %s", type(exception).__name__, exception)
        # Drop the broken connection now (Django would at the end of the request, but only
        # outside a transaction and only through the request_finished signal).
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                try:
                    conn.close_if_unusable_or_obsolete()
                except (OperationalError, InterfaceError):
                    pass
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        response["Cache-Control"] = "no-store"
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Every page and download behind the sign-in is cut to the user's scope, many carry personal
    data (people, postings, trainings, achievements, the access log, /me/) and every export does;
    a shared or browser cache must keep none of them. Marking them all is simpler and safer than
    a list of URL names that a new view could miss. Static files (served before this runs by
    WhiteNoise) and the sign-in page keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
