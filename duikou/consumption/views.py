"""Consumption-aid pages: channels (list, detail, create, edit), products, suppliers with their
certifications, the sales list with its filters and export, the single-entry sale form (a shop's
liaison on a phone enters its month), and the yearly target (headquarters).

Every page starts from the scopes' querysets: a record outside the user's scope is 404, an
action the user may not take 403. The statistics page is the reports app's (/consumption/stats/).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from duikou.consumption import scopes, services
from duikou.consumption.forms import (
    DAY_ROW,
    MONTH_ROW,
    ChannelForm,
    SaleForm,
    TargetForm,
    last_month,
    zhejiang_cities,
)
from duikou.consumption.models import Sale
from duikou.consumption.vocab import ChannelKind
from duikou.core.history import history_entries
from duikou.core.viewutils import apply_service_error, page_of, pk_param, year_param
from duikou.lib.money import wan_plain, wan_to_yuan

EXPORT_FORMATS = {"xlsx", "csv"}
CHANNEL_FIELDS = ("name", "kind", "city", "operator", "opened_on", "closed_on", "note")


def _forbid(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _reader(request: HttpRequest) -> None:
    if not scopes.reads_sales(request.user):
        raise PermissionDenied


# Channels --------------------------------------------------------------------------------------


def _filtered_channels(request: HttpRequest):
    qs = scopes.channels_for_user(request.user).annotate(n_sales=Count("sales"))
    kind = request.GET.get("kind", "")
    if kind in ChannelKind.values:
        qs = qs.filter(kind=kind)
    city = request.GET.get("city", "")
    if city.isdigit() and len(city) == 6:
        qs = qs.filter(city__code=city)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(name__icontains=q)
    state = request.GET.get("state", "")
    today = timezone.localdate()
    if state == "open":
        qs = qs.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
    elif state == "closed":
        qs = qs.filter(closed_on__lte=today)
    year = year_param(request)
    if year:  # open at the end of that year: the channels behind the `outlets` figure
        end = dt.date(year, 12, 31)
        qs = qs.filter(
            Q(opened_on__isnull=True) | Q(opened_on__lte=end),
            Q(closed_on__isnull=True) | Q(closed_on__gt=end),
        )
    return qs.order_by("kind", "name")


@login_required
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    ctx = {
        "page": page_of(request, _filtered_channels(request)),
        "open_year": year_param(request),
        "kinds": ChannelKind.choices,
        "cities": zhejiang_cities(),
        "can_edit": scopes.can_edit_lists(request.user),
    }
    return render(request, "consumption/channel_list.html", ctx)


@login_required
@require_GET
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(scopes.channels_for_user(request.user), pk=pk)
    sales = scopes.sales_for_user(request.user).filter(channel=channel)
    by_year = (
        sales.order_by()
        .values("date__year")
        .annotate(sold=Sum("sold"), ordered=Sum("ordered"), n=Count("pk"))
        .order_by("-date__year")
    )
    ctx = {
        "c": channel,
        "by_year": [
            {
                "year": r["date__year"],
                "sold": _yuan(r["sold"]),
                "ordered": _yuan(r["ordered"]),
                "n": r["n"],
            }
            for r in by_year
        ],
        "recent": sales.order_by("-date", "product__name")[:24],
        "last": sales.aggregate(m=Max("date"))["m"],
        "can_edit": scopes.can_edit_lists(request.user),
        "can_enter": scopes.can_record_sale(request.user, channel, None)
        or scopes.is_headquarters(request.user),
        "history": history_entries(channel),
    }
    return render(request, "consumption/channel_detail.html", ctx)


def _yuan(total) -> Decimal:
    # Sum() over a MoneyField comes back in yuan (the field's from_db_value); None when empty.
    return total if total is not None else Decimal("0.00")


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest) -> HttpResponse:
    _forbid(scopes.can_edit_lists(request.user))
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记销售渠道。"))
            return redirect(channel)
    return render(request, "consumption/form.html", {"form": form, "title": _("登记销售渠道")})


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(scopes.channels_for_user(request.user), pk=pk)
    _forbid(scopes.can_edit_lists(request.user))
    initial = {f: getattr(channel, f) for f in CHANNEL_FIELDS}
    form = ChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_update(
                actor=request.user, channel=channel, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(channel)
    return render(
        request,
        "consumption/form.html",
        {"form": form, "title": _("修改销售渠道"), "back": channel},
    )


# Products and suppliers ------------------------------------------------------------------------


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    products = scopes.products_for_user(request.user)
    sold = {
        r["product_id"]: r["s"]
        for r in scopes.sales_for_user(request.user)
        .order_by()
        .values("product_id")
        .annotate(s=Sum("sold"))
    }
    rows = [{"p": p, "sold": _yuan(sold.get(p.pk))} for p in products]
    return render(request, "consumption/product_list.html", {"rows": rows})


@login_required
@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    qs = scopes.suppliers_for_user(request.user).prefetch_related("certifications")
    return render(request, "consumption/supplier_list.html", {"page": page_of(request, qs)})


# Sales -----------------------------------------------------------------------------------------


def _filtered_sales(request: HttpRequest):
    qs = scopes.sales_for_user(request.user)
    year = year_param(request)
    if year:
        qs = qs.filter(date__year=year)
    month = request.GET.get("month", "")
    if month.isdigit() and 1 <= int(month) <= 12:
        qs = qs.filter(date__month=int(month))
    kind = request.GET.get("kind", "")
    if kind in ChannelKind.values:
        qs = qs.filter(channel__kind=kind)
    city = request.GET.get("city", "")
    if city.isdigit() and len(city) == 6:
        qs = qs.filter(channel__city__code=city)
    product = pk_param(request, "product")
    if product:
        qs = qs.filter(product_id=product)
    channel = pk_param(request, "channel")
    if channel:
        qs = qs.filter(channel_id=channel)
    rows = request.GET.get("rows", "")
    if rows == MONTH_ROW:
        qs = qs.filter(is_month=True)
    elif rows == DAY_ROW:
        qs = qs.filter(is_month=False)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(channel__name__icontains=q) | Q(product__name__icontains=q))
    # pk last: a total order, so the last pages read from the other end (core.viewutils.page_of)
    return qs.order_by("-date", "channel__name", "product__name", "pk")


@login_required
@require_GET
def sale_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    qs = _filtered_sales(request)
    totals = qs.aggregate(sold=Sum("sold"), ordered=Sum("ordered"), n=Count("pk"))
    ctx = {
        "page": page_of(request, qs, count=totals["n"]),
        "total_sold": _yuan(totals["sold"]),
        "total_ordered": _yuan(totals["ordered"]),
        "count": totals["n"],
        "kinds": ChannelKind.choices,
        "cities": zhejiang_cities(),
        "products": scopes.products_for_user(request.user),
        "years": range(timezone.localdate().year, 2019, -1),
        "months": range(1, 13),
        "can_enter": scopes.can_enter_sales(request.user),
    }
    return render(request, "consumption/sale_list.html", ctx)


@login_required
@require_GET
def sale_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    from duikou.exchange_io import exports

    return exports.respond(request, "consumption.sales", fmt)


def sales_table(user, params):
    """The sales the list's filters select (registered with the Excel engine in apps.ready)."""
    from duikou.exchange_io import exports

    request = exports.as_request(user, params)
    _reader(request)
    return exports.sheet_table("销售", _filtered_sales(request), "sales")


def _sale_form(request: HttpRequest, data=None, **kwargs) -> SaleForm:
    return SaleForm(
        data,
        channels=scopes.entry_channels(request.user),
        suppliers=scopes.entry_suppliers(request.user),
        **kwargs,
    )


def _sale_data(form: SaleForm) -> dict:
    d = form.cleaned_data
    return {
        "channel": d["channel"],
        "product": d["product"],
        "date": d["date"],
        "is_month": d["is_month"],
        "sold": wan_to_yuan(d["sold"]),
        "ordered": wan_to_yuan(d["ordered"] or 0),
        "supplier": d.get("supplier"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def sale_create(request: HttpRequest) -> HttpResponse:
    """Enter a sale; one already entered under the same key (日期 + 渠道 + 产品) is updated."""
    _forbid(scopes.can_enter_sales(request.user))
    initial: dict = {"month": last_month(timezone.localdate()), "period": MONTH_ROW}
    channel_id = pk_param(request, "channel")
    if channel_id:
        found = scopes.entry_channels(request.user).filter(pk=channel_id).first()
        if found is not None:
            initial["channel"] = found
    form = _sale_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sale, created = services.sale_record(actor=request.user, **_sale_data(form))
        except ValidationError as exc:
            apply_service_error(form, exc)
            if "date" in getattr(exc, "error_dict", {}):
                target = "day" if form.cleaned_data.get("period") == DAY_ROW else "month"
                form.add_error(target, exc.error_dict["date"])
        else:
            if created:
                messages.success(request, _("已保存：%(s)s。") % {"s": sale})
            else:
                messages.success(
                    request, _("已更新（该日期、渠道和产品已有记录）：%(s)s。") % {"s": sale}
                )
            return redirect(f"{request.path}?channel={sale.channel_id}")
    return render(
        request,
        "consumption/sale_form.html",
        {"form": form, "title": _("填报销售")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sale: Sale = get_object_or_404(scopes.sales_for_user(request.user), pk=pk)
    _forbid(scopes.can_record_sale(request.user, sale.channel, sale.supplier))
    initial = {
        "channel": sale.channel,
        "product": sale.product,
        "period": MONTH_ROW if sale.is_month else DAY_ROW,
        "month": sale.date if sale.is_month else None,
        "day": None if sale.is_month else sale.date,
        "sold": wan_plain(sale.sold),
        "ordered": wan_plain(sale.ordered),
        "supplier": sale.supplier,
    }
    form = _sale_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sale_update(actor=request.user, sale=sale, **_sale_data(form))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("consumption:sale_list")
    return render(
        request,
        "consumption/sale_form.html",
        {"form": form, "title": _("修改销售记录"), "sale": sale, "history": history_entries(sale)},
    )


# Targets ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def target_list(request: HttpRequest) -> HttpResponse:
    """The yearly targets; headquarters sets one (a year already set is changed)."""
    _reader(request)
    can_edit = scopes.can_edit_lists(request.user)
    if request.method == "POST":
        _forbid(can_edit)
    year = year_param(request, default=timezone.localdate().year)
    form = TargetForm(request.POST or None, initial={"year": year}) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.target_set(
                actor=request.user,
                year=d["year"],
                amount=wan_to_yuan(d["amount"]),
                note=d["note"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已设定 %(y)s 年度销售目标。") % {"y": d["year"]})
            return redirect("consumption:target_list")
    return render(
        request,
        "consumption/target_list.html",
        {"targets": scopes.targets_for_user(request.user), "form": form},
    )
