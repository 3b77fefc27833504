"""What the project figures count (docs/contracts/figures.md): plan year, cancelled projects,
flow dates, rates."""

import datetime as dt
from decimal import Decimal

import pytest

from duikou.projects import services
from duikou.reports import figures

pytestmark = pytest.mark.django_db

D = dt.date
_serial = iter(range(1, 1000))


def project(reg, *, county=None, year=2023, category="教育", aid="0", status="立项", **extra):
    """A project created as an import would (actor=None), in 都兰 unless told otherwise."""
    if status in {"在建", "完工", "验收"}:
        extra.setdefault("actual_start", D(year, 5, 1))
    if status in {"完工", "验收"}:
        extra.setdefault("actual_finish", D(year, 10, 1))
    return services.project_create(
        actor=None,
        via_import=True,
        code=f"T-{year}-{next(_serial):03d}",
        name=f"测试项目{category}{status}",
        year=year,
        category=category,
        county=county or reg.dulan,
        aid_amount=Decimal(aid),
        status=status,
        **extra,
    )


def flow(p, day, kind, amount, source="援助资金"):
    return services.flow_record(
        actor=None,
        project=p,
        date=day,
        type=kind,
        source=source,
        amount=Decimal(amount),
        voucher=f"{kind}-{p.pk}-{day.isoformat()}-{source}",
    )


def test_cancelled_projects_count_only_in_by_status(reg):
    project(reg, category="教育", aid="1000000.00", status="在建")
    project(reg, category="教育", aid="250000.50", status="完工")
    project(reg, category="医疗卫生", aid="9000000.00", status="取消")
    p = figures.projects(2023)
    assert p["count"] == 2
    assert p["aid"] == "1250000.50"
    assert p["by_category"] == {"教育": {"count": 2, "aid": "1250000.50"}}
    assert p["by_status"] == {"在建": 1, "完工": 1, "取消": 1}


def test_projects_count_in_their_plan_year_only(reg):
    project(reg, year=2022, aid="300.00", status="验收")
    project(reg, year=2023, aid="700.00")
    assert figures.projects(2022)["aid"] == "300.00"
    assert figures.projects(2023)["aid"] == "700.00"
    empty = figures.projects(2021)
    assert empty == {"count": 0, "aid": "0.00", "by_category": {}, "by_status": {}}


def test_categories_come_in_vocabulary_order(reg):
    project(reg, category="其他", aid="1.00")
    project(reg, category="医疗卫生", aid="1.00")
    project(reg, category="保障和改善民生", aid="1.00")
    assert list(figures.projects(2023)["by_category"]) == ["保障和改善民生", "医疗卫生", "其他"]


def test_flows_count_by_their_date_not_the_plan_year(reg):
    p2022 = project(reg, year=2022, aid="1000000.00", local_amount=Decimal("200000.00"))
    flow(p2022, D(2022, 4, 1), "下达", "1000000.00")
    flow(p2022, D(2022, 6, 1), "拨付", "600000.00")
    flow(p2022, D(2023, 3, 1), "拨付", "400000.00")
    flow(p2022, D(2023, 3, 20), "支出", "999999.99")
    flow(p2022, D(2023, 5, 1), "下达", "200000.00", source="地方配套")  # every source counts
    flow(p2022, D(2023, 12, 31), "拨付", "50000.00", source="地方配套")
    flow(p2022, D(2024, 1, 1), "拨付", "150000.00", source="地方配套")
    assert figures.flows(2022) == {"下达": "1000000.00", "拨付": "600000.00", "支出": "0.00"}
    assert figures.flows(2023) == {"下达": "200000.00", "拨付": "450000.00", "支出": "999999.99"}
    assert figures.flows(2024) == {"下达": "0.00", "拨付": "150000.00", "支出": "0.00"}


def test_indicators_rates_over_the_years_projects(reg):
    building = project(reg, aid="1000000.00", status="在建")
    done = project(reg, aid="500000.00", status="完工")
    project(reg, aid="300000.00", status="立项")
    cancelled = project(reg, aid="800000.00", status="立项")
    flow(building, D(2023, 4, 1), "下达", "1000000.00")
    flow(building, D(2023, 5, 1), "拨付", "400000.00")
    flow(building, D(2024, 3, 1), "拨付", "200000.00")  # a later date still counts
    flow(building, D(2024, 4, 1), "支出", "300000.00")
    flow(done, D(2023, 4, 1), "下达", "500000.00")
    flow(done, D(2023, 6, 1), "拨付", "500000.00")
    flow(done, D(2023, 11, 1), "支出", "500000.00")
    flow(cancelled, D(2023, 4, 1), "下达", "800000.00")  # left out once cancelled
    services.project_transition(actor=None, project=cancelled, to_status="取消", comment="选址调整")
    overall = figures.project_indicators(2023)["overall"]
    assert overall == {
        "projects": 3,
        "资金拨付率": "73.3",  # (400 000 + 200 000 + 500 000) / 1 500 000
        "支出率": "72.7",  # 800 000 / 1 100 000
        "开工率": "66.7",  # 在建 and 完工 of 3
        "完工率": "33.3",  # 完工 of 3
    }


def test_rates_are_null_without_a_base(reg):
    project(reg, aid="100.00", status="立项")
    indicators = figures.project_indicators(2023)
    assert indicators["overall"] == {
        "projects": 1,
        "资金拨付率": None,
        "支出率": None,
        "开工率": "0.0",
        "完工率": "0.0",
    }
    assert figures.project_indicators(2020)["overall"] == {"projects": 0}
    assert figures.project_indicators(2020)["by_category"] == {}


def test_indicators_by_category_and_county(reg):
    a = project(reg, category="教育", aid="100.00", status="完工")
    b = project(reg, county=reg.wulan, category="医疗卫生", aid="100.00", status="在建")
    flow(a, D(2023, 4, 1), "下达", "100.00")
    flow(a, D(2023, 5, 1), "拨付", "100.00")
    flow(b, D(2023, 4, 1), "下达", "100.00")
    flow(b, D(2023, 5, 1), "拨付", "25.00")
    indicators = figures.project_indicators(2023)
    assert list(indicators["by_category"]) == ["教育", "医疗卫生"]
    assert indicators["by_category"]["教育"]["资金拨付率"] == "100.0"
    assert indicators["by_category"]["医疗卫生"]["资金拨付率"] == "25.0"
    assert indicators["by_county"]["都兰"]["完工率"] == "100.0"
    assert indicators["by_county"]["乌兰"]["完工率"] == "0.0"
    assert indicators["by_county"]["乌兰"]["开工率"] == "100.0"


def test_a_county_team_sees_only_its_county(reg):
    dulan = project(reg, aid="1000.00", status="在建")
    wulan = project(reg, county=reg.wulan, aid="3000.00", status="在建")
    flow(dulan, D(2023, 4, 1), "下达", "1000.00")
    flow(wulan, D(2023, 4, 1), "下达", "3000.00")
    flow(wulan, D(2023, 5, 1), "拨付", "3000.00")

    mine = figures.compute(2023, user=reg.dulan_team)
    assert mine["projects"]["count"] == 1 and mine["projects"]["aid"] == "1000.00"
    assert mine["flows"] == {"下达": "1000.00", "拨付": "0.00", "支出": "0.00"}
    assert list(mine["project_indicators"]["by_county"]) == ["都兰"]
    assert mine["project_indicators"]["overall"]["资金拨付率"] == "0.0"

    theirs = figures.compute(2023, user=reg.wulan_team)
    assert theirs["projects"]["aid"] == "3000.00"
    assert theirs["flows"]["拨付"] == "3000.00"
    assert list(theirs["project_indicators"]["by_county"]) == ["乌兰"]

    everything = figures.compute(2023, user=reg.hq)
    assert everything["projects"]["count"] == 2 and everything["projects"]["aid"] == "4000.00"
    assert everything["flows"]["下达"] == "4000.00"
    assert figures.compute(2023) == everything  # no user: the whole programme
