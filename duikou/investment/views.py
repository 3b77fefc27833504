"""Investment pages: the two lists (enterprises with their ranked policies, policies with the
enterprises they suit), the deal board and table, deal pages with their stage timeline, and
promotion events.

Every page starts from the scopes' querysets: a record outside the user's scope is 404, an
action the user may not take 403. The viewer never sees a contact phone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.core.history import history_entries
from duikou.core.viewutils import apply_service_error, is_htmx, page_of
from duikou.investment import matching, scopes, services
from duikou.investment.forms import (
    DealForm,
    DealMoveForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    EventForm,
    PolicyFilterForm,
    PolicyForm,
    haixi_counties,
)
from duikou.investment.models import Deal, Enterprise, Policy, PromotionEvent
from duikou.investment.vocab import PIPELINE, RANK, DealStage, division_code, section_of
from duikou.lib.money import wan_plain, wan_to_yuan

EXPORT_FORMATS = {"xlsx", "csv"}
ENTERPRISE_INITIAL = (
    "industry_section",
    "industry_division",
    "products",
    "size",
    "zero_carbon",
    "intentions",
    "contact_name",
)
POLICY_INITIAL = (
    "title",
    "issuer",
    "doc_no",
    "valid_from",
    "valid_to",
    "incentives",
    "min_jobs",
    "region",
    "text",
)
MONEY_FIELDS = ("intended_investment", "min_investment", "signed_amount", "invested")


def _yuan(data: dict) -> dict:
    """The form's 万元 amounts as yuan, for the services."""
    out = dict(data)
    for name in MONEY_FIELDS:
        if name in out:
            out[name] = None if out[name] is None else wan_to_yuan(out[name])
    return out


def _wan_initial(obj, names) -> dict:
    return {n: wan_plain(getattr(obj, n)) for n in names if getattr(obj, n) is not None}


def _forbid(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _today() -> dt.date:
    return timezone.localdate()


def _date_param(request: HttpRequest, name: str = "on") -> dt.date:
    try:
        return (
            dt.date.fromisoformat(request.GET.get(name, "")) if request.GET.get(name) else _today()
        )
    except ValueError:
        return _today()


# Enterprises ---------------------------------------------------------------------------------


def _get_enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return get_object_or_404(scopes.enterprises_for_user(request.user), pk=pk)


def _filtered_enterprises(request: HttpRequest):
    form = EnterpriseFilterForm(request.GET or None)
    qs = scopes.enterprises_for_user(request.user).order_by("organisation__name")
    if form.is_valid():
        d = form.cleaned_data
        if d["q"].strip():
            q = d["q"].strip()
            qs = qs.filter(
                Q(organisation__name__icontains=q)
                | Q(organisation__credit_code__icontains=q)
                | Q(products__icontains=q)
                | Q(intentions__icontains=q)
            )
        if d["section"]:
            qs = qs.filter(industry_section=d["section"])
        if d["zero_carbon"]:
            qs = qs.filter(zero_carbon=d["zero_carbon"] == "1")
    return form, qs


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_enterprises(request)
    ctx = {
        "form": form,
        "page": page_of(request, qs),
        "can_edit": scopes.can_edit_lists(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "investment/enterprise_list.html", ctx)


@login_required
@require_GET
def enterprise_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from duikou.exchange_io import exports

    return exports.respond(request, "investment.enterprises", fmt)


def enterprises_table(user, params):
    from duikou.exchange_io import exports

    _form, qs = _filtered_enterprises(exports.as_request(user, params))
    return exports.sheet_table("企业", qs, "enterprises")


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _get_enterprise(request, pk)
    on = _date_param(request)
    recs = matching.recommend(enterprise, scopes.policies_for_user(request.user), on)
    ctx = {
        "e": enterprise,
        "on": on,
        "recs": recs,
        "deals": scopes.deals_for_user(request.user).filter(enterprise=enterprise),
        "sees_phone": scopes.sees_phone(request.user),
        "can_edit": scopes.can_edit_lists(request.user),
        "can_create_deal": scopes.can_create_deal(request.user),
        "history": history_entries(enterprise),
    }
    return render(request, "investment/enterprise_detail.html", ctx)


def _enterprise_data(form: EnterpriseForm) -> dict:
    data = _yuan(form.cleaned_data)
    division = data.get("industry_division", "").strip()
    data["industry_division"] = division_code(division) or division
    return data


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_edit_lists(request.user))
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = _enterprise_data(form)
        try:
            org = services.enterprise_organisation(
                actor=request.user,
                name=data.pop("name"),
                credit_code=data.pop("credit_code"),
                city=data.pop("city"),
            )
            enterprise = services.enterprise_create(actor=request.user, organisation=org, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记招商企业。"))
            return redirect(enterprise)
    return render(request, "investment/form.html", {"form": form, "title": _("登记招商企业")})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _get_enterprise(request, pk)
    _forbid(scopes.can_edit_lists(request.user))
    initial = {
        f: getattr(enterprise, f)
        for f in (
            "industry_section",
            "industry_division",
            "products",
            "size",
            "zero_carbon",
            "intentions",
            "contact_name",
        )
    }
    initial.update(_wan_initial(enterprise, ["intended_investment"]))
    form = EnterpriseForm(request.POST or None, initial=initial, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = _enterprise_data(form)
        phone = data.pop("phone") or None
        try:
            services.enterprise_update(
                actor=request.user, enterprise=enterprise, phone=phone, **data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(enterprise)
    title = _("编辑招商企业：%(n)s") % {"n": enterprise.name}
    return render(
        request, "investment/form.html", {"form": form, "title": title, "back": enterprise}
    )


# Policies ------------------------------------------------------------------------------------


def _get_policy(request: HttpRequest, pk: int) -> Policy:
    return get_object_or_404(scopes.policies_for_user(request.user), pk=pk)


def _filtered_policies(request: HttpRequest):
    form = PolicyFilterForm(request.GET or None)
    qs = scopes.policies_for_user(request.user)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"].strip():
            q = d["q"].strip()
            qs = qs.filter(Q(title__icontains=q) | Q(doc_no__icontains=q) | Q(issuer__icontains=q))
        if d["on"]:
            qs = qs.filter(valid_from__lte=d["on"]).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=d["on"])
            )
        if d["region"] == "all":
            qs = qs.filter(region=None)
        elif d["region"]:
            qs = qs.filter(region__code=d["region"])
        # Lists in JSON: filtered here (a few hundred policies at most).
        wanted_kind = d["incentive"]
        industry = (d["industry"] or "").strip().upper()
        code = division_code(industry) if industry[:1].isdigit() else industry
        if wanted_kind or code:
            keep = []
            for p in qs:
                if wanted_kind and wanted_kind not in p.incentives:
                    continue
                if (
                    code
                    and p.industries
                    and code not in p.industries
                    and (section_of(code) not in p.industries if code and code.isdigit() else True)
                ):
                    continue
                keep.append(p.pk)
            qs = qs.filter(pk__in=keep)
    return form, qs


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered_policies(request)
    ctx = {
        "form": form,
        "page": page_of(request, qs),
        "today": _today(),
        "can_edit": scopes.can_edit_lists(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "investment/policy_list.html", ctx)


@login_required
@require_GET
def policy_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from duikou.exchange_io import exports

    return exports.respond(request, "investment.policies", fmt)


def policies_table(user, params):
    from duikou.exchange_io import exports

    _form, qs = _filtered_policies(exports.as_request(user, params))
    return exports.sheet_table("政策", qs, "policies")


@login_required
@require_GET
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _get_policy(request, pk)
    on = _date_param(request)
    suited = matching.suited(policy, scopes.enterprises_for_user(request.user), on)
    ctx = {
        "p": policy,
        "on": on,
        "suited": suited,
        "valid": policy.valid_on(on),
        "can_edit": scopes.can_edit_lists(request.user),
        "history": history_entries(policy),
    }
    return render(request, "investment/policy_detail.html", ctx)


def _policy_data(form: PolicyForm) -> dict:
    return _yuan(form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_edit_lists(request.user))
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(actor=request.user, **_policy_data(form))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记招商政策。"))
            return redirect(policy)
    return render(request, "investment/form.html", {"form": form, "title": _("登记招商政策")})


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _get_policy(request, pk)
    _forbid(scopes.can_edit_lists(request.user))
    initial = {
        f: getattr(policy, f)
        for f in (
            "title",
            "issuer",
            "doc_no",
            "valid_from",
            "valid_to",
            "incentives",
            "min_jobs",
            "region",
            "text",
        )
    }
    initial["industries"] = "、".join(policy.industries)
    initial.update(_wan_initial(policy, ["min_investment"]))
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=request.user, policy=policy, **_policy_data(form))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(policy)
    title = _("编辑招商政策：%(t)s") % {"t": policy.title}
    return render(request, "investment/form.html", {"form": form, "title": title, "back": policy})


# Deals ---------------------------------------------------------------------------------------


def _get_deal(request: HttpRequest, pk: int) -> Deal:
    return get_object_or_404(scopes.deals_for_user(request.user), pk=pk)


def _filtered_deals(request: HttpRequest):
    qs = scopes.deals_for_user(request.user).order_by("-signed_on", "name")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(enterprise__organisation__name__icontains=q))
    stage = request.GET.get("stage", "")
    if stage in DealStage.values:
        qs = qs.filter(stage=stage)
    county = request.GET.get("county", "")
    if county.isdigit():
        qs = qs.filter(county__code=county)
    return qs


@login_required
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    qs = _filtered_deals(request)
    ctx = {
        "page": page_of(request, qs),
        "stages": DealStage.choices,
        "counties": haixi_counties(),
        "can_create": scopes.can_create_deal(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "investment/deal_list.html", ctx)


@login_required
@require_GET
def deal_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from duikou.exchange_io import exports

    return exports.respond(request, "investment.deals", fmt)


def deals_table(user, params):
    from duikou.exchange_io import exports

    return exports.sheet_table("招商", _filtered_deals(exports.as_request(user, params)), "deals")


def _board_context(request: HttpRequest) -> dict:
    deals = list(_filtered_deals(request))
    columns = [(s, [d for d in deals if d.stage == s]) for s in [*PIPELINE, DealStage.ENDED]]
    editable = scopes.editable_deal_ids(request.user, deals)
    return {
        "columns": columns,
        "editable": editable,
        "today": _today(),
        "query": request.GET.urlencode(),
    }


def _neighbours(stage: str) -> tuple[str | None, str | None]:
    if stage == DealStage.ENDED:
        return None, None
    i = RANK[stage]
    back = PIPELINE[i - 1] if i > 0 else None
    forward = PIPELINE[i + 1] if i + 1 < len(PIPELINE) else None
    return back, forward


@login_required
@require_GET
def deal_board(request: HttpRequest) -> HttpResponse:
    ctx = _board_context(request)
    ctx["neighbours"] = {s: _neighbours(s) for s in DealStage.values}
    return render(request, "investment/deal_board.html", ctx)


def _deal_form(request: HttpRequest, data=None, *, initial=None, editing=False) -> DealForm:
    user = request.user
    return DealForm(
        data,
        initial=initial,
        enterprises=scopes.enterprises_for_user(user),
        counties=scopes.deal_counties(user),
        policies=scopes.policies_for_user(user),
        events=scopes.events_for_user(user),
        editing=editing,
    )


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request: HttpRequest) -> HttpResponse:
    """A new deal; from an enterprise's page, "从此政策发起项目" fills in the enterprise, the
    policy and a name."""
    _forbid(scopes.can_create_deal(request.user))
    initial: dict = {"on": _today(), "stage": DealStage.LEAD}
    enterprise_id = request.GET.get("enterprise", "")
    policy_id = request.GET.get("policy", "")
    if enterprise_id.isdigit():
        e = scopes.enterprises_for_user(request.user).filter(pk=enterprise_id).first()
        if e is not None:
            initial["enterprise"] = e
            initial["name"] = _("%(e)s海西投资项目") % {"e": e.organisation.display_short}
    if policy_id.isdigit():
        p = scopes.policies_for_user(request.user).filter(pk=policy_id).first()
        if p is not None:
            initial["policies"] = [p]
            if p.region_id and scopes.deal_counties(request.user).filter(pk=p.region_id).exists():
                initial["county"] = p.region
    form = _deal_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _yuan(form.cleaned_data)
        if data.get("invested") is None:
            data["invested"] = Decimal(0)
        try:
            deal = services.deal_create(actor=request.user, owner=request.user, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已发起招商项目。"))
            return redirect(deal)
    return render(request, "investment/form.html", {"form": form, "title": _("发起招商项目")})


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _get_deal(request, pk)
    can_edit = scopes.can_edit_deal(request.user, deal)
    _back, forward = _neighbours(deal.stage)
    ctx = {
        "d": deal,
        "timeline": deal.stage_changes.select_related("by").order_by("date", "pk"),
        "policies": deal.policies.all(),
        "can_edit": can_edit,
        "move_form": DealMoveForm(initial={"on": _today(), "stage": forward or deal.stage})
        if can_edit
        else None,
        "history": history_entries(deal),
    }
    return render(request, "investment/deal_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _get_deal(request, pk)
    _forbid(scopes.can_edit_deal(request.user, deal))
    initial = {"name": deal.name, "county": deal.county, "event": deal.event, "note": deal.note}
    initial["policies"] = list(deal.policies.all())
    initial.update(_wan_initial(deal, ["signed_amount", "invested"]))
    form = _deal_form(request, request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = _yuan(form.cleaned_data)
        if data.get("invested") is None:
            data["invested"] = Decimal(0)
        try:
            services.deal_update(actor=request.user, deal=deal, **data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(deal)
    title = _("编辑招商项目：%(n)s") % {"n": deal.name}
    return render(request, "investment/form.html", {"form": form, "title": title, "back": deal})


@login_required
@require_POST
def deal_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a deal (the deal page's form, or a board card through htmx: a backward move's
    reason comes from the prompt, in the HX-Prompt header)."""
    deal = _get_deal(request, pk)
    _forbid(scopes.can_edit_deal(request.user, deal))
    post = request.POST.copy()
    if not post.get("on"):
        post["on"] = _today().isoformat()
    if not post.get("reason") and request.headers.get("HX-Prompt"):
        post["reason"] = request.headers["HX-Prompt"]
    form = DealMoveForm(post)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        amount = data["signed_amount"]
        try:
            services.deal_move(
                actor=request.user,
                deal=deal,
                stage=data["stage"],
                on=data["on"],
                reason=data["reason"],
                signed_amount=None if amount is None else wan_to_yuan(amount),
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
            apply_service_error(form, exc)
    else:
        error = "；".join(
            f"{form.fields[f].label}：{' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items()
        )
    if is_htmx(request):
        ctx = _board_context(request)
        ctx["neighbours"] = {s: _neighbours(s) for s in DealStage.values}
        ctx["error"] = error
        ctx["error_deal"] = deal.pk if error else None
        # 200 either way: htmx swaps only successful answers, and the error shows on the board.
        return render(request, "investment/_board.html", ctx)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("阶段已更新。"))
    return redirect(deal)


# Events --------------------------------------------------------------------------------------


def _get_event(request: HttpRequest, pk: int) -> PromotionEvent:
    return get_object_or_404(scopes.events_for_user(request.user), pk=pk)


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    qs = scopes.events_for_user(request.user)
    ctx = {"page": page_of(request, qs), "can_edit": scopes.can_edit_lists(request.user)}
    return render(request, "investment/event_list.html", ctx)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    deals = scopes.deals_for_user(request.user).filter(event=event)
    total = sum((d.signed_amount or 0) for d in deals)
    ctx = {
        "ev": event,
        "deals": deals,
        "total": total,
        "can_edit": scopes.can_edit_lists(request.user),
        "history": history_entries(event),
    }
    return render(request, "investment/event_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_edit_lists(request.user))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect(event)
    return render(request, "investment/form.html", {"form": form, "title": _("登记推介会")})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    _forbid(scopes.can_edit_lists(request.user))
    form = EventForm(request.POST or None, instance=PromotionEvent.objects.get(pk=event.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect(event)
    title = _("编辑推介会：%(n)s") % {"n": event.name}
    return render(request, "investment/form.html", {"form": form, "title": title, "back": event})
