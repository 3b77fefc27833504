"""Panels other apps' pages load with htmx: what orders holds about an institution (its page in
the registry) and about an expert (their /me/ page). Each answers 404 outside the user's scope,
and each list in it is scoped by duikou.orders.scopes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from duikou.core.models import Organisation
from duikou.orders import scopes
from duikou.orders.models import VisitStatus
from duikou.people.models import Person
from duikou.people.scopes import own_person

#: how many demands and visits the organisation panel lists (the rest: the filtered lists)
ORG_PANEL_ROWS = 8
#: how many of their visits an expert sees on /me/
MY_VISITS_ROWS = 30


def _get_demand_site_for_user(request: HttpRequest, pk: int) -> Organisation:
    return get_object_or_404(scopes.demand_sites_for_user(request.user), pk=pk)


def _get_own_person_for_user(request: HttpRequest) -> Person:
    person = own_person(request.user)
    if person is None:
        raise Http404
    return person


@login_required
@require_GET
def org_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """服务需求与专家来访 of a Haixi hospital or school, within what the user may read."""
    org = _get_demand_site_for_user(request, pk)
    demands = scopes.demands_for_user(request.user).filter(organisation=org)
    visits = (
        scopes.visits_for_user(request.user)
        .filter(demand__organisation=org)
        .exclude(status=VisitStatus.CANCELLED)
    )
    orders = {
        "demands": demands.order_by("-posted_at", "-pk")[:ORG_PANEL_ROWS],
        "demand_count": demands.count(),
        "visits": visits.order_by("-start_date", "-pk")[:ORG_PANEL_ROWS],
        "visit_count": visits.count(),
        "can_post": scopes.demand_orgs_for_user(request.user).filter(pk=org.pk).exists(),
    }
    return render(request, "orders/_org_panel.html", {"org": org, "orders": orders})


@login_required
@require_GET
def my_visits(request: HttpRequest) -> HttpResponse:
    """我的服务安排: the visits planned for the signed-in expert, the latest ending first."""
    person = _get_own_person_for_user(request)
    visits = (
        scopes.visits_for_user(request.user)
        .filter(expert=person)
        .order_by("-end_date", "-pk")[:MY_VISITS_ROWS]
    )
    return render(
        request,
        "orders/_my_visits.html",
        {"my_visits": visits, "today": timezone.localdate()},
    )
