"""figures.deals: signed in the year (count, amount), by stage at the year's end, by county and
industry; scoped by user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from duikou.investment import services
from duikou.reports import figures
from tests.investment_kit import Kit

D = dt.date
pytestmark = pytest.mark.django_db


def test_deals_signed_in_a_year_by_stage_at_its_end(reg):
    kit = Kit(reg)
    make = services.deal_create
    a = make(
        actor=None,
        name="甲",
        enterprise=kit.solar,
        county=reg.dulan,
        on=D(2024, 5, 28),
        stage="签约",
        signed_amount=Decimal("100000000.50"),
    )
    make(
        actor=None,
        name="乙",
        enterprise=kit.datacenter,
        county=reg.wulan,
        on=D(2024, 6, 1),
        stage="签约",
        signed_amount=Decimal("200000000"),
    )
    make(
        actor=None,
        name="丙",
        enterprise=kit.small,
        county=reg.dulan,
        on=D(2023, 6, 1),
        stage="签约",
        signed_amount=Decimal("5"),
    )
    make(actor=None, name="丁", enterprise=kit.small, county=reg.dulan, on=D(2024, 6, 1))
    services.deal_move(actor=None, deal=a, stage="开工", on=D(2024, 9, 1))
    services.deal_move(actor=None, deal=a, stage="资金到位", on=D(2025, 3, 1))
    got = figures.compute(2024)["deals"]
    assert got["signed_count"] == 2
    assert got["signed"] == "300000000.50"
    assert got["by_stage"] == {"签约": 1, "开工": 1}
    assert got["by_county"] == {
        "乌兰": {"count": 1, "signed": "200000000.00"},
        "都兰": {"count": 1, "signed": "100000000.50"},
    } or set(got["by_county"]) == {"乌兰县", "都兰县"}
    assert got["by_industry"]["C"] == {"count": 1, "signed": "100000000.50"}
    assert figures.deals(2024, reg.wulan_team)["signed_count"] == 1
    assert figures.deals(2024, reg.liaison)["signed_count"] == 0


def test_the_dashboard_shows_the_years_deals(reg, client_for):
    kit = Kit(reg)
    services.deal_create(
        actor=None,
        name="甲",
        enterprise=kit.solar,
        county=reg.dulan,
        on=D(2024, 5, 28),
        stage="签约",
        signed_amount=Decimal("30000000"),
    )
    html = client_for(reg.hq).get("/?year=2024").content.decode()
    assert "2024 年签约招商项目 1 个" in html and "3,000 万元" in html
    html = client_for(reg.dulan_team).get("/?year=2024").content.decode()
    assert "2024 年签约招商项目 1 个" in html
    # 乌兰's team has no deal that year: a section all zero for a county team is hidden
    html = client_for(reg.wulan_team).get("/?year=2024").content.decode()
    assert "签约招商项目" not in html
