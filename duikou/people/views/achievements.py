"""Achievements (成效): list, create, and the headquarters' verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.accounts.redirects import safe_next
from duikou.core.viewutils import apply_service_error, is_htmx, page_of, pk_param, year_param
from duikou.people import scopes, services
from duikou.people.forms import AchievementForm
from duikou.people.vocab import AchievementKind


@login_required
@require_GET
def achievement_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.achievements_for_user(request.user).order_by("-date", "-pk")
    year = year_param(request)
    kind, verified = (request.GET.get(k, "") for k in ("kind", "verified"))
    if year:
        qs = qs.filter(date__year=year)
    if kind in AchievementKind.values:
        qs = qs.filter(kind=kind)
    if verified == "1":
        qs = qs.filter(verified_at__isnull=False)
    elif verified == "0":
        qs = qs.filter(verified_at__isnull=True)
    return render(
        request,
        "people/achievement_list.html",
        {
            "page": page_of(request, qs),
            "total": qs.count(),
            "year": str(year or ""),
            "kind": kind,
            "verified": verified,
            "kinds": AchievementKind.choices,
            "years": sorted(
                {d.year for d in scopes.achievements_for_user(request.user).dates("date", "year")},
                reverse=True,
            ),
            "can_verify": scopes.can_verify_achievement(request.user),
            "can_record": scopes.recordable_postings(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def achievement_create(request: HttpRequest) -> HttpResponse:
    recordable = scopes.recordable_postings(request.user)
    if not recordable.exists():
        raise PermissionDenied
    initial = {"date": timezone.localdate()}
    posting_id = pk_param(request, "posting")
    if posting_id:
        initial["posting"] = recordable.filter(pk=posting_id).first()
    form = AchievementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        posting = data.pop("posting")
        try:
            achievement = services.achievement_create(actor=request.user, posting=posting, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已记录成效“%(t)s”。") % {"t": achievement.title})
            return redirect(safe_next(request, "people:achievement_list"))
    return render(request, "people/achievement_form.html", {"form": form})


@login_required
@require_POST
def achievement_verify(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(scopes.achievements_for_user(request.user), pk=pk)
    if not scopes.can_verify_achievement(request.user):
        raise PermissionDenied
    achievement = services.achievement_verify(actor=request.user, achievement=achievement)
    if is_htmx(request):
        return render(
            request, "people/_achievement_status.html", {"a": achievement, "can_verify": True}
        )
    messages.success(request, _("已审核成效“%(t)s”。") % {"t": achievement.title})
    return redirect("people:achievement_list")
