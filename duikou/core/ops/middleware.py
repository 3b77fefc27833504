"""The request log: one line per request on the `duikou.request` logger (JSON fields under
DUIKOU_LOG_FORMAT=json): method, path without its query string, status, duration and the user's
id — never a name, a query string, a form field or a header. /healthz and static files are not
logged (a monitor asking every few seconds would drown the rest)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("duikou.request")

QUIET_PATHS = ("/healthz",)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        path = request.path
        if path in QUIET_PATHS or path.startswith(self.static):
            return response
        duration = round((time.perf_counter() - started) * 1000, 1)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        # The path is the route as asked, without the query string (search words, filters).
        log.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            path,
            status,
            duration,
            extra={
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration,
                "user_id": user_id,
            },
        )
        return response
