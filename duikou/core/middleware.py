"""Middleware of the platform's web hardening: personal data never rides in a query string;
a Permissions-Policy header on every response."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from duikou.lib.masking import ID_LIKE, MOBILE_LIKE

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
