"""The top bar's search page: every registered kind, in the user's scope (core.search)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from duikou.core import search


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = search.clean(request.GET.get("q", ""))
    groups = search.search(request.user, query) if len(query) >= search.MIN_LENGTH else []
    return render(
        request,
        "core/search.html",
        {
            "query": query,
            "too_short": len(query) < search.MIN_LENGTH,
            "groups": groups,
            "kinds_text": pgettext("list separator", "、").join(
                str(k.label) for k in search.kinds()
            ),
            "per_kind": search.PER_KIND,
            "min_length": search.MIN_LENGTH,
        },
    )
