"""The aid staff's own page (/me/): postings, achievements, availability, visit budget.

我的服务安排 (the expert's visits) is a panel the page loads from orders (orders:my_visits)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duikou.core.viewutils import apply_service_error
from duikou.people import scopes, services
from duikou.people.forms import AchievementForm, AvailabilityForm, VisitBudgetForm
from duikou.people.models import AvailabilityWindow, Person, Posting


def _own_person_or_none(request: HttpRequest) -> Person | None:
    return scopes.own_person(request.user)


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    ctx: dict = {"person": person, "today": timezone.localdate()}
    if person is not None:
        ctx.update(_me_context(request, person))
    return render(request, "people/me.html", ctx)


def _own_postings(person: Person) -> QuerySet[Posting]:
    return Posting.objects.filter(person=person).select_related(
        "person", "host_org", "host_department"
    )


def _me_context(request: HttpRequest, person: Person, **forms) -> dict:
    postings = person.postings.select_related(
        "host_org", "host_department", "sending_org", "batch"
    ).order_by("-start_date")
    own_postings = _own_postings(person)
    # 我的服务安排 (the expert's visits) is the orders' panel the page loads (orders:my_visits).
    return {
        "postings": postings,
        "achievements": person.achievements.select_related("host_org", "verified_by"),
        "windows": person.availability.all(),
        "achievement_form": forms.get("achievement_form")
        or AchievementForm(
            user=request.user,
            postings=own_postings,
            initial={"date": timezone.localdate(), "posting": postings.first()},
        ),
        "availability_form": forms.get("availability_form") or AvailabilityForm(),
        "budget_form": forms.get("budget_form")
        or VisitBudgetForm(initial={"visit_days_budget": person.visit_days_budget}),
    }


@login_required
@require_POST
def me_achievement(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    if person is None:
        raise Http404
    form = AchievementForm(request.POST, user=request.user, postings=_own_postings(person))
    if form.is_valid():
        data = dict(form.cleaned_data)
        posting = data.pop("posting")
        try:
            services.achievement_create(actor=request.user, posting=posting, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已记录成效。"))
            return redirect(reverse("people:me") + "#achievements")
    ctx = {"person": person, "today": timezone.localdate()}
    ctx.update(_me_context(request, person, achievement_form=form))
    return render(request, "people/me.html", ctx, status=400)


@login_required
@require_POST
def me_availability(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    if person is None:
        raise Http404
    form = AvailabilityForm(request.POST, instance=AvailabilityWindow(person=person))
    if form.is_valid():
        try:
            services.availability_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已申报可出诊时间。"))
            return redirect(reverse("people:me") + "#availability")
    ctx = {"person": person, "today": timezone.localdate()}
    ctx.update(_me_context(request, person, availability_form=form))
    return render(request, "people/me.html", ctx, status=400)


@login_required
@require_POST
def me_visit_budget(request: HttpRequest) -> HttpResponse:
    person = _own_person_or_none(request)
    if person is None:
        raise Http404
    form = VisitBudgetForm(request.POST)
    if form.is_valid():
        try:
            services.visit_budget_set(
                actor=request.user, person=person, days=form.cleaned_data["visit_days_budget"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存每期最多出诊天数。"))
            return redirect(reverse("people:me") + "#availability")
    ctx = {"person": person, "today": timezone.localdate()}
    ctx.update(_me_context(request, person, budget_form=form))
    return render(request, "people/me.html", ctx, status=400)


@login_required
@require_POST
def availability_delete(request: HttpRequest, pk: int) -> HttpResponse:
    window = get_object_or_404(scopes.availability_for_user(request.user), pk=pk)
    if not scopes.can_edit_availability(request.user, window.person):
        raise PermissionDenied
    services.availability_delete(actor=request.user, window=window)
    messages.success(request, _("已删除可出诊时间 %(w)s。") % {"w": window})
    if window.person.user_id == request.user.pk:
        return redirect(reverse("people:me") + "#availability")
    return redirect(window.person)
