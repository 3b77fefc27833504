"""The projects demo: idempotent, balanced, and its 2023 records produce the article's figures."""

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.db.models import Sum

from duikou.core.vocab import FlowType, FundingSource, ProjectCategory, ProjectStatus
from duikou.demo.loader import load_demo
from duikou.projects.alerts import compute_alerts
from duikou.projects.demo import FIVE_YEAR_PLAN, load_projects_demo
from duikou.projects.models import (
    AnnualPlan,
    FiveYearPlan,
    MoneyFlow,
    ProgressReport,
    Project,
    StatusTransition,
)
from duikou.projects.services import check_flow_balance
from duikou.reports import figures

F26 = [
    "都兰县蔬菜全产业链基地",
    "乌兰县特色生物产业园",
    "格尔木市农村电子商务示范工程",
    "天峻县村级特色集体产业扶持项目",
]


@pytest.fixture(scope="module")
def demo(shared_demo):
    """The demo without its orders part (a planner run that tests/test_orders_demo.py checks),
    loaded once per session for the demo modules and rolled back after them (tests/conftest.py);
    each test runs in a savepoint."""
    shared_demo.base(load_demo)


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow,
]


def _counts() -> dict[str, int]:
    return {
        "plans": FiveYearPlan.objects.count(),
        "annual_plans": AnnualPlan.objects.count(),
        "projects": Project.objects.count(),
        "flows": MoneyFlow.objects.count(),
        "reports": ProgressReport.objects.count(),
        "transitions": StatusTransition.objects.count(),
        "plan_history": FiveYearPlan.history.count(),
        "annual_plan_history": AnnualPlan.history.count(),
        "project_history": Project.history.count(),
        "flow_history": MoneyFlow.history.count(),
        "report_history": ProgressReport.history.count(),
    }


def test_loading_twice_changes_nothing():
    before = _counts()
    assert before["projects"] > 100 and before["flows"] > 500 and before["reports"] > 300
    versions = dict(Project.objects.values_list("code", "version"))
    out = StringIO()
    load_projects_demo(stdout=out)
    load_demo()
    assert _counts() == before
    assert dict(Project.objects.values_list("code", "version")) == versions
    assert "项目：未变" in out.getvalue()
    assert "新建" not in out.getvalue() and "更新" not in out.getvalue()


def test_projects_2023_reproduce_the_article():
    p = figures.projects(2023)
    by_category = p["by_category"]
    assert by_category[ProjectCategory.MEDICAL] == {"count": 6, "aid": "14070000.00"}  # F08
    assert by_category[ProjectCategory.EDUCATION] == {"count": 20, "aid": "47300000.00"}  # F11
    assert ProjectCategory.CULTURE not in by_category  # the 20 are all the 文化教育 projects
    assert by_category[ProjectCategory.LIVELIHOOD]["aid"] == "102000000.00"  # F25
    assert by_category[ProjectCategory.INDUSTRY] == {"count": 4, "aid": "54700000.00"}  # F26
    assert p["count"] == sum(c["count"] for c in by_category.values())
    assert Decimal(p["aid"]) == sum(Decimal(c["aid"]) for c in by_category.values())
    # Every category appears in the programme.
    assert set(Project.objects.values_list("category", flat=True)) == set(ProjectCategory.values)


def test_f25_livelihood_funds_were_committed_in_2023():
    committed = MoneyFlow.objects.filter(
        project__year=2023,
        project__category=ProjectCategory.LIVELIHOOD,
        type=FlowType.COMMITMENT,
        source=FundingSource.AID,
        date__year=2023,
    ).aggregate(total=Sum("amount"))["total"]
    assert committed == Decimal("102000000.00")


def test_f26_the_four_industry_projects_were_completed_in_2023():
    projects = Project.objects.filter(year=2023, category=ProjectCategory.INDUSTRY)
    assert sorted(projects.values_list("name", flat=True)) == sorted(F26)
    assert sum(p.aid_amount for p in projects) == Decimal("54700000.00")
    for p in projects:
        assert p.status == ProjectStatus.COMPLETED
        assert p.actual_start.year == 2023 and p.actual_finish.year == 2023


def test_f07_the_off_budget_fund_is_not_aid():
    fund = Project.objects.get(name__contains="“四百”工程")
    assert fund.year == 2023 and fund.category == ProjectCategory.OTHER
    assert fund.aid_amount == 0 and fund.social_amount == Decimal("3000000.00")
    committed = fund.flows.filter(type=FlowType.COMMITMENT, source=FundingSource.SOCIAL)
    assert committed.aggregate(total=Sum("amount"))["total"] == Decimal("3000000.00")


def test_the_cancelled_project_counts_only_in_by_status():
    cancelled = Project.objects.get(year=2023, status=ProjectStatus.CANCELLED)
    p = figures.projects(2023)
    assert p["by_status"][ProjectStatus.CANCELLED] == 1
    assert p["count"] == Project.objects.filter(year=2023).count() - 1
    assert sum(p["by_status"].values()) == p["count"] + 1
    assert not cancelled.flows.exists()


def test_every_flow_balance_holds():
    for project in Project.objects.all():
        for source in FundingSource.values:
            check_flow_balance(project, source)  # raises on 拨付 > 下达 or 支出 > 拨付
    # Nothing is committed beyond its budget.
    for project in Project.objects.prefetch_related("flows"):
        for source in FundingSource.values:
            committed = sum(
                f.amount for f in project.flows.all() if f.source == source and f.type == "下达"
            )
            assert committed <= project.budget_for(source), project.code


def test_flows_2023_are_exact_and_disbursed_within_commitments():
    f = figures.flows(2023)
    assert set(f) == set(FlowType.values)
    for value in f.values():
        assert re.fullmatch(r"\d+\.\d{2}", value), value
    assert Decimal(f[FlowType.DISBURSEMENT]) <= Decimal(f[FlowType.COMMITMENT])
    assert Decimal(f[FlowType.EXPENDITURE]) > 0


def test_f28_the_five_year_plan_and_its_annual_plans():
    plan = FiveYearPlan.objects.get(name=FIVE_YEAR_PLAN)
    assert (plan.start_year, plan.end_year) == (2021, 2025)
    assert list(plan.annual_plans.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
    assert plan.history.count() == 1
    for project in Project.objects.select_related("annual_plan"):
        assert project.annual_plan is not None, project.code
        assert project.annual_plan.year == project.year
        if project.year <= 2025:
            assert project.annual_plan.five_year_plan == plan
    assert figures.projects(2022)["aid"] == "257310000.00"  # 2.5731 亿元, as reported


def test_records_are_consistent_with_their_status():
    started = {ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED}
    for project in Project.objects.prefetch_related("reports"):
        project.full_clean()
        assert project.code == f"ZJHX-{project.year}-{project.code[-3:]}"
        if project.county.code != "632802" or project.location_detail != "州本级":
            assert project.pairing_city == project.county.paired_city
        reports = sorted(project.reports.all(), key=lambda r: r.date)
        if project.status in started:
            assert reports, project.code
            assert [r.progress for r in reports] == sorted(r.progress for r in reports)
            assert reports[0].date >= project.actual_start
        if project.status in {ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED}:
            assert reports[-1].progress == 100
        if project.status == ProjectStatus.BUILDING:
            assert reports[-1].progress < 100
    statuses_2026 = set(Project.objects.filter(year=2026).values_list("status", flat=True))
    assert {ProjectStatus.APPROVED, ProjectStatus.BUILDING} <= statuses_2026


def test_three_projects_are_left_lagging():
    alerts = compute_alerts(Project.objects.all(), today=dt.date(2026, 11, 29))
    lagging = {(a.kind, a.project.name) for a in alerts}
    assert ("slow_disbursement", "格尔木市城区老旧供热管网改造") in lagging
    assert ("not_started", "茫崖市冷湖镇社区综合服务设施") in lagging
    assert ("no_report", "大柴旦行委柴旦镇综合供水改造工程") in lagging
    assert len({a.project.pk for a in alerts}) == 3


def test_the_liaison_sees_the_projects_of_its_hospital():
    from duikou.accounts.models import User
    from duikou.projects.scopes import projects_for_user

    liaison = User.objects.get(username="liaison")
    names = set(projects_for_user(liaison).values_list("name", flat=True))
    assert "都兰县人民医院远程会诊中心" in names
    assert all("都兰县人民医院" in n for n in names)
