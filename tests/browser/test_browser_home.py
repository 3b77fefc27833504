"""Each role's landing page on the demo, and the dashboard of a fresh empty platform, in a real
browser at 1280 and 390 px (issue 14). The screenshots go to test-artifacts/home-*.png."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from duikou.accounts.models import Role
from duikou.demo.loader import load_demo
from duikou.reports.views import HOME_BY_ROLE
from tests.browser.conftest import DESKTOP, PHONE, ensure_divisions
from tests.conftest import make_user
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]

SIZES = {"1280": DESKTOP, "390": PHONE}
DEMO_PASSWORD = "duikou2023"


def open_as(new_page, sign_in, username: str, size: str, password: str) -> Page:
    options = {"is_mobile": True, "has_touch": True} if size == "390" else {}
    page = new_page(SIZES[size], **options)
    sign_in(page, username, password)
    page.wait_for_load_state("load")
    return page


def drawn(page: Page, chart_id: str) -> None:
    """ECharts drew the chart: a canvas in its box, and no 暂无数据."""
    expect(page.locator(f"#{chart_id} canvas").first).to_be_attached()
    expect(page.locator(f"#{chart_id} .chart-empty-note")).to_have_count(0)


def says_no_data(page: Page, chart_id: str) -> None:
    expect(page.locator(f"#{chart_id} .chart-empty-note")).to_have_text("暂无数据")
    expect(page.locator(f"#{chart_id} .chart-empty-note")).to_be_visible()
    expect(page.locator(f"#{chart_id} canvas")).to_have_count(0)


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.slow
def test_each_role_lands_where_its_work_is_on_the_demo(
    transactional_db, live_server, new_page, sign_in, artifacts
):
    ensure_divisions()
    load_demo()
    for size in SIZES:
        # Headquarters: the programme's dashboard, its alerts one row per project.
        page = open_as(new_page, sign_in, "hq", size, DEMO_PASSWORD)
        assert page.url == live_server.url + reverse(HOME_BY_ROLE[Role.HEADQUARTERS])
        expect(page.locator("#projects-panel")).to_be_visible()
        expect(page.locator("#dashboard-scope")).to_have_count(0)
        drawn(page, "chart-kind")
        drawn(page, "chart-division")
        no_horizontal_scroll(page)
        if size == "1280":  # headquarters' whole menu keeps to one line (单位·结对 grouped)
            tops = page.locator(".mainnav > li").evaluate_all(
                "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
            )
            assert max(tops) - min(tops) <= 8, tops
            page.locator("#nav-registry summary").click()
            expect(page.locator("#nav-registry a", has_text="结对总览")).to_be_visible()
            page.locator("#nav-registry summary").click()  # closed again
        page.screenshot(path=artifacts / f"home-hq-{size}.png", full_page=True)
        page.goto(f"{live_server.url}/?year=2023")
        rows = page.locator("#worst-alerts li.alert-project")
        expect(rows.first).to_be_visible()
        codes = rows.evaluate_all("els => els.map(e => e.dataset.project)")
        assert codes and len(codes) == len(set(codes))
        assert rows.first.locator(".alert-kind").count() >= 2  # one project, all its alerts
        page.locator("#worst-alerts").screenshot(path=artifacts / f"home-hq-alerts-{size}.png")

        # A county team: the dashboard on its county.
        page = open_as(new_page, sign_in, "dulan", size, DEMO_PASSWORD)
        assert page.url == live_server.url + reverse(HOME_BY_ROLE[Role.COUNTY_TEAM])
        expect(page.locator("#dashboard-title")).to_contain_text("都兰县")
        expect(page.locator("#dashboard-scope")).to_have_text("仅显示都兰县的数据")
        expect(page.locator("#projects-panel")).to_be_visible()
        expect(page.locator("#deals-panel")).to_have_count(0)  # nothing signed in 都兰
        drawn(page, "chart-kind")
        no_horizontal_scroll(page)
        page.screenshot(path=artifacts / f"home-county-{size}.png", full_page=True)

        # The hospital liaison: its demands and visits.
        page = open_as(new_page, sign_in, "liaison", size, DEMO_PASSWORD)
        assert page.url == live_server.url + reverse(HOME_BY_ROLE[Role.LIAISON])
        expect(page.locator("main h2, main h1").first).to_be_visible()
        no_horizontal_scroll(page)
        page.screenshot(path=artifacts / f"home-liaison-{size}.png", full_page=True)
        # Its dashboard hides what its scope has nothing in; an empty chart says 暂无数据.
        page.goto(f"{live_server.url}/")
        expect(page.locator("#orders-panel")).to_be_visible()
        expect(page.locator("#projects-panel")).to_have_count(0)
        page.screenshot(path=artifacts / f"home-liaison-dashboard-{size}.png", full_page=True)

        # The doctor: /me/.
        page = open_as(new_page, sign_in, "doctor", size, DEMO_PASSWORD)
        assert page.url == live_server.url + "/me/"
        expect(page.locator("main")).to_contain_text("我的派驻")
        no_horizontal_scroll(page)
        page.screenshot(path=artifacts / f"home-doctor-{size}.png", full_page=True)

        # The viewer: the dashboard, read only.
        page = open_as(new_page, sign_in, "viewer", size, DEMO_PASSWORD)
        assert page.url == live_server.url + reverse(HOME_BY_ROLE[Role.VIEWER])
        expect(page.locator("#projects-panel")).to_be_visible()
        drawn(page, "chart-kind")
        page.screenshot(path=artifacts / f"home-viewer-{size}.png", full_page=True)

        # The shop: a liaison of a sales channel; its dashboard shows its sales and no
        # pairing charts drawn over nothing.
        page = open_as(new_page, sign_in, "shop", size, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/")
        expect(page.locator("#sales-panel")).to_be_visible()
        for empty in ("#projects-panel", "#people-panel", "#orders-panel", "#deals-panel"):
            expect(page.locator(empty)).to_have_count(0)
        says_no_data(page, "chart-kind")
        says_no_data(page, "chart-division")
        page.screenshot(path=artifacts / f"home-shop-dashboard-{size}.png", full_page=True)


def test_the_empty_platform_says_no_data(
    transactional_db, live_server, new_page, sign_in, artifacts
):
    ensure_divisions()
    make_user("chief", Role.HEADQUARTERS, is_staff=True)
    for size in SIZES:
        page = open_as(new_page, sign_in, "chief", size, "pw-chief")
        assert page.url == live_server.url + "/"
        expect(page.locator("#dashboard-empty")).to_be_visible()
        expect(page.locator("#dashboard-empty")).to_contain_text("年度暂无数据")
        says_no_data(page, "chart-kind")
        says_no_data(page, "chart-division")
        expect(page.locator("#worst-alerts")).to_have_count(0)
        no_horizontal_scroll(page)
        page.screenshot(path=artifacts / f"home-empty-{size}.png", full_page=True)
        for url, charts in (
            ("/projects/funds/", ["chart-category", "chart-county", "chart-monthly"]),
            ("/consumption/stats/", ["chart-monthly", "chart-product", "chart-city"]),
        ):
            page.goto(live_server.url + url)
            for chart_id in charts:
                says_no_data(page, chart_id)
            name = re.sub(r"\W+", "-", url.strip("/"))
            page.screenshot(path=artifacts / f"home-empty-{name}-{size}.png", full_page=True)
