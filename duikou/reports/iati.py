"""The IATI 2.03 activity file of a plan year (`duikou export iati`, /reports/iati.xml).

One `iati-activity` per project of the year's plan, cancelled ones included with their status:

- `iati-identifier`: the reporting organisation's reference (settings.DUIKOU_IATI_ORG_REF) + "-" +
  the project code;
- `reporting-org`: the headquarters (settings), type 11 Local Government;
- `title` and `description`: the Chinese name and text, and the English ones where the project
  has them (`xml:lang="en"`; the activity's language is zh). A project with no text gets a
  one-sentence description stated from its record, in both languages;
- `participating-org`: Zhejiang Province funds (role 1; the county and social investors too
  where the project has local or social money), the Zhejiang pairing city extends (role 3; the
  headquarters for projects it runs itself), the Haixi implementer implements (role 4);
- `activity-status`: the lifecycle mapped by STATUS; `activity-date`: planned and actual start
  and finish (a project with no date at all: the plan year's 1 January as its planned start);
- `recipient-country` CN; `location`: the county (and township), at the coordinates of the
  county seat in the reference data;
- `sector`: the category's OECD DAC 5-digit purpose code (SECTOR);
- `budget`: the plan year's budget (all funding sources), as first recorded (type 1 Original)
  and, if the amounts changed since, as it stands (type 2 Revised);
- `transaction`: every money flow (下达 → 2 commitment, 拨付 → 3 disbursement, 支出 → 4
  expenditure) with its value date, in CNY.

Every code comes from the IATI codelists in the reference data (core/data/domain-facts.json,
`iati.codelists` and `dac_sectors`); `problems()` checks a file against the XSD shipped in
reports/data/iati-2.03/ and every coded value against those codelists. The file holds no
personal data: no person, no phone, no note typed by a user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from lxml import etree

from duikou.accounts.models import User
from duikou.core.models import Division, Organisation
from duikou.core.reference import facts
from duikou.core.vocab import FlowType, FundingSource, OrgKind, ProjectCategory, ProjectStatus
from duikou.lib.money import FEN
from duikou.projects import scopes as projects_scopes
from duikou.projects.models import MoneyFlow, Project

VERSION = "2.03"
SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "iati-2.03"
SCHEMA = SCHEMA_DIR / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "zh"
CURRENCY = "CNY"
COUNTRY = "CN"
SRS_NAME = "http://www.opengis.net/def/crs/EPSG/0/4326"
CONTENT_TYPE = "application/xml; charset=utf-8"
# settings.DUIKOU_IATI_ORG_REF's default: the platform's own, registered nowhere (docs/iati.md).
DEFAULT_ORG_REF = "CN-ZJ-AID"

# ActivityStatus: the lifecycle of projects/models.py.
STATUS = {
    ProjectStatus.RESERVE: "1",  # Pipeline/identification
    ProjectStatus.APPROVED: "1",  # in the annual plan, work not started: still identification
    ProjectStatus.BUILDING: "2",  # Implementation
    ProjectStatus.COMPLETED: "3",  # Finalisation: built, awaiting acceptance and the balance
    ProjectStatus.ACCEPTED: "4",  # Closed
    ProjectStatus.CANCELLED: "5",  # Cancelled
    ProjectStatus.SUSPENDED: "6",  # Suspended
}
# TransactionType
TRANSACTION = {
    FlowType.COMMITMENT: "2",  # Outgoing Commitment
    FlowType.DISBURSEMENT: "3",  # Disbursement
    FlowType.EXPENDITURE: "4",  # Expenditure
}
# Sector (vocabulary 1, OECD DAC CRS 5-digit purpose codes), one per category. The reference
# lists the codes that fit the programme; the choice per category:
SECTOR = {
    # housing, drinking water, roads, heating and village works, almost all rural: 乡村振兴
    ProjectCategory.LIVELIHOOD: "43040",  # Rural development
    # goji, quinoa, vegetables and livestock processing parks: Haixi's industry is agro-industry
    ProjectCategory.INDUSTRY: "32161",  # Agro-industries
    # school buildings, dormitories, equipment and teacher training
    ProjectCategory.EDUCATION: "11120",  # Education facilities and training
    # hospital centres, equipment, tele-consultation: hospital-level services
    ProjectCategory.MEDICAL: "12191",  # Medical services
    ProjectCategory.CULTURE: "16061",  # Culture and recreation
    # 交往交流交融: camps, exchanges and tourism between the two peoples
    ProjectCategory.EXCHANGE: "16061",  # Culture and recreation
    # cadre and professional training (智力支援)
    ProjectCategory.TALENT: "11430",  # Advanced technical and managerial training
    # counterpart aid to a prefecture's government, where nothing narrower applies
    ProjectCategory.OTHER: "15112",  # Decentralisation and support to subnational government
}
SECTOR_VOCABULARY = "1"
# OrganisationType of a registry organisation, by its kind.
ORGANISATION_TYPE = {
    OrgKind.GOVERNMENT: "11",  # Local Government
    OrgKind.HOSPITAL: "15",  # Other Public Sector (public hospitals)
    OrgKind.SCHOOL: "15",  # Other Public Sector (public schools)
    OrgKind.COLLEGE: "80",  # Academic, Training and Research
    OrgKind.ENTERPRISE: "70",  # Private Sector
    OrgKind.COOPERATIVE: "70",  # Private Sector (farmers' cooperatives)
    OrgKind.VILLAGE: "90",  # Other (a village committee is self-government, not government)
    OrgKind.ASSOCIATION: "22",  # National NGO
    OrgKind.OTHER: "90",  # Other
}
LOCAL_GOVERNMENT = "11"
OTHER_ORGANISATION = "90"
ROLE_FUNDING, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "3", "4"
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
BUDGET_ORIGINAL, BUDGET_REVISED = "1", "2"
# BudgetStatus is not in the reference's codelists (IATI-Codelists version-2.03,
# BudgetStatus.xml: 1 Indicative, 2 Committed): a project in an annual plan has a committed
# budget, a 储备 project an indicative one.
BUDGET_STATUS = {"1": "Indicative", "2": "Committed"}

FUNDER_ZHEJIANG = ("浙江省人民政府", "People's Government of Zhejiang Province")
FUNDER_SOCIAL = ("社会资金（企业和社会捐赠）", "Private and social funds (enterprises, donations)")
SOURCE_EN = {
    FundingSource.AID: "Aid funds (Zhejiang's counterpart-aid budget)",
    FundingSource.LOCAL: "Local co-funding (Haixi)",
    FundingSource.SOCIAL: "Private and social funds",
}
CATEGORY_EN = {
    ProjectCategory.LIVELIHOOD: "livelihood",
    ProjectCategory.INDUSTRY: "industry support",
    ProjectCategory.EDUCATION: "education",
    ProjectCategory.MEDICAL: "health",
    ProjectCategory.CULTURE: "culture",
    ProjectCategory.EXCHANGE: "exchange and interaction between ethnic groups",
    ProjectCategory.TALENT: "capacity building",
    ProjectCategory.OTHER: "other",
}
# The reference names Zhejiang's cities in Chinese only.
ZHEJIANG_CITY_EN = {
    "330100": "Hangzhou",
    "330200": "Ningbo",
    "330300": "Wenzhou",
    "330400": "Jiaxing",
    "330500": "Huzhou",
    "330600": "Shaoxing",
    "330700": "Jinhua",
    "330800": "Quzhou",
    "330900": "Zhoushan",
    "331000": "Taizhou",
    "331100": "Lishui",
}
# Characters an iati-identifier may not hold (IATI guidance): each becomes "-".
IDENTIFIER_FORBIDDEN = re.compile(r"[\s/&|?]+")


class NothingToExport(Exception):
    """The year has no project: an IATI file needs at least one activity."""


# The reference ---------------------------------------------------------------------------------


def codelist(name: str) -> dict[str, str]:
    """An IATI codelist of the reference: {code: English name}."""
    return {c["code"]: c["name"] for c in facts()["iati"]["codelists"][name]}


def dac_sectors() -> dict[str, dict]:
    return {s["code"]: s for s in facts()["dac_sectors"]}


@cache
def _seats() -> dict[str, dict]:
    """Division code → the reference's entry (name, seat, lat, lon)."""
    rows = facts()["divisions"] + facts()["zhejiang_cities"]
    return {r["code"]: r for r in rows if r.get("code")}


def seat_of(division: Division) -> tuple[float, float, str] | None:
    """(lat, lon, seat name) of a division's seat: the reference's, else the registry's."""
    ref = _seats().get(division.code, {})
    lat, lon = ref.get("lat", division.lat), ref.get("lon", division.lon)
    if lat is None or lon is None:
        return None
    return lat, lon, ref.get("seat") or division.seat


# Settings --------------------------------------------------------------------------------------


def org_ref() -> str:
    return settings.DUIKOU_IATI_ORG_REF.strip()


def identifier(project: Project) -> str:
    return IDENTIFIER_FORBIDDEN.sub("-", f"{org_ref()}-{project.code}")


# Building --------------------------------------------------------------------------------------


def projects_of(year: int, user: User | None = None, *, public: bool = False) -> QuerySet[Project]:
    """The projects of the plan year (all statuses), within the user's scope if one is given;
    for the public portal (`public`), the published ones only."""
    if user is not None and public:
        raise ValueError("a user's export or the public one, not both")
    qs = projects_scopes.projects_for_user(user) if user is not None else Project.objects.all()
    if public:
        qs = qs.filter(is_public=True)
    flows = MoneyFlow.objects.order_by("date", "pk")
    return (
        qs.filter(year=year)
        .select_related("county__parent", "implementer", "pairing_city", "annual_plan")
        .prefetch_related(Prefetch("flows", queryset=flows))
        .order_by("code")
    )


def _budget_history(projects: list[Project]) -> dict[int, tuple[Decimal, dt.datetime | None]]:
    """Project id → (its total budget as first recorded, when the total last changed)."""
    if not projects:
        return {}
    rows = (
        Project.history.filter(id__in=[p.pk for p in projects])
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "aid_amount", "local_amount", "social_amount")
    )
    out: dict[int, tuple[Decimal, dt.datetime | None]] = {}
    previous: dict[int, Decimal] = {}
    for pk, when, aid, local, social in rows:
        total = _amount(aid) + _amount(local) + _amount(social)
        if pk not in out:
            out[pk] = (total, None)
        elif total != previous[pk]:
            out[pk] = (out[pk][0], when)
        previous[pk] = total
    return out


def _amount(value: Any) -> Decimal:
    """A money value as yuan: the history rows hold the model's Decimal (or raw 分)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return (Decimal(int(value)) * FEN).quantize(FEN)


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(FEN))


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


@dataclass
class Context:
    year: int
    generated_at: dt.datetime
    budgets: dict[int, tuple[Decimal, dt.datetime | None]]


def build(
    year: int,
    *,
    user: User | None = None,
    public: bool = False,
    generated_at: dt.datetime | None = None,
) -> bytes:
    """The IATI 2.03 XML of the year's projects, as bytes (UTF-8, with its declaration): those
    in `user`'s scope, or with `public` the published ones (the portal's file)."""
    projects = list(projects_of(year, user, public=public))
    if not projects:
        raise NothingToExport(year)
    ctx = Context(
        year=year,
        generated_at=generated_at or timezone.now(),
        budgets=_budget_history(projects),
    )
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": _local(ctx.generated_at)},
    )
    for project in projects:
        root.append(activity(project, ctx))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, attrs: dict[str, str] | None = None, text=None):
    el = etree.SubElement(parent, tag, attrs or {})
    if text is not None:
        el.text = text
    return el


def _narratives(parent: etree._Element, zh: str, en: str = "") -> None:
    """A Chinese narrative (the activity's language) and an English one if there is one."""
    _sub(parent, "narrative", text=zh)
    if en:
        _sub(parent, "narrative", {XML_LANG: "en"}, text=en)


def _place_en(project: Project) -> str:
    county = project.county
    parts = [county.name_en or county.name]
    if county.parent and county.parent.name_en:
        parts.append(county.parent.name_en)
    return ", ".join(parts)


def _description(project: Project) -> tuple[str, str]:
    """The project's text; a project with none gets a sentence stated from its record."""
    zh, en = project.description.strip(), project.description_en.strip()
    where = project.county.name + (project.location_detail or "")
    category = ProjectCategory(project.category)
    if not zh:
        zh = f"浙江省对口支援海西州{project.year}年度{category.value}类项目，位于{where}。"
    if not en:
        en = (
            f"Zhejiang's counterpart aid to Haixi, {project.year} plan: a "
            f"{CATEGORY_EN[category]} project in {_place_en(project)}."
        )
    return zh, en


def _org(
    parent: etree._Element,
    tag: str,
    names: tuple[str, str],
    *,
    role: str | None = None,
    type_: str | None = None,
    ref: str | None = None,
) -> None:
    attrs = {}
    if ref:
        attrs["ref"] = ref
    if type_:
        attrs["type"] = type_
    if role:
        attrs["role"] = role
    _narratives(_sub(parent, tag, attrs), *names)


def _reporting_names() -> tuple[str, str]:
    return settings.DUIKOU_IATI_ORG_NAME, settings.DUIKOU_IATI_ORG_NAME_EN


def _city_names(city: Division) -> tuple[str, str]:
    en = ZHEJIANG_CITY_EN.get(city.code) or city.name_en
    return f"{city.name}人民政府", f"People's Government of {en}" if en else ""


def _organisation_names(org: Organisation) -> tuple[str, str]:
    return org.name, ""


def _county_names(county: Division) -> tuple[str, str]:
    en = county.name_en or ""
    return f"{county.name}（地方配套资金）", f"{en} (local co-funding)" if en else ""


def _funders(project: Project) -> list[tuple[tuple[str, str], str]]:
    """(names, organisation type) of each funder: Zhejiang always (the programme's money), the
    county and social investors where the project has money of theirs."""
    sources = {f.source for f in project.flows.all()}
    out = [(FUNDER_ZHEJIANG, LOCAL_GOVERNMENT)]
    if project.local_amount or FundingSource.LOCAL in sources:
        out.append((_county_names(project.county), LOCAL_GOVERNMENT))
    if project.social_amount or FundingSource.SOCIAL in sources:
        out.append((FUNDER_SOCIAL, OTHER_ORGANISATION))
    return out


def _provider(project: Project, source: str) -> tuple[tuple[str, str], str]:
    if source == FundingSource.LOCAL:
        return _county_names(project.county), LOCAL_GOVERNMENT
    if source == FundingSource.SOCIAL:
        return FUNDER_SOCIAL, OTHER_ORGANISATION
    return FUNDER_ZHEJIANG, LOCAL_GOVERNMENT


def _dates(project: Project) -> list[tuple[str, dt.date]]:
    pairs = [
        (PLANNED_START, project.planned_start),
        (ACTUAL_START, project.actual_start),
        (PLANNED_END, project.planned_finish),
        (ACTUAL_END, project.actual_finish),
    ]
    dates = [(code, day) for code, day in pairs if day]
    # At least one date is required: the plan year is the one date every project has.
    return dates or [(PLANNED_START, dt.date(project.year, 1, 1))]


def _last_updated(project: Project, ctx: Context) -> dt.datetime:
    moments = [project.updated_at, *(f.created_at for f in project.flows.all())]
    return max((m for m in moments if m is not None), default=ctx.generated_at)


def activity(project: Project, ctx: Context) -> etree._Element:
    """One `iati-activity`, its children in the order the 2.03 schema requires."""
    act = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _local(_last_updated(project, ctx)),
            XML_LANG: LANGUAGE,
            "default-currency": CURRENCY,
        },
    )
    _sub(act, "iati-identifier", text=identifier(project))
    _org(act, "reporting-org", _reporting_names(), ref=org_ref(), type_=LOCAL_GOVERNMENT)
    _narratives(_sub(act, "title"), project.name, project.name_en.strip())
    _narratives(_sub(act, "description"), *_description(project))

    for names, type_ in _funders(project):
        _org(act, "participating-org", names, role=ROLE_FUNDING, type_=type_)
    if project.pairing_city_id:
        _org(
            act,
            "participating-org",
            _city_names(project.pairing_city),
            role=ROLE_EXTENDING,
            type_=LOCAL_GOVERNMENT,
        )
    else:  # 州本级: run by the headquarters itself
        _org(
            act,
            "participating-org",
            _reporting_names(),
            role=ROLE_EXTENDING,
            type_=LOCAL_GOVERNMENT,
            ref=org_ref(),
        )
    if project.implementer_id:
        org = project.implementer
        _org(
            act,
            "participating-org",
            _organisation_names(org),
            role=ROLE_IMPLEMENTING,
            type_=ORGANISATION_TYPE[OrgKind(org.kind)],
        )

    _sub(act, "activity-status", {"code": STATUS[ProjectStatus(project.status)]})
    for code, day in _dates(project):
        _sub(act, "activity-date", {"type": code, "iso-date": day.isoformat()})
    _sub(act, "recipient-country", {"code": COUNTRY})
    _location(act, project)
    sector = SECTOR[ProjectCategory(project.category)]
    sector_el = _sub(act, "sector", {"vocabulary": SECTOR_VOCABULARY, "code": sector})
    dac = dac_sectors().get(sector)
    if dac:  # (a code outside the reference is caught by codelist_errors)
        _narratives(sector_el, dac["name_zh"], dac["name"])
    _budgets(act, project, ctx)
    for flow in project.flows.all():
        _transaction(act, project, flow)
    return act


def _location(act: etree._Element, project: Project) -> None:
    county = project.county
    loc = _sub(act, "location", {"ref": f"{identifier(project)}-{county.code}"})
    zh = county.name + (f" {project.location_detail}" if project.location_detail else "")
    _narratives(_sub(loc, "name"), zh, _place_en(project))
    seat = seat_of(county)
    if seat is None:
        return
    lat, lon, seat_name = seat
    _narratives(
        _sub(loc, "description"),
        f"坐标为{county.name}驻地{seat_name}的位置（近似）",
        f"Approximate: the coordinates of the seat of {county.name_en or county.name}",
    )
    point = _sub(loc, "point", {"srsName": SRS_NAME})
    _sub(point, "pos", text=f"{lat} {lon}")


def _budgets(act: etree._Element, project: Project, ctx: Context) -> None:
    """The plan year's budget: as first recorded, and revised if the amounts changed since."""
    start, end = dt.date(project.year, 1, 1), dt.date(project.year, 12, 31)
    issued = project.annual_plan.issued_on if project.annual_plan else None
    status = "1" if project.status == ProjectStatus.RESERVE else "2"
    current = project.total_amount
    original, changed_at = ctx.budgets.get(project.pk, (current, None))
    entries = [(BUDGET_ORIGINAL, original, issued or start)]
    if original != current:
        day = timezone.localtime(changed_at).date() if changed_at else start
        entries.append((BUDGET_REVISED, current, day))
    if not original and not current:
        return  # no budget recorded: nothing to state
    for type_, value, value_date in entries:
        budget = _sub(act, "budget", {"type": type_, "status": status})
        _sub(budget, "period-start", {"iso-date": start.isoformat()})
        _sub(budget, "period-end", {"iso-date": end.isoformat()})
        _sub(
            budget,
            "value",
            {"currency": CURRENCY, "value-date": value_date.isoformat()},
            text=_money(value),
        )


def _transaction(act: etree._Element, project: Project, flow: MoneyFlow) -> None:
    code = TRANSACTION[FlowType(flow.type)]
    tx = _sub(act, "transaction", {"ref": flow.voucher} if flow.voucher else {})
    _sub(tx, "transaction-type", {"code": code})
    day = flow.date.isoformat()
    _sub(tx, "transaction-date", {"iso-date": day})
    _sub(tx, "value", {"currency": CURRENCY, "value-date": day}, text=_money(flow.amount))
    _narratives(_sub(tx, "description"), f"{flow.type}·{flow.source}", _source_en(flow))
    spender = project.implementer
    if code == TRANSACTION[FlowType.EXPENDITURE]:
        if spender is not None:  # the implementer spends
            _org(tx, "provider-org", _organisation_names(spender), type_=_org_type(spender))
        return
    names, type_ = _provider(project, flow.source)
    _org(tx, "provider-org", names, type_=type_)
    if spender is not None:
        _org(tx, "receiver-org", _organisation_names(spender), type_=_org_type(spender))


def _org_type(org: Organisation) -> str:
    return ORGANISATION_TYPE[OrgKind(org.kind)]


def _source_en(flow: MoneyFlow) -> str:
    kind = {
        FlowType.COMMITMENT: "Commitment",
        FlowType.DISBURSEMENT: "Disbursement",
        FlowType.EXPENDITURE: "Expenditure",
    }[FlowType(flow.type)]
    return f"{kind}: {SOURCE_EN[FundingSource(flow.source)]}"


# Checking --------------------------------------------------------------------------------------


@cache
def schema() -> etree.XMLSchema:
    """The IATI 2.03 activity schema shipped in reports/data (it includes its two neighbours)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def schema_errors(content: bytes) -> list[str]:
    """What the 2.03 XSD finds wrong with a file ([] when it validates)."""
    try:
        doc = etree.fromstring(content)
    except etree.XMLSyntaxError as exc:
        return [f"XML: {exc}"]
    xsd = schema()
    if xsd.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]


# Where each coded attribute is checked: (element path, attribute) → the allowed codes.
def _coded() -> list[tuple[str, str, set[str]]]:
    org_types = set(codelist("OrganisationType"))
    return [
        ("iati-activity/reporting-org", "type", org_types),
        ("iati-activity/participating-org", "type", org_types),
        ("iati-activity/participating-org", "role", set(codelist("OrganisationRole"))),
        ("iati-activity/activity-status", "code", set(codelist("ActivityStatus"))),
        ("iati-activity/activity-date", "type", set(codelist("ActivityDateType"))),
        ("iati-activity/sector", "code", set(dac_sectors())),
        ("iati-activity/sector", "vocabulary", {SECTOR_VOCABULARY}),
        ("iati-activity/budget", "type", set(codelist("BudgetType"))),
        ("iati-activity/budget", "status", set(BUDGET_STATUS)),
        ("iati-activity/transaction/transaction-type", "code", set(codelist("TransactionType"))),
        ("iati-activity/transaction/provider-org", "type", org_types),
        ("iati-activity/transaction/receiver-org", "type", org_types),
        ("iati-activity/recipient-country", "code", {COUNTRY}),
        ("iati-activity/budget/value", "currency", {CURRENCY}),
        ("iati-activity/transaction/value", "currency", {CURRENCY}),
        ("iati-activity", "default-currency", {CURRENCY}),
    ]


def codelist_errors(content: bytes) -> list[str]:
    """Every coded value outside its codelist, and identifiers used twice."""
    root = etree.fromstring(content)
    out = []
    for path, attr, allowed in _coded():
        for el in root.iterfind(path):
            value = el.get(attr)
            if value is not None and value not in allowed:
                ident = el.xpath("ancestor-or-self::iati-activity/iati-identifier/text()")
                out.append(f"{ident[0] if ident else '?'}: {path}/@{attr}={value!r}")
    counts = Counter(root.xpath("iati-activity/iati-identifier/text()"))
    out += [f"{ident}: iati-identifier used {n} times" for ident, n in counts.items() if n > 1]
    return out


def problems(content: bytes) -> list[str]:
    """The XSD's errors and the codelists' ([] for a file fit to publish)."""
    return schema_errors(content) or codelist_errors(content)


def summary(content: bytes) -> dict[str, int]:
    """What a file holds: activities and transactions."""
    root = etree.fromstring(content)
    return {
        "activities": len(root.findall("iati-activity")),
        "transactions": len(root.findall("iati-activity/transaction")),
    }
