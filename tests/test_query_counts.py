"""No N+1: every page, export and API read takes as many queries with many rows as with few.

The pages come from the attack suite's TABLE (every named URL with its role expectations,
generated from the URL conf), the public portal's names and the API's schema; each is read by
headquarters and by the 都兰 county team (whose lists are scoped) on the attack suite's small
world, then again after `grow` has added several records of every kind on both counties
(projects with flows, evidence and progress photos; people with postings, achievements,
trainings; demands and visits; deals, enterprises, policies, promotion events; exchange events
with participants and photos; classes, indicators; channels, suppliers, products, sales;
notifications, import batches and their changes, tokens, access logs, security events). The
count must not grow; SLACK lists the few pages allowed a fixed extra query, each with its
reason.

A URL name that is neither read here (READ) nor set aside with a reason (NOT_READ) fails
`test_every_url_is_read_or_set_aside`: a new list view is covered or the test says to add it.
Detail pages (one project with many flows, one person with many postings, …) are read on a
record that `grow` also enlarges.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.models import SecurityEvent
from duikou.api import services as api_services
from duikou.consumption import services as consumption_services
from duikou.consumption.models import Sale
from duikou.core import services as core_services
from duikou.exchange_io.models import ImportChange
from duikou.exchanges import services as exch_services
from duikou.exchanges.models import EventPhoto
from duikou.investment import services as invest_services
from duikou.notices import services as notices_services
from duikou.orders.models import PlanningRun
from duikou.people import services as people_services
from duikou.people.models import AccessLog
from duikou.people.vocab import AccessAction
from duikou.projects import services as project_services
from tests.investment_kit import code as credit_code
from tests.security.test_attack_suite import API_NAMESPACE, PUBLIC, TABLE, _args
from tests.security.urlconf import routes
from tests.security.world import _PNG, AttackWorld, _import_batch, _visit
from tests.test_orders_demands import make_demand
from tests.test_people_common import field_key, person, posting  # noqa: F401 - fixture
from tests.test_projects_views import make, pdf, png, record

# A sweep of every page (tests/conftest.py): run once per `make test`, on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key"), pytest.mark.sweep]

#: how many records of every kind `grow` adds per county (and per enlarged detail record)
MORE = 4

#: GET views of the TABLE not read here, each with the reason (everything else is read)
NOT_READ = {
    # files of one record: a stream of bytes, one query for the record
    "projects:file": "one file of one record",
    "people:person_photo": "one photo of one person",
    "exchanges:photo": "one photo of one event",
    "exchange_io:batch_file": "the uploaded file of one batch",
    "exchange_io:template": "an empty Excel template (no rows)",
    "exchange_io:template_all": "the empty Excel templates (no rows)",
    "reports:summary_download": "a document built once and stored (the summary's file)",
    # reads nothing that grows with rows
    "core:help": "static help text",
    "core:help_area": "static help text",
    "api:docs": "the schema only",
    "exchange_io:batch_status": "one batch's progress (a polled fragment of one row)",
    "orders:run_progress": "one run's progress (a polled fragment of one row)",
    "reports:summary_progress": "one report's progress (a polled fragment of one row)",
    "orders:run_instance_json": "one run's stored JSON document",
    "orders:run_plan_json": "one run's stored JSON document",
}

#: extra query strings read beside the bare URL (the filters that change the queries)
VARIANTS = {
    "projects:project_list": ["?status=在建", "?county=632822&year=2023", "?q=项目"],
    "projects:project_export": ["?format=csv"],
    "people:person_list": ["?current=1", "?county=632822"],
    "people:coverage": ["?org={org}"],
    "core:search": ["?q=都兰", "?q=项目"],
    "reports:dashboard": ["?year=2023"],
    "reports:funds": ["?year=2023"],
    "exchanges:calendar": ["?month=2023-08"],
}

#: pages allowed a fixed number of extra queries after growth, with the reason
SLACK: dict[str, int] = {}


def _png_file(name: str):
    return png(name)


def _resident_id(n: int) -> str:
    """A valid resident ID number (GB 11643 check character), distinct for each n."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=97 * n)
    body = f"632802{born:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


class Grower:
    """Adds MORE records of every kind, each call with new names (a counter)."""

    def __init__(self, reg, world: AttackWorld):
        self.reg, self.world, self.n = reg, world, 0

    def grow(self, times: int = MORE) -> None:
        for _ in range(times):
            self.n += 1
            self._once(self.n)

    def _once(self, n: int) -> None:
        reg, w = self.reg, self.world
        today = timezone.localdate()
        counties = ((reg.dulan, reg.dulan_hospital), (reg.wulan, reg.wulan_hospital))
        # Registry: an organisation with a department and a pairing on each side
        for county, _hospital in counties:
            org = core_services.organisation_create(
                actor=None,
                name=f"{county.name}第{n}医院",
                kind="医院",
                side="受援方",
                division=county,
            )
            dept = core_services.department_create(actor=None, organisation=org, name="儿科")
            helper = core_services.organisation_create(
                actor=None,
                name=f"杭州第{n}医院{county.code}",
                kind="医院",
                side="支援方",
                division=reg.hangzhou,
            )
            core_services.pairing_create(
                actor=None,
                kind="医院-科室",
                zhejiang_org=helper,
                haixi_org=org,
                haixi_department=dept,
                start_date=dt.date(2023, 3, 1),
            )
        # the world's 都兰 hospital (its detail page): a department paired with a new helper
        dept = core_services.department_create(
            actor=None, organisation=reg.dulan_hospital, name=f"第{n}病区"
        )
        core_services.pairing_create(
            actor=None,
            kind="医院-科室",
            zhejiang_org=helper,
            haixi_org=reg.dulan_hospital,
            haixi_department=dept,
            start_date=dt.date(2023, 3, 1),
        )
        # Projects: a new project on each side, with flows, evidence and a progress photo; the
        # world's two projects get more flows and reports (their detail pages)
        for county, hospital in counties:
            p = make(
                reg,
                f"G{county.code[-2:]}-{n:02d}",
                county=county,
                status="在建",
                actual_start=dt.date(2023, 3, 10),
                implementer=hospital,
            )
            record(p, "下达", "1000000.00", f"XD-G{n}{county.code}")
            f = record(p, "拨付", "500000.00", f"BF-G{n}{county.code}")
            project_services.flow_add_evidence(actor=None, flow=f, file=pdf())
            project_services.progress_report_create(
                actor=None,
                project=p,
                date=dt.date(2023, 6, 1),
                progress=30,
                text="施工",
                photos=[_png_file(f"g{n}.png")],
            )
        for p in (w.projects.dulan, w.projects.wulan):
            f = record(p, "拨付", "10000.00", f"BF-M{n}-{p.code}", date=dt.date(2023, 4, n))
            project_services.flow_add_evidence(actor=None, flow=f, file=pdf())
            project_services.progress_report_create(
                actor=None,
                project=p,
                date=dt.date(2023, 7, n),
                progress=40 + n,
                text="进展",
                photos=[_png_file(f"m{n}.png")],
            )
        # People: a new person posted on each side with an achievement; a trainee; the world's
        # two people get earlier postings (their detail pages), achievements and windows
        for i, (_county, hospital) in enumerate(counties):
            someone = person(reg, id_number=_resident_id(10 * n + i), name=f"王{n}{i}")
            stay = posting(
                reg, someone, host=hospital, start=dt.date(2023, 3, 1), batch=w.people.batch
            )
            people_services.achievement_create(
                actor=None,
                posting=stay,
                kind="新技术",
                count=1,
                title=f"成效{n}",
                date=dt.date(2023, 5, 1),
            )
            trainee = person(
                reg, id_number=_resident_id(10 * n + 5 + i), name=f"马{n}{i}", employer=hospital
            )
            people_services.training_create(
                actor=None,
                person=trainee,
                home_org=hospital,
                host_org=reg.zju_hospital,
                programme="跟岗进修",
                start_date=dt.date(2023, 4, 10),
                end_date=dt.date(2023, 8, 9),
            )
            people_services.availability_create(
                actor=None,
                person=someone,
                start_date=today + dt.timedelta(days=5),
                end_date=today + dt.timedelta(days=9),
            )
        for who, host in ((w.people.li, reg.dulan_hospital), (w.people.zhao, reg.wulan_hospital)):
            year = 2000 + 2 * n
            earlier = posting(
                reg,
                who,
                host=host,
                start=dt.date(year, 3, 1),
                end_date=dt.date(year, 12, 31),
            )
            people_services.achievement_create(
                actor=None,
                posting=earlier,
                kind="新技术",
                count=1,
                title=f"早期成效{n}",
                date=dt.date(year, 5, 1),
            )
        people_services.achievement_create(
            actor=None,
            posting=w.people.li_posting,
            kind="新技术",
            count=1,
            title=f"李明成效{n}",
            date=today - dt.timedelta(days=n),
        )
        people_services.availability_create(
            actor=None,
            person=w.people.li,
            start_date=today + dt.timedelta(days=20 + 10 * n),
            end_date=today + dt.timedelta(days=24 + 10 * n),
        )
        people_services.batch_create(actor=None, number=10 + n, start_date=dt.date(2025, 7, 15))
        AccessLog.objects.create(
            user=reg.hq,
            username="hq",
            action=AccessAction.choices[0][0],
            person=w.people.li,
            reason="核对",
        )
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGNIN_OK, username="dulan")
        # Orders: a demand on each side with a visit of a new expert
        for i, (_county, hospital) in enumerate(counties):
            demand = make_demand(reg, organisation=hospital, skill="心血管内科")
            expert = person(reg, id_number=_resident_id(10 * n + 8 + i), name=f"专家{n}{i}")
            _visit(demand, expert, 10 + n)
            make_demand(reg, organisation=hospital)
        PlanningRun.objects.create(
            period_start=today, period_end=today + dt.timedelta(days=89), instance={}, plan={}
        )
        # Investment: an enterprise, a policy, a deal on each side, an event
        enterprise = invest_services.enterprise_create(
            actor=None,
            organisation=invest_services.enterprise_organisation(
                actor=None, name=f"杭州第{n}科技有限公司", credit_code=credit_code(100 + n)
            ),
            industry_section="C",
            industry_division="38",
            products="储能电池",
            intended_investment=Decimal("10000000"),
        )
        invest_services.policy_create(
            actor=None,
            title=f"海西州扶持政策{n}",
            issuer="海西州人民政府",
            valid_from=dt.date(2024, 1, 1),
            industries="C",
            incentives="补贴",
            text="扶持。",
        )
        for county, _hospital in counties:
            invest_services.deal_create(
                actor=None,
                name=f"{county.name}项目{n}",
                enterprise=enterprise,
                county=county,
                on=today,
            )
        invest_services.event_create(
            actor=None, name=f"推介会{n}", date=today, place="杭州", organiser="浙江省援青指挥部"
        )
        # Exchanges: an event on each side with participants and a photo, a class; an indicator
        for county, hospital in counties:
            event = exch_services.event_create(
                actor=None,
                kind="夏令营",
                title=f"{county.name}夏令营{n}",
                start_date=dt.date(2023, 8, n),
                end_date=dt.date(2023, 8, n + 2),
                places=[county],
                organisers=[hospital],
                haixi_count=10,
            )
            for k in range(2):
                exch_services.participant_add(
                    actor=None, event=event, name=f"学生{n}{k}", side="海西"
                )
            photo = EventPhoto(event=event)
            photo.image.save(f"camp{n}.png", ContentFile(_PNG), save=True)
            exch_services.offsite_class_create(
                actor=None,
                school=reg.zju_hospital,
                haixi_org=hospital,
                major=f"{county.name}护理{n}",
                intake_year=2023,
                students=30,
            )
        for event in (w.exch_events["dulan"], w.exch_events["wulan"]):
            exch_services.participant_add(actor=None, event=event, name=f"学员{n}", side="海西")
        indicator = exch_services.indicator_create(actor=None, name=f"指标{n}", unit="人次")
        exch_services.indicator_value_set(
            actor=None, indicator=indicator, year=2023, value="100", source="公报"
        )
        exch_services.indicator_value_set(
            actor=None, indicator=w.indicator, year=2010 + n, value="100", source="公报"
        )
        # Consumption: a supplier on each side, a product, a channel, sales
        channel = consumption_services.channel_create(
            actor=None, name=f"十城百店·{n}号店", kind="门店", city=reg.jiaxing
        )
        for county, _hospital in counties:
            product = consumption_services.product_create(actor=None, name=f"特产{n}{county.code}")
            supplier, _ = consumption_services.supplier_for_organisation(
                actor=None,
                organisation=core_services.organisation_create(
                    actor=None,
                    name=f"{county.name}第{n}合作社",
                    kind="合作社",
                    side="受援方",
                    division=county,
                ),
            )
            for month in (1, 2):
                consumption_services.sale_create(
                    actor=None,
                    channel=channel,
                    product=product,
                    supplier=supplier,
                    date=dt.date(2023, month, 1),
                    is_month=True,
                    sold=Decimal("1000"),
                )
        # the world's 都兰 channel (its detail page) sells more
        consumption_services.sale_create(
            actor=None,
            channel=w.dulan_channel,
            product=consumption_services.product_create(actor=None, name=f"枸杞{n}"),
            supplier=w.goji_supplier,
            date=dt.date(2023, 3, 1),
            is_month=True,
            sold=Decimal("500"),
        )
        # Notices, import batches with changes, tokens
        for user in (reg.hq, reg.dulan_team, reg.liaison, reg.wulan_team):
            notices_services.notify(
                recipients=[user], kind="visit_changed", title=f"通知{n}", link="/orders/visits/"
            )
        for user in (reg.dulan_team, reg.wulan_team):
            batch = _import_batch(user)
            ImportChange.objects.create(
                batch=batch,
                model="projects.project",
                object_id=w.projects.dulan.pk,
                action="create",
            )
        for batch_pk in (w.ids["dulan"]["import_batch"], w.ids["wulan"]["import_batch"]):
            ImportChange.objects.create(
                batch_id=batch_pk, model="projects.project", object_id=n, action="create"
            )
        for user in (reg.hq, reg.dulan_team):
            api_services.token_create(actor=user, name=f"令牌{n}")


class World(AttackWorld):
    def __init__(self, reg):
        super().__init__(reg)
        from duikou.exchanges.models import Event, Indicator

        self.exch_events = {
            side: Event.objects.get(pk=self.ids[side]["exch_event"]) for side in ("dulan", "wulan")
        }
        self.indicator = Indicator.objects.get(pk=self.ids["dulan"]["indicator"])
        sale = Sale.objects.select_related("channel", "supplier").get(pk=self.ids["dulan"]["sale"])
        self.goji_supplier, self.dulan_channel = sale.supplier, sale.channel


# The pages ----------------------------------------------------------------------------------


def _read_names() -> list[str]:
    """The TABLE's views that headquarters or a county team may GET, less NOT_READ."""
    return [
        name
        for name, rule in TABLE.items()
        if name not in NOT_READ and {"H", "D"} & set(rule.allowed("GET", "dulan"))
    ]


def _urls(world, who_code: str) -> list[tuple[str, str]]:
    """(label, url) of every page the user reads here."""
    by_name = {r.name: r for r in routes()}
    out = []
    for name in _read_names():
        rule = TABLE[name]
        if who_code not in rule.allowed("GET", "dulan"):
            continue
        url = reverse(name, args=_args(by_name[name], rule.kind, "dulan", world))
        out.append((name, url))
        for variant in VARIANTS.get(name, []):
            out.append((name, url + variant.format(org=world.ids["dulan"]["org"])))
    return out


def _api_urls(world) -> list[tuple[str, str]]:
    from tests.test_api import DETAIL_SCOPES, operations

    out = []
    for path in operations("get"):
        if "{pk}" in path:
            kind = DETAIL_SCOPES[path][1]
            path = path.replace("{pk}", str(world.ids["dulan"][kind]))
        out.append(("api " + path, "/api/v1" + path))
    return out


def _public_urls() -> list[tuple[str, str]]:
    out = []
    for name in sorted(n for n in PUBLIC if n.startswith("public:")):
        args = [2023] if name == "public:iati" else []
        out.append((name, reverse(name, args=args)))
        if name in ("public:home", "public:projects", "public:sales", "public:events"):
            out.append((name, reverse(name) + "?year=2023"))
    return out


SIZES: dict[str, int] = {}


def _count(client: Client, url: str) -> int | None:
    """The queries of a GET (None for a view that answers only POST: 405)."""
    client.get(url)  # warm: sessions, per-process caches, a token's first use
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code == 405:
        return None
    assert response.status_code in (200, 302), (url, response.status_code)
    if hasattr(response, "streaming_content"):
        with CaptureQueriesContext(connection) as more:
            SIZES[url] = len(b"".join(response.streaming_content))
        return len(ctx.captured_queries) + len(more.captured_queries)
    SIZES[url] = len(response.content)
    return len(ctx.captured_queries)


def _measure(client: Client, urls) -> dict[str, int | None]:
    cache.clear()
    return {url: _count(client, url) for _label, url in urls}


def _small_and_big(client: Client, urls, reg, world) -> tuple[dict, dict]:
    """The counts with one record of every kind added (so that no page is empty: an empty
    list may skip a query), then with MORE more."""
    grower = Grower(reg, world)
    grower.grow(1)
    small = _measure(client, urls)
    sizes = dict(SIZES)
    grower.grow(MORE)
    big = _measure(client, urls)
    same = sorted(u for _label, u in urls if small[u] is not None and SIZES[u] == sizes[u])
    print("\npages of the same size after growth:", *same, sep="\n  ")
    return small, big


def _compare(urls, small: dict, big: dict) -> list[str]:
    grown = []
    for label, url in urls:
        if small[url] is None:
            continue
        allowed = small[url] + SLACK.get(label, 0)
        if big[url] > allowed:
            grown.append(f"{url}: {small[url]} → {big[url]} queries")
    return grown


@pytest.fixture
def world(reg, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return World(reg)


# The tests ----------------------------------------------------------------------------------


def test_every_url_is_read_or_set_aside():
    names = {r.name for r in routes() if not r.name.startswith(("admin:", API_NAMESPACE))}
    gets = {n for n, rule in TABLE.items() if {"H", "D"} & set(rule.allowed("GET", "dulan"))}
    read = set(_read_names())
    assert gets - set(NOT_READ) == read
    stale = sorted(set(NOT_READ) - names)
    assert not stale, f"NOT_READ names no URL: {stale}"
    assert not set(VARIANTS) - read and not set(SLACK) - read - {"api"}


@pytest.mark.parametrize("who", ["hq", "dulan_team"])
def test_pages_take_as_many_queries_with_many_rows(reg, world, client, who):
    user = getattr(reg, who)
    client.force_login(user)
    urls = _urls(world, {"hq": "H", "dulan_team": "D"}[who])
    assert len(urls) > 60
    small, big = _small_and_big(client, urls, reg, world)
    grown = _compare(urls, small, big)
    assert not grown, "queries grow with the rows (N+1):\n" + "\n".join(grown)


@pytest.mark.parametrize("who", ["hq", "dulan_team"])
def test_the_api_takes_as_many_queries_with_many_rows(reg, world, who):
    token = api_services.token_create(actor=getattr(reg, who), name="counts")[1]
    client = Client(headers={"Authorization": "Bearer " + token})
    urls = _api_urls(world)
    small, big = _small_and_big(client, urls, reg, world)
    grown = _compare(urls, small, big)
    assert not grown, "queries grow with the rows (N+1):\n" + "\n".join(grown)


def test_the_public_portal_takes_as_many_queries_with_many_rows(reg, world, client):
    urls = _public_urls()
    small, big = _small_and_big(client, urls, reg, world)
    grown = _compare(urls, small, big)
    assert not grown, "queries grow with the rows (N+1):\n" + "\n".join(grown)
