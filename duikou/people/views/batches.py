"""Batches (批次) of postings: list, detail, create, edit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duikou.core.viewutils import apply_service_error
from duikou.people import scopes, services
from duikou.people.forms import BatchForm
from duikou.people.history import history_entries
from duikou.people.models import Batch


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    postings = scopes.postings_for_user(request.user).order_by()
    totals = dict(postings.values_list("batch").annotate(n=Count("pk")))
    current = dict(postings.active_on(today).values_list("batch").annotate(n=Count("pk")))
    batches = [
        {
            "batch": b,
            "total": totals.get(b.pk, 0),
            "current": current.get(b.pk, 0),
            "running": bool(
                b.start_date
                and b.start_date <= today
                and (b.end_date is None or b.end_date >= today)
            ),
        }
        for b in Batch.objects.order_by("-number")
    ]
    return render(
        request,
        "people/batch_list.html",
        {
            "batches": batches,
            "unbatched": totals.get(None, 0),
            "can_manage": scopes.can_manage_batches(request.user),
            "today": today,
        },
    )


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    today = timezone.localdate()
    postings = list(scopes.postings_for_user(request.user).filter(batch=batch))
    # Who rotates out first comes first; the still-open ones last.
    postings.sort(key=lambda p: (p.end_date is None, p.end_date or dt.date.max, p.person.name))
    rows = [
        {
            "posting": p,
            "current": p.is_current(today),
            "days_left": (p.end_date - today).days if p.end_date and p.end_date >= today else None,
        }
        for p in postings
    ]
    by_kind = defaultdict(int)
    for p in postings:
        by_kind[p.get_kind_display()] += 1
    return render(
        request,
        "people/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "by_kind": dict(by_kind),
            "current_count": sum(1 for r in rows if r["current"]),
            "history": history_entries(batch),
            "can_manage": scopes.can_manage_batches(request.user),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_manage_batches(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已新建批次“%(b)s”。") % {"b": batch})
            return redirect(batch)
    return render(request, "people/batch_form.html", {"form": form, "batch": None})


@login_required
@require_http_methods(["GET", "POST"])
def batch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    if not scopes.can_manage_batches(request.user):
        raise PermissionDenied
    form = BatchForm(request.POST or None, instance=batch)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_update(
                actor=request.user, batch=Batch.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存批次“%(b)s”。") % {"b": batch})
            return redirect(batch)
    return render(request, "people/batch_form.html", {"form": form, "batch": batch})
