"""The leadership screen and the public portal in a real browser (issue 15), at a wall
display's 1920×1080 and a phone's 390 px: the screen fills itself from its one data request
(figures, the map of the county seats, the charts, alerts) and fits the display without
scrolling; the portal opens without signing in and lays its tables out on a phone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from duikou.consumption.models import SalesTarget
from tests.test_people_common import field_key  # noqa: F401 - fixture
from tests.test_projects_views import World as ProjectsWorld
from tests.test_projects_views import make

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]

WALL = {"width": 1920, "height": 1080}


def _world(reg) -> None:
    ProjectsWorld(reg)
    make(reg, "GL-01", county=reg.dulan.parent.children.get(code="632801"), status="立项")
    make(reg, "DL-RES", name="都兰县储备项目（未公开）", aid_amount=Decimal("5000000.00"))
    SalesTarget.objects.create(year=2023, amount=Decimal("30000000.00"))


def test_the_screen_fills_a_wall_display_and_a_phone(
    browser_reg, new_page, sign_in, live_server, artifacts
):
    _world(browser_reg)
    for label, options in (
        ("1920", {"viewport": WALL}),
        ("390", {"viewport": {"width": 390, "height": 844}, "is_mobile": True}),
    ):
        page = new_page(**options)
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        requests: list[str] = []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        sign_in(page, "viewer")
        requests.clear()
        page.goto(f"{live_server.url}/screen/?year=2023")
        page.locator("#sc-status", has_text="数据更新于").wait_for()
        assert page.locator("#k-projects").inner_text() == "4"
        assert page.locator("#k-aid").inner_text() == "0.08"  # 800 万元, the reserve's too
        assert page.locator("#alert-count").inner_text() != "—"
        # Every chart drew on its canvas.
        for chart in ("c-map", "c-trend", "c-sales", "c-orders"):
            assert page.locator(f"#{chart} canvas").count() >= 1, chart
        # One request for the data; the rest are the page, its stylesheet and scripts.
        data = [u for u in requests if "/screen/data.json" in u]
        assert len(data) == 1
        assert all("/static/" in u or "/screen/" in u for u in requests), requests
        if label == "1920":
            size = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            assert size == [1920, 1080], "the wall display must not scroll"
        page.wait_for_timeout(500)  # the charts' entry animation
        page.screenshot(path=artifacts / f"screen-{label}.png", full_page=label == "390")
        assert not errors, errors


def test_the_public_portal_opens_without_signing_in(browser_reg, new_page, live_server, artifacts):
    _world(browser_reg)
    for label, options in (
        ("1920", {"viewport": WALL}),
        ("390", {"viewport": {"width": 390, "height": 844}, "is_mobile": True}),
    ):
        page = new_page(**options)
        page.goto(f"{live_server.url}/public/?year=2023")
        assert page.locator("#pub-projects").inner_text() == "3"  # the reserve's is not public
        assert page.locator(".mainnav").count() == 0
        page.screenshot(path=artifacts / f"public-home-{label}.png", full_page=True)
        with page.expect_navigation():
            page.click("#pub-by-county >> text=都兰")
        table = page.locator("#pub-project-table")
        assert "项目DL-01" in table.inner_text()
        assert "储备项目" not in page.content()
        if label == "390":
            # On a phone each project is a card: no table header, labelled fields, no sideways
            # scrolling.
            assert not page.locator("#pub-project-table thead").is_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390
        page.screenshot(path=artifacts / f"public-projects-{label}.png", full_page=True)
        page.goto(f"{live_server.url}/public/events/?year=2023")
        page.goto(f"{live_server.url}/public/sales/?year=2023")
        assert "3,000.00" in page.locator("main").inner_text()  # the year's target, 万元
        page.screenshot(path=artifacts / f"public-sales-{label}.png", full_page=True)
    # A staff page from the portal still asks for the sign-in.
    page.goto(f"{live_server.url}/screen/")
    assert "/accounts/login/" in page.url
