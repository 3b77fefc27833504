"""A person's pages: create, edit, detail, the logged reveal of personal data, the photo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.accounts import scopes as account_scopes
from duikou.core import uploads
from duikou.core.viewutils import apply_service_error, is_htmx
from duikou.people import scopes, services
from duikou.people.forms import PersonForm, ReasonForm
from duikou.people.history import merged_history
from duikou.people.models import Person
from duikou.people.views.common import SECRET_PARAMS, _get_person_for_user, _ip, _personal


@sensitive_post_parameters(*SECRET_PARAMS)
@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_person(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记人员“%(name)s”。") % {"name": person.name})
            if scopes.can_create_posting(request.user):
                return redirect(reverse("people:posting_create") + f"?person={person.pk}")
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@sensitive_post_parameters(*SECRET_PARAMS)
@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    if not scopes.can_edit_person(request.user, person):
        raise PermissionDenied
    form = PersonForm(
        request.POST or None, request.FILES or None, instance=person, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                actor=request.user, person=Person.objects.get(pk=pk), **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存人员“%(name)s”。") % {"name": person.name})
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _person_context(request: HttpRequest, person: Person) -> dict:
    user = request.user
    today = timezone.localdate()
    postings = list(scopes.postings_for_user(user).filter(person=person).order_by("-start_date"))
    own = person.user_id is not None and person.user_id == user.pk
    history_items = [(person, "")] + [(p, p.host_label) for p in postings]
    return {
        "person": person,
        "personal": _personal(request),
        "can_reveal": scopes.can_reveal(user),
        "can_edit": scopes.can_edit_person(user, person),
        "can_create_posting": scopes.can_create_posting(user),
        "postings": postings,
        "current": [p for p in postings if p.is_current(today)],
        "trainings": scopes.trainings_for_user(user).filter(person=person),
        "achievements": scopes.achievements_for_user(user).filter(person=person),
        "availability": (
            scopes.availability_for_user(user).filter(person=person)
            if own or account_scopes.reads_everything(user)
            else []
        ),
        "can_record": scopes.recordable_postings(user).filter(person=person).exists(),
        "history": merged_history(*history_items),
        "reason_form": ReasonForm(),
        "today": today,
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    return render(request, "people/person_detail.html", _person_context(request, person))


@sensitive_post_parameters("reason")
@never_cache
@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The unmasked ID number and phone, for the headquarters with a reason; logged."""
    person = _get_person_for_user(request, pk)
    if not scopes.can_reveal(request.user):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.person_reveal(
                actor=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                ip=_ip(request),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
    ctx = _person_context(request, person)
    ctx.update({"revealed": revealed, "reason_form": form})
    template = "people/_personal_data.html" if is_htmx(request) else "people/person_detail.html"
    response = render(request, template, ctx, status=200 if revealed or form.is_bound else 400)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def person_photo(request: HttpRequest, pk: int) -> FileResponse:
    person = _get_person_for_user(request, pk)
    if not _personal(request) or not person.photo:
        raise Http404
    try:
        # Stored sealed: decrypted for this response only, never cached.
        return uploads.file_response(person.photo, "photo")
    except FileNotFoundError as exc:
        raise Http404 from exc
