"""The one safe-redirect helper: every view that follows a `next` parameter goes through it.

A `next` that points off-site (`https://evil.example`, `//evil.example`), uses another scheme
(`javascript:`), or drops to http on an https request is ignored and the default is used
(OWASP ASVS 5.1.5). It lives here, at the bottom of the apps, so the sign-in view can use it as
well as every ledger's views.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str, *, field: str = "next") -> str:
    """The `next` of the POST (else the query string) if it stays on this site, else `default`
    (a URL or a URL name, as for `redirect`)."""
    candidate = request.POST.get(field) or request.GET.get(field) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return resolve_url(default) if default else ""
