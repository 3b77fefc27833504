"""The investment journey of issue 11 in a real browser: an investment officer (headquarters)
opens an enterprise, sees its ranked policies with their reasons, starts a deal from the first
one, and moves it to 签约 on the deal's page."""

import pytest
from django.utils import timezone

from duikou.investment.models import Deal
from tests.investment_kit import Kit
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]


def test_an_officer_starts_a_deal_from_a_recommended_policy_and_signs_it(
    browser_reg, page, sign_in, live_server, artifacts
):
    kit = Kit(browser_reg)
    sign_in(page, "hq")
    page.click("text=招商")
    page.fill("input[name=q]", "晴川")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    with page.expect_navigation():
        page.click("text=杭州晴川光伏科技有限公司")
    recs = page.locator("#policies li.rec")
    # Today the first recommendation is the division-level photovoltaic policy, with reasons.
    first = recs.first
    assert kit.pv.title in first.inner_text()
    assert "行业大类 38 相符" in first.inner_text()
    assert "意向投资额 3,000 万元 ≥ 最低 1,000 万元" in first.inner_text()
    assert page.locator("#phone").inner_text() == "138****0001"
    page.screenshot(path=artifacts / "investment-enterprise.png", full_page=True)
    with page.expect_navigation():
        first.locator("a.start-deal").click()
    page.fill("input[name=name]", "格尔木光伏组件与储能项目")
    page.select_option("select[name=county]", label="格尔木")
    assert page.locator(f"input[name=policies][value='{kit.pv.pk}']").is_checked()
    with page.expect_navigation():
        page.click("#save")
    deal = Deal.objects.get(name="格尔木光伏组件与储能项目")
    assert deal.stage == "线索" and list(deal.policies.all()) == [kit.pv]
    page.select_option("#move-form select[name=stage]", "签约")
    page.fill("#move-form input[name=signed_amount]", "3000")
    with page.expect_navigation():
        page.click("#move-save")
    assert page.locator("#stage").inner_text().startswith("签约")
    assert "3,000 万元" in page.locator("#signed-amount").inner_text()
    deal.refresh_from_db()
    assert deal.stage == "签约" and deal.signed_on == timezone.localdate()
    assert deal.signed_amount == 30_000_000
    page.screenshot(path=artifacts / "investment-deal.png", full_page=True)
