"""Registry pages: organisations, departments, pairings and the pairing overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duikou.accounts import scopes as account_scopes
from duikou.core import scopes, services
from duikou.core.forms import (
    DepartmentForm,
    OrganisationFilterForm,
    OrganisationForm,
    PairingFilterForm,
    PairingForm,
)
from duikou.core.history import history_entries
from duikou.core.models import Department, Division, Organisation, Pairing
from duikou.core.viewutils import apply_service_error, is_htmx, page_of, pk_param, xlsx_response
from duikou.core.vocab import DEMAND_ORG_KINDS, DivisionLevel, PairingKind, Side
from duikou.lib.xlsx import list_workbook

KIND_ORDER = {kind: i for i, kind in enumerate(PairingKind.values)}


def _get_organisation_for_user(request: HttpRequest, pk: int) -> Organisation:
    return get_object_or_404(scopes.organisations_for_user(request.user), pk=pk)


def _get_pairing_for_user(request: HttpRequest, pk: int) -> Pairing:
    return get_object_or_404(scopes.pairings_for_user(request.user), pk=pk)


# Organisations ---------------------------------------------------------------


def _filtered_organisations(request: HttpRequest) -> tuple[OrganisationFilterForm, QuerySet]:
    form = OrganisationFilterForm(request.GET or None)
    qs = (
        scopes.organisations_for_user(request.user)
        .annotate(
            n_pairings=Count("pairings_as_supporter", distinct=True)
            + Count("pairings_as_aided", distinct=True)
        )
        .order_by("side", "division__code", "name")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code__icontains=q)
            )
        if data["side"]:
            qs = qs.filter(side=data["side"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["division"]:
            qs = qs.filter(
                Q(division__code=data["division"]) | Q(division__parent__code=data["division"])
            )
    return form, qs


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_organisations(request)
    ctx = {
        "form": form,
        "page": page_of(request, qs),
        "total": qs.count(),
        "divisions": Division.objects.exclude(level=DivisionLevel.PROVINCE),
        "can_create": scopes.can_create_organisation(request.user),
        "query": request.GET.urlencode(),
    }
    template = (
        "core/_organisation_table.html" if is_htmx(request) else "core/organisation_list.html"
    )
    return render(request, template, ctx)


@login_required
@require_GET
def organisation_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered_organisations(request)
    headers = [
        _("单位名称"),
        _("简称"),
        _("单位类型"),
        _("所属方"),
        _("所在地"),
        _("区划代码"),
        _("统一社会信用代码"),
        _("结对数"),
        _("地址"),
        _("备注"),
    ]
    rows = (
        [
            o.name,
            o.short_name,
            o.get_kind_display(),
            o.get_side_display(),
            o.division.name,
            o.division.code,
            o.credit_code,
            o.n_pairings,
            o.address,
            o.note,
        ]
        for o in qs
    )
    return xlsx_response("organisations", list_workbook(_("单位"), headers, rows))


@login_required
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _get_organisation_for_user(request, pk)
    pairings = scopes.pairings_for_user(request.user).filter(Q(zhejiang_org=org) | Q(haixi_org=org))
    return render(
        request,
        "core/organisation_detail.html",
        {
            "org": org,
            "departments": org.departments.all(),
            "pairings": pairings,
            "members": scopes.organisations_for_user(request.user).filter(alliances=org),
            "alliances": scopes.organisations_for_user(request.user).filter(members=org),
            "history": history_entries(org),
            "warnings": org.credit_code_warnings(),
            "can_edit": scopes.can_edit_organisation(request.user, org),
            "department_form": DepartmentForm(),
            # A Haixi hospital or school: its page loads the orders' panel of its demands
            # and visits (orders:org_panel), in the user's scope there.
            "shows_orders": org.side == Side.AIDED and org.kind in DEMAND_ORG_KINDS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_organisation(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已新建单位“%(name)s”。") % {"name": org.name})
            for warning in org.credit_code_warnings():
                messages.warning(request, _("统一社会信用代码提示：%(w)s") % {"w": warning})
            return redirect(org)
    return render(request, "core/organisation_form.html", {"form": form, "org": None})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _get_organisation_for_user(request, pk)
    if not scopes.can_edit_organisation(request.user, org):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_update(
                actor=request.user,
                organisation=Organisation.objects.get(pk=pk),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存单位“%(name)s”。") % {"name": org.name})
            return redirect(org)
    return render(request, "core/organisation_form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["POST"])
def department_create(request: HttpRequest, pk: int) -> HttpResponse:
    org = _get_organisation_for_user(request, pk)
    if not scopes.can_edit_organisation(request.user, org):
        raise PermissionDenied
    form = DepartmentForm(request.POST, instance=Department(organisation=org))
    if form.is_valid():
        try:
            dept = services.department_create(
                actor=request.user, organisation=org, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已添加科室“%(name)s”。") % {"name": dept.name})
            return redirect(org)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, _("科室未添加：%(e)s") % {"e": error})
    return redirect(org)


# Pairings --------------------------------------------------------------------


def _filtered_pairings(request: HttpRequest) -> tuple[PairingFilterForm, QuerySet]:
    form = PairingFilterForm(request.GET or None)
    qs = scopes.pairings_for_user(request.user).select_related("zhejiang_org__division")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(zhejiang_org__name__icontains=q)
                | Q(zhejiang_org__short_name__icontains=q)
                | Q(haixi_org__name__icontains=q)
                | Q(haixi_org__short_name__icontains=q)
                | Q(haixi_department__name__icontains=q)
                | Q(agreement_title__icontains=q)
            )
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["county"]:
            qs = qs.filter(haixi_org__division__code=data["county"])
        if data["year"]:
            qs = qs.overlapping_year(data["year"])
    return form, qs


@login_required
@require_GET
def pairing_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_pairings(request)
    ctx = {
        "form": form,
        "page": page_of(request, qs),
        "total": qs.count(),
        "haixi_divisions": Division.objects.filter(code__startswith="6328"),
        "can_create": scopes.can_create_pairing(request.user),
        "query": request.GET.urlencode(),
    }
    template = "core/_pairing_table.html" if is_htmx(request) else "core/pairing_list.html"
    return render(request, template, ctx)


@login_required
@require_GET
def pairing_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered_pairings(request)
    # Columns follow the 结对 template (templates.md) so an export can be edited and re-imported.
    headers = [
        "结对类型",
        "支援方单位",
        "受援方单位",
        "受援科室",
        "开始日期",
        "结束日期",
        "协议名称",
        _("受援方所在地"),
        _("备注"),
    ]
    rows = (
        [
            p.kind,
            p.zhejiang_org.name,
            p.haixi_org.name,
            p.haixi_department.name if p.haixi_department else "",
            p.start_date,
            p.end_date,
            p.agreement_title,
            p.haixi_org.division.name,
            p.note,
        ]
        for p in qs
    )
    return xlsx_response("pairings", list_workbook("结对", headers, rows))


@login_required
@require_GET
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = _get_pairing_for_user(request, pk)
    return render(
        request,
        "core/pairing_detail.html",
        {
            "pairing": pairing,
            "history": history_entries(pairing),
            "can_edit": scopes.can_edit_pairing(request.user, pairing),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_create(request: HttpRequest) -> HttpResponse:
    if not scopes.can_create_pairing(request.user):
        raise PermissionDenied
    initial = {"start_date": timezone.localdate()}
    if request.GET.get("kind") in PairingKind.values:
        initial["kind"] = request.GET["kind"]
    form = PairingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已新建结对：%(p)s。") % {"p": pairing})
            return redirect(pairing)
    return render(request, "core/pairing_form.html", {"form": form, "pairing": None})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = _get_pairing_for_user(request, pk)
    if not scopes.can_edit_pairing(request.user, pairing):
        raise PermissionDenied
    form = PairingForm(request.POST or None, instance=pairing, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_update(
                actor=request.user, pairing=Pairing.objects.get(pk=pk), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存结对：%(p)s。") % {"p": pairing})
            return redirect(pairing)
    return render(request, "core/pairing_form.html", {"form": form, "pairing": pairing})


@login_required
@require_GET
def pairing_departments(request: HttpRequest) -> HttpResponse:
    """The <option>s of the department select for the chosen Haixi organisation (htmx)."""
    org_id = pk_param(request, "haixi_org")
    departments = Department.objects.none()
    if org_id:
        org = scopes.organisations_for_user(request.user).filter(pk=org_id).first()
        if org is not None:
            departments = org.departments.all()
    return render(request, "core/_department_options.html", {"departments": departments})


@login_required
@require_GET
def pairing_overview(request: HttpRequest) -> HttpResponse:
    """For each Haixi county: its Zhejiang city and every pairing under it."""
    today = timezone.localdate()
    show_all = request.GET.get("all") == "1"
    pairings = scopes.pairings_for_user(request.user)
    if not show_all:
        pairings = pairings.active_on(today)
    haixi = Division.objects.filter(code__startswith="6328").select_related("paired_city")
    groups = []
    by_division: dict[int, list[Pairing]] = {}
    for p in pairings.order_by("kind", "haixi_org__name", "haixi_department__catalogue_code"):
        by_division.setdefault(p.haixi_org.division_id, []).append(p)
    for division in haixi:
        items = by_division.get(division.pk, [])
        if not items and division.level != DivisionLevel.COUNTY:
            continue
        by_kind: dict[str, list[Pairing]] = {}
        for p in sorted(items, key=lambda p: KIND_ORDER[p.kind]):
            by_kind.setdefault(p.get_kind_display(), []).append(p)
        groups.append({"division": division, "by_kind": by_kind, "count": len(items)})
    visible = [g for g in groups if g["count"] or account_scopes.reads_everything(request.user)]
    return render(
        request,
        "core/pairing_overview.html",
        {"groups": visible, "show_all": show_all, "today": today, "side": Side},
    )
