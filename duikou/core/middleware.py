"""`Cache-Control: no-store` on every response to a signed-in user.

Every page and download behind the sign-in is cut to the user's scope, many carry personal data
(people, postings, trainings, achievements, the access log, /me/) and every export does; a
shared or browser cache must keep none of them. Marking them all is simpler and safer than a
list of URL names that a new view could miss. Static files (served before this runs by
WhiteNoise) and the sign-in page keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
