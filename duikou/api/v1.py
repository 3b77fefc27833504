"""/api/v1/: the ledgers, read through each one's scoped querysets (the rows its pages show the
same user), and the three writes outside systems feed, through the ledgers' services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffset
from ninja.pagination import paginate

from duikou.api import schemas
from duikou.api.security import SignedInSession, TokenAuth, TokenRateThrottle, install_handlers
from duikou.consumption import scopes as consumption_scopes
from duikou.consumption import services as consumption_services
from duikou.core import scopes as core_scopes
from duikou.exchanges import scopes as exchanges_scopes
from duikou.exchanges.models import Event
from duikou.investment import scopes as investment_scopes
from duikou.orders import scopes as orders_scopes
from duikou.people import scopes as people_scopes
from duikou.projects import scopes as projects_scopes
from duikou.projects import selectors as projects_selectors
from duikou.projects import services as projects_services
from duikou.reports import figures

api = NinjaAPI(
    title="Duikou API",
    version="1",
    description=(
        "对口支援协作平台的数据接口。每个接口只返回调用者在对应页面上能看到的记录（同一数据范围）。"
        " 认证：`Authorization: Bearer <令牌>`（在“接口令牌”页面创建）。分页：limit / offset。"
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SignedInSession()],
    throttle=[TokenRateThrottle()],
    docs_url=None,  # the browsable docs are served by duikou.api.views (vendored, CSP-clean)
    openapi_url="/openapi.json",
)
install_handlers(api)

Year = Query(None, ge=2000, le=2100, description="年度")
#: text parameters never carry a NUL byte (PostgreSQL refuses it in a query: a 500, now a 422)
NO_NUL = r"^[^\x00]*$"
County = Query(None, max_length=6, pattern=NO_NUL, description="县市（区划代码，含其乡镇）")
Text = Query(None, max_length=100, pattern=NO_NUL, description="搜索")
Code = Query(None, max_length=20, pattern=NO_NUL)

REFUSALS: dict[int, Any] = {401: schemas.Refusal, 403: schemas.Refusal, 404: schemas.Refusal}


class LimitOffsetPagination(NinjaLimitOffset):
    """limit / offset with both bounded: an offset past any table (the fuzz run's 10^23) is a
    422 naming the field, not a database overflow."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=10**9)


def _user(request: HttpRequest) -> Any:
    return request.user


def _in_county(prefix: str, code: str) -> Q:
    """Records whose division (through `prefix`) is the county `code` or a town of it."""
    return Q(**{f"{prefix}__code": code}) | Q(**{f"{prefix}__parent__code": code})


# Registry ------------------------------------------------------------------------------------

registry = Router(tags=["registry 名录"])


@registry.get("/organisations/", response={200: list[schemas.Organisation], **REFUSALS})
@paginate(LimitOffsetPagination)
def organisations(
    request: HttpRequest,
    q: str | None = Text,
    side: str | None = Code,
    kind: str | None = Code,
    division: str | None = County,
) -> QuerySet:
    """Organisations (单位): the list /orgs/ shows."""
    qs = core_scopes.organisations_for_user(_user(request)).order_by(
        "side", "division__code", "name", "pk"
    )
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(
            Q(name__icontains=t) | Q(short_name__icontains=t) | Q(credit_code__icontains=t)
        )
    if side:
        qs = qs.filter(side=side)
    if kind:
        qs = qs.filter(kind=kind)
    if division:
        qs = qs.filter(_in_county("division", division))
    return qs


@registry.get("/organisations/{pk}/", response={200: schemas.Organisation, **REFUSALS})
def organisation(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(core_scopes.organisations_for_user(_user(request)), pk=pk)


@registry.get("/pairings/", response={200: list[schemas.Pairing], **REFUSALS})
@paginate(LimitOffsetPagination)
def pairings(
    request: HttpRequest,
    q: str | None = Text,
    kind: str | None = Code,
    county: str | None = County,
    year: int | None = Year,
) -> QuerySet:
    """Pairings (结对): the list /pairings/ shows."""
    qs = core_scopes.pairings_for_user(_user(request)).order_by("pk")
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(
            Q(zhejiang_org__name__icontains=t)
            | Q(zhejiang_org__short_name__icontains=t)
            | Q(haixi_org__name__icontains=t)
            | Q(haixi_org__short_name__icontains=t)
            | Q(haixi_department__name__icontains=t)
            | Q(agreement_title__icontains=t)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if county:
        qs = qs.filter(haixi_org__division__code=county)
    if year:
        qs = qs.overlapping_year(year)
    return qs


# Projects ------------------------------------------------------------------------------------

projects = Router(tags=["projects 项目与资金"])


def _projects(request: HttpRequest) -> QuerySet:
    return projects_scopes.projects_for_user(_user(request))


@projects.get("/projects/", response={200: list[schemas.Project], **REFUSALS})
@paginate(LimitOffsetPagination)
def project_list(
    request: HttpRequest,
    q: str | None = Text,
    year: int | None = Year,
    category: str | None = Code,
    county: str | None = County,
    status: str | None = Code,
) -> QuerySet:
    """Projects with their budgets by source and cumulative 下达/拨付: the list /projects/ shows."""
    qs = _projects(request).order_by("-year", "code", "pk")
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(Q(code__icontains=t) | Q(name__icontains=t))
    if year:
        qs = qs.filter(year=year)
    if category:
        qs = qs.filter(category=category)
    if county:
        qs = qs.filter(county__code=county)
    if status:
        qs = qs.filter(status=status)
    return projects_selectors.with_flow_sums(qs)


@projects.get("/projects/{pk}/", response={200: schemas.ProjectDetail, **REFUSALS})
def project_detail(request: HttpRequest, pk: int) -> Any:
    """One project with its money flows and progress reports."""
    return get_object_or_404(projects_selectors.with_flow_sums(_projects(request)), pk=pk)


@projects.get("/flows/", response={200: list[schemas.Flow], **REFUSALS})
@paginate(LimitOffsetPagination)
def flow_list(
    request: HttpRequest,
    year: int | None = Year,
    project: int | None = Query(None, ge=1, le=2**63 - 1, description="项目 id"),
    county: str | None = County,
    type: str | None = Code,
    source: str | None = Code,
) -> QuerySet:
    """Money flows (下达/拨付/支出) of the projects the user reads."""
    qs = projects_scopes.flows_for_user(_user(request)).order_by("date", "pk")
    if year:
        qs = qs.filter(date__year=year)
    if project:
        qs = qs.filter(project_id=project)
    if county:
        qs = qs.filter(project__county__code=county)
    if type:
        qs = qs.filter(type=type)
    if source:
        qs = qs.filter(source=source)
    return qs


@projects.post(
    "/projects/{pk}/flows/",
    response={201: schemas.Flow, 422: schemas.Refusal, **REFUSALS},
)
def flow_create(request: HttpRequest, pk: int, payload: schemas.FlowIn) -> Any:
    """Record a money flow (a finance system's payment): the project page's 录入资金."""
    project = get_object_or_404(_projects(request), pk=pk)
    flow = projects_services.flow_record(
        actor=_user(request), project=project, **payload.model_dump()
    )
    return Status(201, flow)


@projects.post(
    "/projects/{pk}/reports/",
    response={201: schemas.ProgressReport, 422: schemas.Refusal, **REFUSALS},
)
def report_create(request: HttpRequest, pk: int, payload: schemas.ReportIn) -> Any:
    """File a progress report (without photos; those are uploaded on the project page)."""
    project = get_object_or_404(_projects(request), pk=pk)
    report = projects_services.progress_report_create(
        actor=_user(request), project=project, **payload.model_dump()
    )
    return Status(201, report)


# People --------------------------------------------------------------------------------------

people = Router(tags=["people 人员"])


@people.get("/postings/", response={200: list[schemas.Posting], **REFUSALS})
@paginate(LimitOffsetPagination)
def posting_list(
    request: HttpRequest,
    q: str | None = Text,
    year: int | None = Year,
    county: str | None = County,
    kind: str | None = Code,
    field: str | None = Code,
    batch: int | None = Query(None, ge=1, le=10_000),
    current: bool | None = Query(None, description="true：在岗；false：已期满"),
) -> QuerySet:
    """Postings (派驻); ID numbers and phones masked, and left out for the viewer."""
    qs = people_scopes.postings_for_user(_user(request)).order_by("-start_date", "pk")
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(
            Q(person__name__icontains=t)
            | Q(host_org__name__icontains=t)
            | Q(host_org__short_name__icontains=t)
            | Q(role__icontains=t)
        )
    if year:
        qs = qs.overlapping_year(year)
    if county:
        qs = qs.filter(_in_county("host_org__division", county))
    if kind:
        qs = qs.filter(kind=kind)
    if field:
        qs = qs.filter(field=field)
    if batch:
        qs = qs.filter(batch__number=batch)
    today = timezone.localdate()
    if current is True:
        qs = qs.active_on(today)
    elif current is False:
        qs = qs.filter(end_date__lt=today)
    return qs


# Orders --------------------------------------------------------------------------------------

orders = Router(tags=["orders 组团式需求与服务"])


@orders.get("/demands/", response={200: list[schemas.Demand], **REFUSALS})
@paginate(LimitOffsetPagination)
def demand_list(
    request: HttpRequest,
    q: str | None = Text,
    year: int | None = Year,
    county: str | None = County,
    status: str | None = Code,
    field: str | None = Code,
    kind: str | None = Code,
    skill: str | None = Query(None, max_length=50, pattern=NO_NUL),
    org: int | None = Query(None, ge=1, le=2**63 - 1, description="单位 id"),
) -> QuerySet:
    """Demands (需求) the user reads: /orders/."""
    qs = orders_scopes.demands_for_user(_user(request)).order_by("-posted_at", "-pk")
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(
            Q(organisation__name__icontains=t)
            | Q(organisation__short_name__icontains=t)
            | Q(skill__icontains=t)
            | Q(title__icontains=t)
            | Q(note__icontains=t)
        )
    if skill:
        qs = qs.filter(skill=skill)
    if org:
        qs = qs.filter(organisation=org)
    if year:
        qs = qs.filter(posted_at__year=year)
    if county:
        qs = qs.filter(_in_county("organisation__division", county))
    if status:
        qs = qs.filter(status=status)
    if field:
        qs = qs.filter(skill_field=field)
    if kind:
        qs = qs.filter(service_kind=kind)
    return qs


@orders.get("/visits/", response={200: list[schemas.Visit], **REFUSALS})
@paginate(LimitOffsetPagination)
def visit_list(
    request: HttpRequest,
    year: int | None = Year,
    county: str | None = County,
    status: str | None = Code,
    org: int | None = Query(None, ge=1, le=2**63 - 1, description="单位 id"),
) -> QuerySet:
    """Visits (上门服务) the user reads: /orders/visits/. `year`: starting in that year."""
    qs = orders_scopes.visits_for_user(_user(request)).order_by("-start_date", "-pk")
    if org:
        qs = qs.filter(demand__organisation=org)
    if year:
        qs = qs.filter(start_date__year=year)
    if county:
        qs = qs.filter(_in_county("demand__organisation__division", county))
    if status:
        qs = qs.filter(status=status)
    return qs


# Investment ----------------------------------------------------------------------------------

investment = Router(tags=["investment 招商"])


@investment.get("/deals/", response={200: list[schemas.Deal], **REFUSALS})
@paginate(LimitOffsetPagination)
def deal_list(
    request: HttpRequest,
    q: str | None = Text,
    year: int | None = Year,
    county: str | None = County,
    stage: str | None = Code,
) -> QuerySet:
    """Deals (招商项目) the user reads: /investment/deals/. `year`: signed in that year."""
    qs = investment_scopes.deals_for_user(_user(request)).order_by("pk")
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(Q(name__icontains=t) | Q(enterprise__organisation__name__icontains=t))
    if year:
        qs = qs.filter(signed_on__year=year)
    if county:
        qs = qs.filter(county__code=county)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


@investment.get("/promotion-events/", response={200: list[schemas.PromotionEvent], **REFUSALS})
@paginate(LimitOffsetPagination)
def promotion_event_list(
    request: HttpRequest, q: str | None = Text, year: int | None = Year
) -> QuerySet:
    """Investment promotion events (招商推介活动): /investment/events/."""
    qs = investment_scopes.events_for_user(_user(request)).order_by("-date", "pk")
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(place__icontains=q.strip()))
    if year:
        qs = qs.filter(date__year=year)
    return qs


# Consumption ---------------------------------------------------------------------------------

consumption = Router(tags=["consumption 消费帮扶"])


@consumption.get("/sales/", response={200: list[schemas.Sale], **REFUSALS})
@paginate(LimitOffsetPagination)
def sale_list(
    request: HttpRequest,
    q: str | None = Text,
    year: int | None = Year,
    month: int | None = Query(None, ge=1, le=12),
    channel: int | None = Query(None, ge=1, le=2**63 - 1),
    product: int | None = Query(None, ge=1, le=2**63 - 1),
    is_month: bool | None = Query(None, description="true：月度合计行；false：单日行"),
) -> QuerySet:
    """Sales rows the user reads: /consumption/sales/."""
    qs = consumption_scopes.sales_for_user(_user(request)).order_by("date", "pk")
    if q and q.strip():
        t = q.strip()
        qs = qs.filter(Q(channel__name__icontains=t) | Q(product__name__icontains=t))
    if year:
        qs = qs.filter(date__year=year)
    if month:
        qs = qs.filter(date__month=month)
    if channel:
        qs = qs.filter(channel_id=channel)
    if product:
        qs = qs.filter(product_id=product)
    if is_month is not None:
        qs = qs.filter(is_month=is_month)
    return qs


@consumption.post(
    "/sales/",
    response={200: schemas.SaleWritten, 201: schemas.SaleWritten, 422: schemas.Refusal, **REFUSALS},
)
def sale_write(request: HttpRequest, payload: schemas.SaleIn) -> Any:
    """A shop's or platform's sales row, by its key: 201 created, 200 the existing row updated."""
    user = _user(request)
    data = payload.model_dump()
    found = {
        "channel": consumption_scopes.entry_channels(user).filter(pk=data["channel"]).first(),
        "product": consumption_scopes.products_for_user(user).filter(pk=data["product"]).first(),
    }
    if data["supplier"] is not None:
        found["supplier"] = (
            consumption_scopes.entry_suppliers(user).filter(pk=data["supplier"]).first()
        )
    missing = {k: _no_such(k) for k, v in found.items() if v is None}
    if missing:
        raise ValidationError(missing)
    sale, created = consumption_services.sale_record(
        actor=user,
        channel=found["channel"],
        product=found["product"],
        supplier=found.get("supplier"),
        date=data["date"],
        is_month=data["is_month"],
        sold=data["sold"],
        ordered=data["ordered"],
    )
    return Status(201 if created else 200, {"created": created, "sale": sale})


def _no_such(field: str) -> str:
    messages = {
        "channel": _("没有这个编号的渠道，或不在您可填报的范围内。"),
        "product": _("没有这个编号的产品。"),
        "supplier": _("没有这个编号的供应商，或不在您可填报的范围内。"),
    }
    return messages[field]


# Exchanges -----------------------------------------------------------------------------------

exchanges = Router(tags=["exchanges 交往交流交融"])


@exchanges.get("/events/", response={200: list[schemas.Event], **REFUSALS})
@paginate(LimitOffsetPagination)
def event_list(
    request: HttpRequest,
    q: str | None = Text,
    year: int | None = Year,
    county: str | None = County,
    kind: str | None = Code,
) -> QuerySet:
    """Exchange events (交流活动) the user reads: /exchanges/."""
    qs = exchanges_scopes.events_for_user(_user(request)).order_by("-start_date", "pk")
    if q and q.strip():
        qs = qs.filter(title__icontains=q.strip())
    if year:
        qs = qs.filter(start_date__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if county:
        qs = qs.filter(
            pk__in=Event.objects.filter(
                Q(places__code=county)
                | Q(organisers__division__code=county)
                | Q(organisers__division__parent__code=county)
            ).values("pk")
        )
    return qs.prefetch_related("places", "organisers")


# Figures -------------------------------------------------------------------------------------

figures_router = Router(tags=["figures 指标"])


@figures_router.get("/figures/", response={200: schemas.Figures, **REFUSALS})
def figure_list(request: HttpRequest, year: int | None = Year) -> Any:
    """Every headline figure of a year (figures.md), computed over the caller's data scope."""
    year = year or figures.current_year()
    return {"year": year, "figures": figures.compute(year, _user(request))}


for router in (registry, projects, people, orders, investment, consumption, exchanges):
    api.add_router("", router)
api.add_router("", figures_router)
