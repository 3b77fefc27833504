"""The consumption journey of issue 12 in a real browser: a shop's liaison, on a phone, enters
its channel's sales for last month; headquarters sees them on the sales statistics page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from duikou.consumption.models import Sale
from tests.consumption_kit import Kit

pytestmark = [pytest.mark.browser]


def test_a_shop_liaison_on_a_phone_enters_its_month_and_headquarters_sees_it(
    browser_reg, phone_page, new_page, sign_in, live_server, artifacts
):
    kit = Kit(browser_reg)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page = phone_page
    sign_in(page, "shop")
    page.goto(f"{live_server.url}/consumption/sales/new/")
    # The one channel it operates is chosen; last month is the default.
    assert page.locator("select[name=channel] option:checked").inner_text() == kit.shop.name
    assert page.locator("input[name=month]").input_value() == last_month.strftime("%Y-%m")
    page.select_option("select[name=product]", label="柴达木枸杞")
    page.fill("input[name=sold]", "3.5")
    page.fill("input[name=ordered]", "0.25")
    # Fits the phone's width: nothing to scroll sideways.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, overflow
    page.screenshot(path=artifacts / "consumption-phone-entry.png", full_page=True)
    with page.expect_navigation():
        page.click("#save")
    assert "已保存" in page.inner_text("body")
    sale = Sale.objects.get(channel=kit.shop, date=last_month, is_month=True)
    assert sale.sold == Decimal("35000.00") and sale.ordered == Decimal("2500.00")
    assert sale.created_by.username == "shop"

    hq = new_page()
    sign_in(hq, "hq")
    hq.goto(f"{live_server.url}/consumption/stats/?year={last_month.year}")
    assert hq.locator("#kpi-sold").inner_text() == "3.50"
    assert hq.locator("#kpi-ordered").inner_text() == "0.25"
    assert kit.shop.name in hq.locator("#top-channels").inner_text()
    # The chart was drawn (ECharts renders into a canvas).
    hq.wait_for_selector("#chart-monthly canvas")
    hq.screenshot(path=artifacts / "consumption-stats.png", full_page=True)
