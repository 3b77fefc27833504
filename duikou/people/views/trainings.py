"""Training placements (跟岗培训): list, create, edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duikou.core.viewutils import apply_service_error, page_of, pk_param, year_param
from duikou.core.vocab import Field
from duikou.people import scopes, services
from duikou.people.forms import TrainingForm
from duikou.people.history import history_entries
from duikou.people.models import TrainingPlacement


@login_required
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.trainings_for_user(request.user).order_by("-start_date", "person__name")
    year = year_param(request)
    field = request.GET.get("field", "")
    if year:
        qs = qs.filter(start_date__year=year)
    if field in Field.values:
        qs = qs.filter(field=field)
    return render(
        request,
        "people/training_list.html",
        {
            "page": page_of(request, qs),
            "total": qs.count(),
            "year": str(year or ""),
            "field": field,
            "fields": Field.choices,
            "years": sorted(
                {
                    d.year
                    for d in scopes.trainings_for_user(request.user).dates("start_date", "year")
                },
                reverse=True,
            ),
            "can_create": scopes.can_manage_trainings(request.user),
            "user_can_edit": scopes.can_manage_trainings(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_manage_trainings(request.user):
        raise PermissionDenied
    initial = {}
    person_id = pk_param(request, "person")
    if person_id:
        person = scopes.people_for_user(request.user).filter(pk=person_id).first()
        if person is not None:
            initial = {"person": person, "home_org": person.employer}
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记跟岗培训：%(t)s。") % {"t": training})
            return redirect("people:training_list")
    return render(request, "people/training_form.html", {"form": form, "training": None})


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(scopes.trainings_for_user(request.user), pk=pk)
    if not scopes.can_edit_training(request.user, training):
        raise PermissionDenied
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_update(
                actor=request.user,
                training=TrainingPlacement.objects.get(pk=pk),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存跟岗培训：%(t)s。") % {"t": training})
            return redirect("people:training_list")
    return render(
        request,
        "people/training_form.html",
        {"form": form, "training": training, "history": history_entries(training)},
    )
