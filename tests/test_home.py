"""Each role's landing page (/start/) and the dashboard's empty states (issue 14): a county team's
dashboard names its county, all-zero sections are hidden for a scoped role, empty charts say
暂无数据, and the 需要关注 list has one row per project of the chosen year with all its alerts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from duikou.accounts.models import Role
from duikou.core.models import Division
from duikou.core.vocab import ProjectStatus
from duikou.lib.charts import has_data
from duikou.projects import services
from duikou.projects.alerts import by_project, compute_alerts
from duikou.projects.models import Project
from duikou.reports.views import HOME_BY_ROLE
from tests.conftest import ensure_divisions, make_user

pytestmark = pytest.mark.django_db


def make(reg, code, *, year=2023, county=None, **extra) -> Project:
    data = dict(
        code=code,
        name="项目" + code,
        year=year,
        category="教育",
        county=county or reg.dulan,
        aid_amount=Decimal("1000000.00"),
        status="立项",
    )
    data.update(extra)
    return services.project_create(actor=None, via_import=True, **data)


def commit(project, amount="500000.00"):
    services.flow_record(
        actor=None,
        project=project,
        date=dt.date(project.year, 3, 1),
        type="下达",
        source="援助资金",
        amount=Decimal(amount),
        voucher="XD-" + project.code,
    )


def section(page: str, element_id: str) -> str:
    """The HTML of the element with that id up to its closing tag of the same name."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"', page)
    assert match, element_id
    tag = match.group(1)
    end = page.index(f"</{tag}>", match.end())
    return page[match.start() : end]


def charts_of(page: str) -> dict[str, str]:
    """Each chart box's id → its class attribute."""
    return dict(re.findall(r'<div id="([\w-]+)" class="(chart[^"]*)"', page))


# Landing pages ------------------------------------------------------------------------------


def test_signed_out_start_asks_for_a_sign_in(client):
    response = client.get("/start/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "who, role",
    [
        ("hq", Role.HEADQUARTERS),
        ("dulan_team", Role.COUNTY_TEAM),
        ("liaison", Role.LIAISON),
        ("doctor", Role.AID_STAFF),
        ("viewer", Role.VIEWER),
    ],
)
def test_each_role_lands_where_its_work_is(client_for, reg, who, role):
    response = client_for(getattr(reg, who)).get("/start/")
    assert response.status_code == 302
    assert response["Location"] == reverse(HOME_BY_ROLE[role])


def test_the_doctor_lands_on_me_and_the_others_on_the_dashboard(reg):
    assert reverse(HOME_BY_ROLE[Role.AID_STAFF]) == "/me/"
    for role in (Role.HEADQUARTERS, Role.COUNTY_TEAM, Role.VIEWER):
        assert reverse(HOME_BY_ROLE[role]) == "/"
    assert reverse(HOME_BY_ROLE[Role.LIAISON]) != "/"


def test_signing_in_goes_to_the_roles_home(client, reg):
    response = client.post(
        "/accounts/login/", {"username": "doctor", "password": "pw-doctor"}, follow=True
    )
    assert [url for url, _ in response.redirect_chain][-2:] == ["/start/", "/me/"]


# The county team's dashboard ----------------------------------------------------------------


def test_a_county_teams_dashboard_opens_on_its_county(client_for, reg):
    make(reg, "DL-1")
    make(reg, "WL-1", county=reg.wulan)
    page = client_for(reg.dulan_team).get("/", {"year": 2023}).content.decode()
    assert "都兰县 · 2023 年度工作概览" in section(page, "dashboard-title")
    assert "仅显示都兰县的数据" in section(page, "dashboard-scope")
    assert 'id="kpi-projects">1<' in page  # 乌兰's project is not counted


def test_a_team_of_two_counties_sees_both_named(client_for, reg):
    team = make_user("two", Role.COUNTY_TEAM, counties=[reg.wulan, reg.dulan])
    page = client_for(team).get("/", {"year": 2023}).content.decode()
    assert "乌兰县、都兰县" in section(page, "dashboard-title")


def test_headquarters_dashboard_names_no_county_and_no_scope(client_for, reg):
    page = client_for(reg.hq).get("/", {"year": 2023}).content.decode()
    assert section(page, "dashboard-title").endswith("2023 年度工作概览")
    assert 'id="dashboard-scope"' not in page


# Alerts --------------------------------------------------------------------------------------


def alerting_project(reg, code, year=2023):
    """Not started, overdue and slow in disbursement: three alerts of one project."""
    p = make(
        reg,
        code,
        year=year,
        planned_start=dt.date(year, 1, 5),
        planned_finish=dt.date(year, 6, 30),
    )
    commit(p)
    return p


def test_one_project_appears_once_with_all_its_alerts(client_for, reg):
    alerting_project(reg, "DL-9")
    page = client_for(reg.hq).get("/", {"year": 2023}).content.decode()
    worst = section(page, "worst-alerts")
    assert worst.count('data-project="DL-9"') == 1
    for label in ("逾期未开工", "拨付滞后", "超期未完工"):
        assert label in worst
    assert worst.count('class="alert-kind"') == 3
    assert "1 个项目" in worst
    assert re.search(r'id="kpi-alerts">\s*<span class="kpi-value text-error">3<', page)


def test_the_alerts_follow_the_chosen_year(client_for, reg):
    """A year's alerts: its own projects and the earlier years' projects still open; never a
    later year's, never a closed one's."""
    alerting_project(reg, "Y-2023", year=2023)
    alerting_project(reg, "Y-2024", year=2024)
    client = client_for(reg.hq)
    page_2023 = client.get("/", {"year": 2023}).content.decode()
    page_2024 = client.get("/", {"year": 2024}).content.decode()
    assert "Y-2023" in page_2023 and "Y-2024" not in page_2023
    # the 2023 project is still open in 2024: still Monday's business
    assert "Y-2024" in page_2024 and "Y-2023" in page_2024
    assert "/projects/alerts/?year=2023" in page_2023
    page_2022 = client.get("/", {"year": 2022}).content.decode()
    assert 'id="worst-alerts"' not in page_2022
    # The full list the dashboard links to narrows to that year too.
    listing = client.get("/projects/alerts/", {"year": 2023}).content.decode()
    assert "项目Y-2023" in listing and "项目Y-2024" not in listing
    everything = client.get("/projects/alerts/").content.decode()
    assert "项目Y-2024" in everything and "项目Y-2023" in everything
    # Cancelled, the 2023 project leaves 2024's list (and its own year's: nothing to watch).
    Project.objects.filter(code="Y-2023").update(status=ProjectStatus.CANCELLED)
    page_2024 = client.get("/", {"year": 2024}).content.decode()
    assert "Y-2024" in page_2024 and "Y-2023" not in page_2024


def test_alerts_by_project_orders_projects_by_their_worst_alert(reg):
    slow = make(reg, "B-SLOW")  # only a lagging disbursement
    commit(slow)
    alerting_project(reg, "A-ALL")  # not started: the worst kind
    rows = by_project(compute_alerts(Project.objects.all()))
    assert [r.project.code for r in rows] == ["A-ALL", "B-SLOW"]
    assert rows[0].labels == ["逾期未开工", "拨付滞后", "超期未完工"]
    assert rows[1].labels == ["拨付滞后"]


def test_the_alert_list_ignores_a_junk_year(client_for, reg):
    alerting_project(reg, "J-1")
    for junk in ("x", "0", "99999", "２０２３"):
        page = client_for(reg.hq).get("/projects/alerts/", {"year": junk})
        assert page.status_code == 200 and "项目J-1" in page.content.decode()


# Sections that are all zero for a role ---------------------------------------------------------


def test_a_liaison_sees_no_empty_projects_or_deals_sections(client_for, reg):
    page = client_for(reg.liaison).get("/", {"year": 2023}).content.decode()
    assert 'id="projects-panel"' not in page
    assert 'id="deals-panel"' not in page
    assert 'id="people-panel"' not in page
    assert 'id="pairings-panel"' in page  # its hospital's pairing


def test_headquarters_keeps_the_zero_sections(client_for, reg):
    page = client_for(reg.hq).get("/", {"year": 2023}).content.decode()
    assert 'id="projects-panel"' in page and 'id="kpi-projects">0<' in page
    assert 'id="people-panel"' in page and 'id="orders-panel"' in page


def test_a_county_team_with_nothing_in_its_county_gets_one_empty_state(client_for, reg):
    tianjun = Division.objects.get(code="632823")
    team = make_user("tianjun", Role.COUNTY_TEAM, counties=[tianjun])
    page = client_for(team).get("/", {"year": 2023}).content.decode()
    for panel in ("projects-panel", "people-panel", "orders-panel", "pairings-panel"):
        assert f'id="{panel}"' not in page
    empty = section(page, "dashboard-empty")
    assert "2023 年度暂无数据" in empty and "您的数据范围内" in empty
    assert "/imports/" in empty or "数据导入" in empty  # a county team records data


def test_the_viewer_gets_no_data_entry_links_on_an_empty_year(client_for, db):
    ensure_divisions()
    viewer = make_user("v", Role.VIEWER)
    page = client_for(viewer).get("/", {"year": 2023}).content.decode()
    empty = section(page, "dashboard-empty")
    assert "数据导入" not in empty and "新建项目" not in empty


# Empty charts say 暂无数据 ----------------------------------------------------------------------


@pytest.fixture
def empty_platform(db):
    """Migrations only, and one headquarters user."""
    ensure_divisions()
    return make_user("chief", Role.HEADQUARTERS, is_staff=True)


def test_the_empty_dashboard_says_no_data_instead_of_empty_charts(client_for, empty_platform):
    page = client_for(empty_platform).get("/").content.decode()
    charts = charts_of(page)
    assert charts == {"chart-kind": "chart chart-empty", "chart-division": "chart chart-empty"}
    assert page.count('<p class="chart-empty-note">暂无数据</p>') == 2
    empty = section(page, "dashboard-empty")
    assert "平台上还没有" in empty
    assert reverse("exchange_io:import") in empty and reverse("projects:project_create") in empty
    assert 'src="/static/js/charts.js"' in page
    # Said once, not as a page of zeros: only the pairing section stays, for its charts.
    for panel in ("projects-panel", "people-panel", "orders-panel", "sales-panel"):
        assert f'id="{panel}"' not in page
    assert 'id="pairings-panel"' in page


def test_a_dashboard_with_pairings_draws_its_charts(client_for, reg):
    page = client_for(reg.hq).get("/", {"year": 2023}).content.decode()
    assert charts_of(page) == {"chart-kind": "chart", "chart-division": "chart"}
    assert 'id="dashboard-empty"' not in page


@pytest.mark.parametrize(
    "url, ids",
    [
        ("/projects/funds/", ["chart-category", "chart-county", "chart-monthly"]),
        ("/consumption/stats/", ["chart-monthly", "chart-product", "chart-city"]),
    ],
)
def test_the_other_chart_pages_say_no_data_when_empty(client_for, empty_platform, url, ids):
    response = client_for(empty_platform).get(url, {"year": 2023})
    assert response.status_code == 200
    page = response.content.decode()
    charts = charts_of(page)
    for chart_id in ids:
        assert charts[chart_id] == "chart chart-empty", chart_id
    assert page.count("暂无数据</p>") == len(ids)
    assert 'src="/static/js/charts.js"' in page


def test_the_funds_page_draws_a_year_with_projects(client_for, reg):
    commit(make(reg, "F-1"))
    page = client_for(reg.hq).get("/projects/funds/", {"year": 2023}).content.decode()
    charts = charts_of(page)
    assert charts["chart-category"] == "chart" and charts["chart-county"] == "chart"
    assert charts["chart-monthly"] == "chart"


# The rule itself (the same as static/js/charts.js hasData) -------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        ([], False),
        ([{"name": "城市-县", "value": 0}], False),
        ([{"name": "城市-县", "value": 2}], True),
        ({"names": ["都兰"], "values": ["0.00"]}, False),
        ({"names": ["都兰"], "values": ["0.01"]}, True),
        ({"months": ["1月"], "series": [{"name": "累计下达", "data": ["0.00", None]}]}, False),
        ({"months": ["1月"], "series": [{"name": "累计下达", "data": [None, "3.5"]}]}, True),
        ({"names": ["都兰"], "posted": [0], "served": [0], "links": ["/x"]}, False),
        ({"names": ["都兰"], "posted": [1], "served": [0], "links": ["/x"]}, True),
        ({"names": ["12"], "values": []}, False),  # a name is not a value
        ([{"name": "x", "data": []}], False),
        ("abc", False),
        (None, False),
    ],
)
def test_has_data(data, expected):
    assert has_data(data) is expected


@pytest.mark.parametrize("url", ["/", "/orders/stats/", "/consumption/stats/"])
def test_the_year_picker_keeps_the_chosen_year(client_for, reg, url):
    page = client_for(reg.hq).get(url, {"year": 2012}).content.decode()
    assert re.search(r'<option value="2012"\s+selected>', page)


def test_the_registry_pages_sit_in_one_menu_group_and_the_admin_in_the_user_menu(client_for, reg):
    html = client_for(reg.hq).get(reverse("core:pairing_overview")).content.decode()
    group = html.split('id="nav-registry"')[1].split("</details>")[0]
    for name in ("core:organisation_list", "core:pairing_list", "core:pairing_overview"):
        assert f'href="{reverse(name)}"' in group
    assert '<summary aria-current="page">' in group  # the group is marked where its page is
    assert 'aria-current="page">结对总览' in group
    menu = html.split('class="dropdown"')[-1]
    assert ('id="admin-link"' in menu) == (reg.hq.is_staff and reg.hq.is_headquarters)
    assert 'id="admin-link"' not in client_for(reg.viewer).get("/").content.decode()
