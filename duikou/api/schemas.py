"""What the API returns and accepts: one schema per record kind, money as Decimal yuan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from duikou.people import scopes as people_scopes


class Error(Schema):
    field: str | None
    label: str | None
    message: str


class Refusal(Schema):
    detail: str
    errors: list[Error] = []


class Division(Schema):
    code: str
    name: str


class OrgRef(Schema):
    id: int
    name: str


class Organisation(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    side: str
    division: Division
    credit_code: str | None
    address: str
    note: str


class Pairing(Schema):
    id: int
    kind: str
    zhejiang_org: OrgRef
    haixi_org: OrgRef
    haixi_department: str | None = Field(None, alias="haixi_department.name")
    county: Division = Field(..., alias="haixi_org.division")
    start_date: dt.date
    end_date: dt.date | None
    agreement_title: str


class Flow(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    date: dt.date
    type: str
    source: str
    amount: Decimal
    voucher: str
    note: str
    created_at: dt.datetime


class ProgressReport(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    date: dt.date
    progress: int
    text: str
    created_at: dt.datetime


class Project(Schema):
    id: int
    code: str
    name: str
    year: int
    category: str
    status: str
    county: Division
    implementer: OrgRef | None
    pairing_city: Division | None
    location_detail: str
    aid_amount: Decimal
    local_amount: Decimal
    social_amount: Decimal
    committed: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    planned_start: dt.date | None
    planned_finish: dt.date | None
    actual_start: dt.date | None
    actual_finish: dt.date | None

    @staticmethod
    def resolve_committed(obj: Any) -> Decimal:
        return getattr(obj, "committed", None) or Decimal(0)

    @staticmethod
    def resolve_disbursed(obj: Any) -> Decimal:
        return getattr(obj, "disbursed", None) or Decimal(0)


class ProjectDetail(Project):
    description: str
    flows: list[Flow]
    reports: list[ProgressReport]

    @staticmethod
    def resolve_flows(obj: Any) -> list[Any]:
        return list(obj.flows.order_by("date", "pk"))

    @staticmethod
    def resolve_reports(obj: Any) -> list[Any]:
        return list(obj.reports.order_by("-date", "-pk"))


class PostedPerson(Schema):
    """The person of a posting. ID number and phone masked, and absent for the viewer."""

    id: int
    name: str
    gender: str
    id_number_masked: str | None = None
    phone_masked: str | None = None


class Posting(Schema):
    id: int
    person: PostedPerson
    kind: str
    field: str
    batch: int | None = Field(None, alias="batch.number")
    sending_org: OrgRef
    host_org: OrgRef
    host_department: str | None = Field(None, alias="host_department.name")
    county: Division = Field(..., alias="host_org.division")
    role: str
    start_date: dt.date
    end_date: dt.date | None

    @staticmethod
    def resolve_person(obj: Any, context: dict[str, Any]) -> dict[str, Any]:
        person = obj.person
        out: dict[str, Any] = {"id": person.pk, "name": person.name, "gender": person.gender}
        if people_scopes.sees_personal_data(context["request"].user):
            out["id_number_masked"] = person.id_number_masked
            out["phone_masked"] = person.phone_masked if person.phone_cipher else ""
        return out


class Demand(Schema):
    id: int
    organisation: OrgRef
    county: Division = Field(..., alias="organisation.division")
    title: str
    skill: str
    skill_field: str
    service_kind: str
    days: int
    earliest_start: dt.date
    latest_end: dt.date
    priority: int
    status: str
    posted_at: dt.datetime


class Visit(Schema):
    id: int
    demand: int = Field(..., alias="demand_id")
    organisation: OrgRef = Field(..., alias="demand.organisation")
    expert: str = Field(..., alias="expert.name")
    start_date: dt.date
    end_date: dt.date
    status: str
    delivered_days: int | None
    rating: int | None


class Deal(Schema):
    id: int
    name: str
    enterprise: str = Field(..., alias="enterprise.organisation.name")
    county: Division | None
    industry_section: str
    stage: str
    signed_amount: Decimal | None
    invested: Decimal
    signed_on: dt.date | None


class PromotionEvent(Schema):
    id: int
    name: str
    date: dt.date
    place: str
    organiser: str
    attendance: int | None


class Sale(Schema):
    id: int
    date: dt.date
    is_month: bool
    channel: OrgRef
    product: OrgRef
    supplier: str | None = Field(None, alias="supplier.organisation.name")
    sold: Decimal
    ordered: Decimal


class Event(Schema):
    id: int
    kind: str
    title: str
    start_date: dt.date
    end_date: dt.date
    places: list[Division]
    organisers: list[OrgRef]
    organiser_text: str
    haixi_count: int
    zhejiang_count: int

    @staticmethod
    def resolve_places(obj: Any) -> list[Any]:
        return list(obj.places.all())

    @staticmethod
    def resolve_organisers(obj: Any) -> list[Any]:
        return list(obj.organisers.all())


# Writes -------------------------------------------------------------------------------------


class FlowIn(Schema):
    date: dt.date
    type: str = Field(..., description="下达 / 拨付 / 支出")
    source: str = Field(..., description="援助资金 / 地方配套 / 社会资金")
    amount: Decimal = Field(..., description="元，两位小数")
    voucher: str = Field(..., max_length=60)
    note: str = Field("", max_length=300)


class ReportIn(Schema):
    date: dt.date
    progress: int = Field(..., description="0–100")
    text: str


class SaleIn(Schema):
    """A sales row by its key (日期 + 渠道 + 产品 + 月度合计): created, or the existing row
    updated (as the Excel import does)."""

    date: dt.date
    is_month: bool = False
    channel: int
    product: int
    supplier: int | None = None
    sold: Decimal
    ordered: Decimal = Decimal(0)


class SaleWritten(Schema):
    created: bool
    sale: Sale


class Figures(Schema):
    year: int
    figures: dict[str, Any]
