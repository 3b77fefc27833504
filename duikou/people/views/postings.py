"""Postings (派驻): create, edit, detail, and the department options of a host organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duikou.core import scopes as core_scopes
from duikou.core.models import Department
from duikou.core.viewutils import apply_service_error, pk_param
from duikou.core.vocab import Side
from duikou.people import scopes, services
from duikou.people.forms import PostingForm
from duikou.people.history import history_entries
from duikou.people.models import Posting
from duikou.people.views.common import _get_posting_for_user


@login_required
@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_posting(request.user):
        raise PermissionDenied
    initial: dict = {}
    person_id = pk_param(request, "person")
    if person_id:
        person = scopes.people_for_user(request.user).filter(pk=person_id).first()
        if person is not None:
            initial["person"] = person
            initial["sending_org"] = person.employer if person.side == Side.SUPPORTING else None
    form = PostingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记派驻：%(p)s。") % {"p": posting})
            return redirect(posting.person)
    return render(request, "people/posting_form.html", {"form": form, "posting": None})


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _get_posting_for_user(request, pk)
    if not scopes.can_edit_posting(request.user, posting):
        raise PermissionDenied
    form = PostingForm(request.POST or None, instance=posting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_update(
                actor=request.user, posting=Posting.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存派驻：%(p)s。") % {"p": posting})
            return redirect(posting)
    return render(request, "people/posting_form.html", {"form": form, "posting": posting})


@login_required
@require_GET
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _get_posting_for_user(request, pk)
    return render(
        request,
        "people/posting_detail.html",
        {
            "posting": posting,
            "achievements": scopes.achievements_for_user(request.user).filter(posting=posting),
            "history": history_entries(posting),
            "can_edit": scopes.can_edit_posting(request.user, posting),
            "can_record": scopes.can_record_achievement(request.user, posting),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def department_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the department select for the chosen host organisation (htmx)."""
    org_id = pk_param(request, "host_org")
    departments = Department.objects.none()
    if org_id:
        org = core_scopes.organisations_for_user(request.user).filter(pk=org_id).first()
        if org is not None:
            departments = org.departments.all()
    return render(request, "core/_department_options.html", {"departments": departments})
