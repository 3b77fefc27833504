"""/healthz: is this web process able to serve, and is some worker taking tasks?

Open without signing in (a load balancer or a monitor asks it), GET only, JSON, never cached.
It names no host, worker or record: the database's state, the workers' state and the age of
the freshest worker beat in whole seconds. 200 when both are ok, 503 otherwise.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from duikou.core.ops import beat

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict[str, object] = {"database": "ok", "worker": "ok", "worker_age_s": None}
    try:
        age = beat.last_beat_age()  # one indexed aggregate: the database check too
    except DatabaseError as exc:
        log.warning("healthz: database unreachable: %s", type(exc).__name__)
        body.update(database="error", worker="unknown")
    else:
        body["worker_age_s"] = None if age is None else int(age)
        if age is None or age > beat.stale_seconds():
            body["worker"] = "stale"
    healthy = body["database"] == "ok" and body["worker"] == "ok"
    body["status"] = "ok" if healthy else "error"
    response = JsonResponse(body, status=200 if healthy else 503)
    # A monitor asking every few seconds while a worker is down would fill the error log with
    # "Service Unavailable: /healthz" (django.request): the answer itself says it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
