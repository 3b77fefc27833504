"""Middleware of the platform: faults of its surroundings turned into clean pages, no caching
of anything behind the sign-in, personal data never in a query string, a Permissions-Policy
header on every response."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable

from django.contrib import messages
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from duikou.lib.masking import ID_LIKE, MOBILE_LIKE

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[\s\u3000\-]")

# Browser features no page of the platform uses: denied to the pages and anything they embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def carries_personal_data(value: str) -> bool:
    """Is the value (spaces and dashes ignored) shaped like an ID number or a mobile number?"""
    compact = _SEPARATORS.sub("", value)
    return bool(ID_LIKE.search(compact) or MOBILE_LIKE.search(compact))


class PersonalDataInQueryMiddleware:
    """A GET whose query string carries an ID number or a mobile number is not served: the
    browser is sent to the same page without those parameters, with a message pointing to the
    POST lookup. The number stays out of the page, its links, the history and the pages'
    logs (the one access-log line of the refused request is masked by RedactPersonalData).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and request.GET:
            offending = [
                key
                for key, values in request.GET.lists()
                if any(carries_personal_data(v) for v in values)
            ]
            if offending:
                return self._refuse(request, offending)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, offending: list[str]) -> HttpResponse:
        params = request.GET.copy()
        for key in offending:
            del params[key]
        if hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "网址中不能含身份证号或手机号：按身份证号查找人员请用“按身份证号精确查找”，"
                    "号码不会出现在网址和日志中。"
                ),
            )
        # One leading slash: "//host/…" would be a protocol-relative redirect off-site.
        url = "/" + request.path.lstrip("/") + ("?" + params.urlencode() if params else "")
        return HttpResponseRedirect(url)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


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
        return database_unavailable(exception)


def database_unavailable(exception: Exception) -> HttpResponse:
    """The 503 page for a lost database, the broken connection dropped."""
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


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lost database met before any view ran (loading the session, the sign-in
    checks of the middleware) gets the same 503 page; anything else Django's 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(exception)
    return defaults.server_error(request)


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
