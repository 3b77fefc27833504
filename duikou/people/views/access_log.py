"""The log of looks at unmasked personal data (AccessLog)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from duikou.core.viewutils import page_of
from duikou.people import scopes
from duikou.people.models import AccessLog


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    if not scopes.can_read_access_log(request.user):
        raise PermissionDenied
    qs = AccessLog.objects.select_related("person", "user")
    return render(
        request,
        "people/access_log.html",
        {"page": page_of(request, qs), "total": qs.count()},
    )
