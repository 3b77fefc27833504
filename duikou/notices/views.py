"""The bell (/notices/), the to-do list (/todo/) and the top bar's lazy fragment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from duikou.core.viewutils import is_htmx, page_of
from duikou.notices import services, todo
from duikou.notices.models import Notification


def _get_notification_for_user(request: HttpRequest, pk: int) -> Notification:
    """The user's own notification; another's answers 404."""
    return get_object_or_404(services.notifications_for(request.user), pk=pk)


def _safe_link(request: HttpRequest, link: str) -> str | None:
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return link
    return None


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    mine = services.notifications_for(request.user)
    only_unread = request.GET.get("show") == "unread"
    qs = mine.filter(read_at=None) if only_unread else mine
    return render(
        request,
        "notices/notice_list.html",
        {
            "page": page_of(request, qs),
            "only_unread": only_unread,
            "unread": mine.filter(read_at=None).count(),
        },
    )


@login_required
@require_POST
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its record."""
    notification = _get_notification_for_user(request, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(_safe_link(request, notification.link) or "notices:list")


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _get_notification_for_user(request, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    if is_htmx(request):
        return render(request, "notices/_notice_row.html", {"n": notification})
    return redirect("notices:list")


@login_required
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(actor=request.user)
    return redirect("notices:list")


@login_required
@require_GET
def todo_list(request: HttpRequest) -> HttpResponse:
    items = todo.collect(request.user)
    groups: dict[str, list[todo.Todo]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    recent = services.notifications_for(request.user).filter(read_at=None)[:5]
    todo.remember_total(request.user, todo.total(items))  # the top bar agrees with this page
    return render(
        request,
        "notices/todo.html",
        {"groups": groups, "total": todo.total(items), "recent": recent},
    )


@login_required
@require_GET
def topbar(request: HttpRequest) -> HttpResponse:
    """The top bar's to-do count and bell, fetched after the page loads (static/js/notices.js).

    The count comes from the shared cache (at most a minute old; see `todo.cached_total`); the
    unread count is one query and always fresh.
    """
    return render(
        request,
        "notices/_topbar.html",
        {
            "todo_total": todo.cached_total(request.user),
            "unread": services.unread_count(request.user),
        },
    )
