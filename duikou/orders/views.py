"""Demand and visit pages: lists with live filters, forms, detail pages with their actions.

Every page starts from `scopes.demands_for_user` / `scopes.visits_for_user`: a demand or visit
outside the user's scope is 404 on every URL; an action the user may not take is 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.core.history import history_entries
from duikou.core.models import Division
from duikou.core.viewutils import apply_service_error, is_htmx, page_of
from duikou.orders import scopes, services
from duikou.orders.forms import (
    CancelForm,
    DeliveryForm,
    DemandFilterForm,
    DemandForm,
    PriorityForm,
    VisitFilterForm,
    VisitLogForm,
    WithdrawForm,
    expert_picker,
)
from duikou.orders.models import Demand, Visit, VisitStatus
from duikou.orders.services import DemandConflictError
from duikou.people.models import Person


def _get_demand_for_user(request: HttpRequest, pk: int) -> Demand:
    return get_object_or_404(scopes.demands_for_user(request.user), pk=pk)


def _get_visit_for_user(request: HttpRequest, pk: int) -> Visit:
    return get_object_or_404(scopes.visits_for_user(request.user), pk=pk)


def _counties(qs: QuerySet, prefix: str) -> list[Division]:
    """The county-level divisions of the sites in `qs` (a prefecture-level site: 海西州)."""
    ids = set(qs.values_list(f"{prefix}division", flat=True))
    divisions = Division.objects.filter(pk__in=ids).select_related("parent")
    out = {}
    for d in divisions:
        county = d if d.level in {"county", "prefecture"} else (d.parent or d)
        out[county.pk] = county
    return sorted(out.values(), key=lambda d: d.code)


def _in_county(prefix: str, code: str) -> Q:
    return Q(**{f"{prefix}division__code": code}) | Q(**{f"{prefix}division__parent__code": code})


def _live_visit_prefetch() -> Prefetch:
    return Prefetch(
        "visits",
        queryset=Visit.objects.exclude(status=VisitStatus.CANCELLED).select_related("expert"),
        to_attr="live_visits",
    )


def _due_count(request: HttpRequest) -> int:
    """Visits that began and wait for this user's confirmation of delivery."""
    return (
        scopes.visits_for_user(request.user)
        .filter(
            status=VisitStatus.SCHEDULED,
            start_date__lte=timezone.localdate(),
            demand__organisation__in=scopes.demand_orgs_for_user(request.user).values("pk"),
        )
        .count()
    )


# Demands -------------------------------------------------------------------------------------


def _filtered_demands(request: HttpRequest) -> tuple[DemandFilterForm, QuerySet]:
    base = scopes.demands_for_user(request.user)
    years = sorted(
        {d.year for d in base.order_by().dates("posted_at", "year")} | {timezone.localdate().year},
        reverse=True,
    )
    form = DemandFilterForm(
        request.GET or None, counties=_counties(base, "organisation__"), years=years
    )
    qs = base.order_by("-posted_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        q = data["q"].strip()
        if q:
            qs = qs.filter(
                Q(organisation__name__icontains=q)
                | Q(organisation__short_name__icontains=q)
                | Q(skill__icontains=q)
                | Q(title__icontains=q)
                | Q(note__icontains=q)
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["county"]:
            qs = qs.filter(_in_county("organisation__", data["county"]))
        if data["field"]:
            qs = qs.filter(skill_field=data["field"])
        if data["kind"]:
            qs = qs.filter(service_kind=data["kind"])
        if data["skill"]:
            qs = qs.filter(skill=data["skill"])
        if data["year"]:
            qs = qs.filter(posted_at__year=data["year"])
        if data["org"]:
            qs = qs.filter(organisation=data["org"])
    return form, qs


@login_required
@require_GET
def demand_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_demands(request)
    page = page_of(request, qs.prefetch_related(_live_visit_prefetch()))
    ctx = {
        "form": form,
        "page": page,
        "can_post": scopes.can_post_demand(request.user),
        "today": timezone.localdate(),
    }
    if is_htmx(request):
        return render(request, "orders/_demand_table.html", ctx)
    ctx["due_count"] = _due_count(request)
    return render(request, "orders/demand_list.html", ctx)


@login_required
@require_GET
def demand_export(request: HttpRequest) -> HttpResponse:
    from duikou.exchange_io import exports

    return exports.respond(request, "orders.demands", "xlsx")


def demands_table(user, params):
    """The filtered list as the 点单 sheet: its columns first, so that the file can be edited and
    imported again (/io/), then informational columns the importer passes over with a warning."""
    from duikou.exchange_io import exports, specs
    from duikou.orders import sheets as demand_sheet

    _form, qs = _filtered_demands(exports.as_request(user, params))
    qs = qs.prefetch_related(
        _live_visit_prefetch(),
        Prefetch("preferred_experts", queryset=Person.objects.select_related("employer")),
    )
    spec = specs.get(demand_sheet.SHEET)
    headers = [
        *spec.headers,
        _("编号"),
        _("所在地"),
        _("领域"),
        _("状态"),
        _("提交时间"),
        _("安排专家"),
        _("服务开始"),
        _("服务结束"),
    ]

    def rows():
        for chunk in _chunks(exports.chunked(qs), exports.CHUNK):
            for d, row in zip(chunk, demand_sheet.export_rows(chunk), strict=True):
                visit = d.live_visits[0] if d.live_visits else None
                yield [
                    *row,
                    d.pk,
                    d.organisation.division.name,
                    d.get_skill_field_display(),
                    d.get_status_display(),
                    timezone.localtime(d.posted_at),
                    visit.expert.name if visit else "",
                    visit.start_date if visit else None,
                    visit.end_date if visit else None,
                ]

    return exports.Table(
        title=spec.name, filename="demands", headers=headers, rows=rows, count=qs.count
    )


def _chunks(items, size: int):
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@login_required
@require_GET
def demand_experts(request: HttpRequest) -> HttpResponse:
    """The preferred-experts picker, regrouped for the chosen skill (htmx, from the form)."""
    if not scopes.can_post_demand(request.user):
        raise PermissionDenied
    selected = set()
    for value in request.GET.getlist("preferred_experts")[:50]:
        if value.isascii() and value.isdigit() and 0 < len(value) <= 18:
            selected.add(int(value))
    picker = expert_picker(request.GET.get("skill", ""), selected)
    return render(request, "orders/_expert_picker.html", {"picker": picker})


def _render_form(request, form, demand=None, conflict=None, status=200) -> HttpResponse:
    return render(
        request,
        "orders/demand_form.html",
        {"form": form, "demand": demand, "conflict": conflict},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_post_demand(request.user):
        raise PermissionDenied
    form = DemandForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                demand = services.demand_create(actor=request.user, **form.service_data())
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已提交服务需求：%(org)s · %(skill)s %(days)s 天。")
                    % {
                        "org": demand.organisation.display_short,
                        "skill": demand.skill,
                        "days": demand.days,
                    },
                )
                return redirect("orders:demand_detail", demand.pk)
        return _render_form(request, form, status=400)
    return _render_form(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get_demand_for_user(request, pk)
    if not scopes.can_edit_demand(request.user, demand):
        raise PermissionDenied
    form = DemandForm(request.POST or None, user=request.user, demand=demand)
    if request.method == "POST":
        conflict = None
        if form.is_valid():
            try:
                demand = services.demand_update(
                    actor=request.user,
                    demand=demand,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_data(),
                )
            except DemandConflictError as exc:
                demand = _get_demand_for_user(request, pk)
                conflict = {"message": exc.messages[0], "changes": exc.changes}
                # The hidden version moves on: saving again overwrites, knowingly.
                data = request.POST.copy()
                data["version"] = demand.version
                form = DemandForm(data, user=request.user, demand=demand)
                form.is_valid()
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已保存服务需求。"))
                return redirect("orders:demand_detail", demand.pk)
        return _render_form(request, form, demand, conflict, status=409 if conflict else 400)
    return _render_form(request, form, demand)


@login_required
@require_GET
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get_demand_for_user(request, pk)
    return _render_detail(request, demand)


def _render_detail(request, demand: Demand, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    visits = scopes.visits_for_user(user).filter(demand=demand).order_by("start_date", "pk")
    return render(
        request,
        "orders/demand_detail.html",
        {
            "demand": demand,
            "today": timezone.localdate(),
            "experts": demand.preferred_experts.select_related("employer"),
            "visits": visits,
            "history": history_entries(demand),
            "can_edit": scopes.can_edit_demand(user, demand),
            "can_set_priority": scopes.can_set_priority(user) and demand.status == "待安排",
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
            "priority_form": forms.get("priority_form")
            or PriorityForm(initial={"priority": demand.priority}),
        },
        status=status,
    )


@login_required
@require_POST
def demand_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get_demand_for_user(request, pk)
    if not scopes.can_edit_demand(request.user, demand):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.demand_withdraw(
                actor=request.user, demand=demand, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已撤回该需求。"))
            return redirect("orders:demand_detail", demand.pk)
    return _render_detail(request, demand, status=400, withdraw_form=form)


@login_required
@require_POST
def demand_priority(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get_demand_for_user(request, pk)
    if not scopes.can_set_priority(request.user):
        raise PermissionDenied
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            demand = services.demand_set_priority(
                actor=request.user,
                demand=demand,
                priority=form.cleaned_data["priority"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("优先级已调整为 %(p)s。") % {"p": demand.priority})
            return redirect("orders:demand_detail", demand.pk)
    return _render_detail(request, demand, status=400, priority_form=form)


# Visits --------------------------------------------------------------------------------------


def _filtered_visits(request: HttpRequest) -> tuple[VisitFilterForm, QuerySet]:
    base = scopes.visits_for_user(request.user)
    form = VisitFilterForm(request.GET or None, counties=_counties(base, "demand__organisation__"))
    qs = base.order_by("-start_date", "-pk")
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["county"]:
            qs = qs.filter(_in_county("demand__organisation__", data["county"]))
        if data["month"]:
            first, last = data["month"]
            qs = qs.filter(start_date__lte=last, end_date__gte=first)
        if data["when"] == "due":
            qs = qs.filter(status=VisitStatus.SCHEDULED, start_date__lte=today)
        elif data["when"] == "upcoming":
            qs = qs.filter(end_date__gte=today).order_by("start_date", "pk")
        elif data["when"] == "past":
            qs = qs.filter(end_date__lt=today)
        if data["org"]:
            qs = qs.filter(demand__organisation=data["org"])
        if data["run"]:
            qs = qs.filter(run=data["run"])
    return form, qs


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_visits(request)
    page = page_of(request, qs)
    ctx = {"form": form, "page": page, "today": timezone.localdate()}
    if is_htmx(request):
        return render(request, "orders/_visit_table.html", ctx)
    ctx["due_count"] = _due_count(request)
    return render(request, "orders/visit_list.html", ctx)


@login_required
@require_GET
def visit_export(request: HttpRequest) -> HttpResponse:
    """The filtered visit list as a schedule (排班表): names only, no ID number or phone."""
    from duikou.exchange_io import exports

    form, _qs = _filtered_visits(request)
    if form.is_bound and not form.is_valid():
        problems = "；".join(e for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(_("筛选条件有误，未导出：%(e)s") % {"e": problems})
    return exports.respond(request, "orders.visits", "xlsx")


def visits_table(user, params):
    from duikou.exchange_io import exports

    form, qs = _filtered_visits(exports.as_request(user, params))
    qs = qs.select_related("demand__organisation__division", "expert__employer").order_by(
        "start_date", "demand__organisation__name", "pk"
    )
    headers = [
        _("开始日期"),
        _("结束日期"),
        _("天数"),
        _("专家"),
        _("专业"),
        _("派出单位"),
        _("服务单位"),
        _("所在地"),
        _("服务方式"),
        _("需求摘要"),
        _("状态"),
        _("实际服务天数"),
        _("评价"),
    ]

    def rows():
        for v in exports.chunked(qs):
            yield [
                v.start_date,
                v.end_date,
                v.days,
                v.expert.name,
                v.demand.skill,
                v.expert.employer.name,
                v.demand.organisation.name,
                v.demand.organisation.division.name,
                v.demand.get_service_kind_display(),
                v.demand.title,
                v.get_status_display(),
                v.delivered_days,
                v.rating,
            ]

    run = form.cleaned_data.get("run") if form.is_bound and form.is_valid() else None
    name = f"visits-run-{run}" if run else "visits"
    return exports.Table(
        title=_("排班表"), filename=name, headers=headers, rows=rows, count=qs.count
    )


def _render_visit(request, visit: Visit, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    may_confirm_later = (
        visit.status == VisitStatus.SCHEDULED
        and visit.start_date > today
        and scopes.demand_orgs_for_user(user).filter(pk=visit.demand.organisation_id).exists()
    )
    return render(
        request,
        "orders/visit_detail.html",
        {
            "visit": visit,
            "demand": visit.demand,
            "achievements": visit.achievements.select_related("host_org"),
            "history": history_entries(visit),
            "today": today,
            "can_confirm": scopes.can_confirm_delivery(user, visit, today),
            "may_confirm_later": may_confirm_later,
            "can_log": scopes.can_log_visit(user, visit),
            "can_cancel": scopes.can_cancel_visit(user, visit),
            "delivery_form": forms.get("delivery_form")
            or DeliveryForm(initial={"delivered_days": visit.days}),
            "log_form": forms.get("log_form") or VisitLogForm(visit=visit),
            "cancel_form": forms.get("cancel_form") or CancelForm(),
        },
        status=status,
    )


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_visit(request, _get_visit_for_user(request, pk))


@login_required
@require_POST
def visit_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _get_visit_for_user(request, pk)
    in_site_scope = (
        scopes.demand_orgs_for_user(request.user).filter(pk=visit.demand.organisation_id).exists()
    )
    if not in_site_scope:
        raise PermissionDenied
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.visit_confirm_delivery(actor=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已确认服务并完成评价，谢谢！"))
            return redirect("orders:visit_detail", visit.pk)
    return _render_visit(request, visit, status=400, delivery_form=form)


@login_required
@require_POST
def visit_log(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _get_visit_for_user(request, pk)
    if not scopes.can_log_visit(request.user, visit):
        raise PermissionDenied
    form = VisitLogForm(request.POST, visit=visit)
    if form.is_valid():
        try:
            services.visit_log(
                actor=request.user,
                visit=visit,
                expert_log=form.cleaned_data["expert_log"],
                achievements=list(form.cleaned_data["achievements"]),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存工作记录。"))
            return redirect(reverse("orders:visit_detail", args=[visit.pk]) + "#log")
    return _render_visit(request, visit, status=400, log_form=form)


@login_required
@require_POST
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _get_visit_for_user(request, pk)
    if not scopes.can_cancel_visit(request.user, visit):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.visit_cancel(
                actor=request.user, visit=visit, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已取消该服务，需求已回到“待安排”。"))
            return redirect("orders:visit_detail", visit.pk)
    return _render_visit(request, visit, status=400, cancel_form=form)
