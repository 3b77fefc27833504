"""使用帮助 pages (core.help): the index, with whom to ask, and one page per area."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from duikou.core import help as help_areas


@login_required
@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", {"areas": help_areas.AREAS})


@login_required
@require_GET
def help_area(request: HttpRequest, area: str) -> HttpResponse:
    found = help_areas.BY_SLUG.get(area)
    if found is None:
        raise Http404
    return render(request, found.template, {"area": found, "areas": help_areas.AREAS})
