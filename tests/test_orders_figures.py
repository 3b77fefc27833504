"""Orders figures (docs/contracts/figures.md: orders posted in the year, served those with a
delivered visit), scoped by user, on hand-made records; the statistics page and the dashboard
panel."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from duikou.orders import services
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.people.models import Person
from duikou.reports import figures
from tests.test_people_common import MA_ID, ZHAO_ID, field_key, person  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

SH = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SH)


def _demand(org, skill, kind, posted: dt.date, *, status=DemandStatus.OPEN, hour=10):
    """A demand through the service (a system load, posted at a given time)."""
    demand = services.demand_create(
        actor=None,
        organisation=org,
        skill=skill,
        service_kind=kind,
        days=5,
        earliest_start=posted + dt.timedelta(days=5),
        latest_end=posted + dt.timedelta(days=60),
        posted_at=_at(posted, hour),
    )
    if status == DemandStatus.WITHDRAWN:
        demand = services.demand_withdraw(actor=None, demand=demand, reason="重复提交")
    return demand


def _visit(demand, expert, start: dt.date, *, status=VisitStatus.DELIVERED, rating=None, days=5):
    """A visit as a confirmed plan makes it (已安排), then delivered or cancelled by the service."""
    visit = Visit.objects.create(
        demand=demand, expert=expert, start_date=start, end_date=start + dt.timedelta(days=days - 1)
    )
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.SCHEDULED)
    if status == VisitStatus.DELIVERED:
        visit = services.visit_confirm_delivery(
            actor=None, visit=visit, delivered_days=days, rating=rating
        )
    elif status == VisitStatus.CANCELLED:
        visit = services.visit_cancel(actor=None, visit=visit, reason="专家临时有手术")
    return visit


@pytest.fixture
def world(reg):
    """2026: 都兰 posts 4 (one withdrawn), 乌兰 2, the prefecture hospital 1; one 2025 demand.

    Served (delivered visit): 都兰 神经内科 (posted 03-01, visit 03-21: 20 days, rated 5) and
    乌兰 心血管内科 (posted 04-01, visit 04-11: 10 days, rated 4). 李静 (the `doctor` user) made
    the 都兰 visit; 王芳 the 乌兰 one and a visit still scheduled at 都兰.
    """
    li = person(reg, name="李静", id_number=MA_ID, employer=reg.zju_hospital, specialty="神经内科")
    Person.objects.filter(pk=li.pk).update(user=reg.doctor)
    wang = person(
        reg, name="王芳", id_number=ZHAO_ID, phone="13987654321", employer=reg.huzhou_hospital
    )
    d = dt.date
    dulan_served = _demand(reg.dulan_hospital, "神经内科", "坐诊", d(2026, 3, 1))
    _visit(dulan_served, li, d(2026, 3, 21), rating=5)
    dulan_scheduled = _demand(reg.dulan_hospital, "普通外科", "手术", d(2026, 5, 1))
    _visit(dulan_scheduled, wang, d(2026, 6, 1), status=VisitStatus.SCHEDULED)
    _demand(reg.dulan_hospital, "神经内科", "讲座", d(2026, 6, 1))
    _demand(reg.dulan_hospital, "儿科", "坐诊", d(2026, 6, 2), status=DemandStatus.WITHDRAWN)
    wulan_served = _demand(reg.wulan_hospital, "心血管内科", "坐诊", d(2026, 4, 1))
    _visit(wulan_served, wang, d(2026, 4, 11), rating=4)
    # A cancelled visit does not serve its demand.
    wulan_cancelled = _demand(reg.wulan_hospital, "心血管内科", "带教", d(2026, 7, 1))
    _visit(wulan_cancelled, wang, d(2026, 7, 20), status=VisitStatus.CANCELLED)
    _demand(reg.prefecture_hospital, "重症医学科 (ICU)", "带教", d(2026, 8, 1))
    # Posted in 2025 (served in 2026): counts in 2025 only.
    old = _demand(reg.dulan_hospital, "神经内科", "坐诊", d(2025, 12, 20))
    _visit(old, li, d(2026, 1, 5), rating=3)
    return {"li": li, "wang": wang}


def test_the_year_totals_rates_and_breakdowns(world):
    f = figures.orders(2026)
    assert f["posted"] == 6  # the withdrawn one left out
    assert f["served"] == 2
    assert f["fulfilment_rate"] == "33.3"
    assert f["median_days_to_service"] == 15  # (20 + 10) / 2
    assert f["rating_mean"] == "4.5"
    assert f["rated"] == 2
    assert f["service_days"] == 10
    assert f["by_status"] == {"待安排": 3, "已安排": 1, "已服务": 2, "已撤回": 1}
    assert f["by_county"] == {
        "海西州": {"code": "632800", "posted": 1, "served": 0},
        "乌兰": {"code": "632821", "posted": 2, "served": 1},
        "都兰": {"code": "632822", "posted": 3, "served": 1},
    }
    assert list(f["by_skill"]) == ["心血管内科", "神经内科", "普通外科", "重症医学科 (ICU)"]
    assert f["by_skill"]["神经内科"] == {"posted": 2, "served": 1}
    assert f["by_kind"] == {
        "坐诊": {"posted": 2, "served": 2},
        "手术": {"posted": 1, "served": 0},
        "讲座": {"posted": 1, "served": 0},
        "带教": {"posted": 2, "served": 0},
    }
    assert f["by_field"] == {"医疗": {"posted": 6, "served": 2}}
    # The 2025 demand counts in 2025, served in 2026 or not.
    f2025 = figures.orders(2025)
    assert (f2025["posted"], f2025["served"], f2025["median_days_to_service"]) == (1, 1, 16)
    assert f2025["rating_mean"] == "3.0"


def test_an_empty_year_has_nulls_not_zeros_divided(world):
    f = figures.orders(2019)
    assert (f["posted"], f["served"]) == (0, 0)
    assert f["fulfilment_rate"] is None
    assert f["median_days_to_service"] is None
    assert f["rating_mean"] is None
    assert f["by_county"] == {} and f["by_status"] == {}


def test_the_year_is_the_shanghai_date_of_posting(reg):
    # 2026-12-31 20:00 UTC is 2027-01-01 04:00 in Shanghai: a 2027 demand.
    services.demand_create(
        actor=None,
        organisation=reg.dulan_hospital,
        skill="儿科",
        service_kind="坐诊",
        days=2,
        earliest_start=dt.date(2027, 1, 10),
        latest_end=dt.date(2027, 2, 10),
        posted_at=dt.datetime(2026, 12, 31, 20, tzinfo=dt.UTC),
    )
    assert figures.orders(2026)["posted"] == 0
    assert figures.orders(2027)["posted"] == 1


def test_a_median_between_two_days_keeps_its_half(reg, world):
    extra = _demand(reg.wulan_hospital, "心血管内科", "坐诊", dt.date(2026, 9, 1))
    _visit(extra, world["wang"], dt.date(2026, 9, 14), rating=3)
    # waits 20, 10, 13 → 13; add a fourth of 30 → (13 + 20) / 2
    assert figures.orders(2026)["median_days_to_service"] == 13
    more = _demand(reg.wulan_hospital, "心血管内科", "讲座", dt.date(2026, 9, 2))
    _visit(more, world["wang"], dt.date(2026, 10, 2), rating=4)
    assert figures.orders(2026)["median_days_to_service"] == 16.5
    assert figures.orders(2026)["rating_mean"] == "4.0"


def test_each_role_counts_only_its_scope(reg, world):
    dulan = figures.orders(2026, reg.dulan_team)
    assert (dulan["posted"], dulan["served"]) == (3, 1)
    assert set(dulan["by_county"]) == {"都兰"}
    assert dulan["rating_mean"] == "5.0"
    wulan = figures.orders(2026, reg.wulan_team)
    assert (wulan["posted"], wulan["served"]) == (2, 1)
    assert "都兰" not in wulan["by_county"]
    liaison = figures.orders(2026, reg.liaison)  # 都兰县人民医院's own
    assert (liaison["posted"], liaison["served"]) == (3, 1)
    # Aid staff: the demands behind their own visits (李静: the 都兰 one of 2026).
    doctor = figures.orders(2026, reg.doctor)
    assert (doctor["posted"], doctor["served"]) == (1, 1)
    assert doctor["by_skill"] == {"神经内科": {"posted": 1, "served": 1}}
    for full in (reg.hq, reg.viewer):
        assert figures.orders(2026, full) == figures.orders(2026)


def test_compute_and_the_cli_carry_the_orders(world):
    assert figures.compute(2026)["orders"]["posted"] == 6
    out = StringIO()
    call_command("figures", "--year", "2026", stdout=out)
    data = json.loads(out.getvalue())
    assert data["orders"]["posted"] == 6
    assert data["orders"]["served"] == 2
    assert data["orders"]["fulfilment_rate"] == "33.3"


# The statistics page ----------------------------------------------------------------------------


def _page(client, **params) -> str:
    response = client.get("/orders/stats/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_stats_page_needs_a_sign_in(client, world):
    response = client.get("/orders/stats/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_stats_page_shows_the_figures_with_links(client_for, reg, world):
    page = _page(client_for(reg.hq), year=2026)
    assert 'id="kpi-posted">6<' in page
    assert 'id="kpi-served">2<' in page
    assert 'id="kpi-rate">33.3%<' in page
    assert 'id="kpi-median">15<' in page
    assert 'id="kpi-rating">4.5<' in page
    # Every number links to the filtered list of the records behind it.
    assert 'href="/orders/?year=2026&amp;status=%E5%B7%B2%E6%9C%8D%E5%8A%A1"' in page
    assert 'href="/orders/?year=2026&amp;county=632821"' in page
    assert "skill=%E7%A5%9E%E7%BB%8F%E5%86%85%E7%A7%91" in page  # 神经内科
    assert 'id="orders-stats-data"' in page and "chart-county" in page
    assert "已撤回 1" in page


def test_the_stats_page_is_scoped_for_every_role(client_for, reg, world):
    dulan = _page(client_for(reg.dulan_team), year=2026)
    assert 'id="kpi-posted">3<' in dulan and 'id="kpi-served">1<' in dulan
    assert "乌兰" not in dulan and "county=632821" not in dulan
    wulan = _page(client_for(reg.wulan_team), year=2026)
    assert 'id="kpi-posted">2<' in wulan and "county=632822" not in wulan
    liaison = _page(client_for(reg.liaison), year=2026)
    assert 'id="kpi-posted">3<' in liaison and "普通外科" in liaison
    doctor = _page(client_for(reg.doctor), year=2026)
    assert 'id="kpi-posted">1<' in doctor and "普通外科" not in doctor
    viewer = _page(client_for(reg.viewer), year=2026)
    assert 'id="kpi-posted">6<' in viewer


def test_the_stats_page_survives_a_bad_or_empty_year(client_for, reg, world):
    client = client_for(reg.hq)
    assert client.get("/orders/stats/", {"year": "x"}).status_code == 200
    assert client.get("/orders/stats/", {"year": "99999"}).status_code == 200
    page = _page(client, year=2019)
    assert 'id="kpi-posted">0<' in page and 'id="kpi-rate">—<' in page
    assert 'id="no-orders"' in page and "orders-stats-data" not in page


# The dashboard panel ----------------------------------------------------------------------------


def test_the_dashboard_panel_counts_todays_visits_in_scope(reg, world):
    from duikou.reports.views_orders import dashboard_panel

    today = dt.date(2026, 6, 3)  # the 都兰 surgery visit began 2026-06-01, unconfirmed
    dulan = dashboard_panel(reg.dulan_team, figures.orders(2026, reg.dulan_team), 2026, today)
    assert (dulan["posted"], dulan["served"], dulan["rate"]) == (3, 1, "33.3")
    assert (dulan["upcoming"], dulan["awaiting"]) == (0, 1)
    wulan = dashboard_panel(reg.wulan_team, figures.orders(2026, reg.wulan_team), 2026, today)
    assert (wulan["upcoming"], wulan["awaiting"]) == (0, 0)
    early = dashboard_panel(reg.hq, figures.orders(2026), 2026, dt.date(2026, 5, 10))
    assert (early["upcoming"], early["awaiting"]) == (1, 0)  # starts in 22 days
    late = dashboard_panel(reg.hq, figures.orders(2026), 2026, dt.date(2026, 4, 20))
    assert late["upcoming"] == 0  # 42 days ahead: beyond 30


def test_the_dashboard_shows_the_orders_panel_within_its_query_budget(
    client_for, reg, world, django_assert_max_num_queries
):
    from django.utils import timezone

    today = timezone.localdate()
    demand = _demand(reg.dulan_hospital, "儿科", "坐诊", today - dt.timedelta(days=20))
    _visit(demand, world["li"], today - dt.timedelta(days=1), status=VisitStatus.SCHEDULED)
    soon = _demand(reg.dulan_hospital, "妇产科", "手术", today - dt.timedelta(days=10))
    _visit(soon, world["wang"], today + dt.timedelta(days=7), status=VisitStatus.SCHEDULED)
    client = client_for(reg.liaison)
    # the whole dashboard's budget, as tests/test_views.py gives it
    with django_assert_max_num_queries(40):
        page = client.get("/", {"year": 2026}).content.decode()
    assert 'id="orders-panel"' in page
    # 都兰's surgery visit of 2026-06-01 and yesterday's: begun, not confirmed.
    assert re.search(r'id="kpi-orders-awaiting"[^>]*>2<', page)
    assert 'id="kpi-orders-upcoming">1<' in page
    assert 'href="/orders/stats/?year=2026"' in page
    hq_page = client_for(reg.hq).get("/", {"year": 2026}).content.decode()
    assert 'id="kpi-orders-posted">' in hq_page
