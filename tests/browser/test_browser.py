"""The platform in a real browser: sign-in, the dashboard's charts, the htmx department picker,
form errors in Chinese, data scopes, the phone layout and the language switch."""

import re

import pytest
from playwright.sync_api import Page, expect

from duikou.core.models import Organisation, Pairing

pytestmark = pytest.mark.browser

NO_HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"

# A canvas has been painted once some pixel is no longer fully transparent.
CANVAS_PAINTED = """selector => {
    const canvas = document.querySelector(selector);
    if (!canvas || !canvas.width || !canvas.height) return false;
    const ctx = canvas.getContext("2d");
    if (!ctx) return false;
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
}"""


def fill_pairing_form(page: Page, *, start: str, end: str = "") -> None:
    """医院-科室: 浙大一院 → 都兰县人民医院·神经内科, the department coming in through htmx."""
    page.select_option("#id_kind", label="医院-科室")
    page.select_option("#id_zhejiang_org", label="浙江大学医学院附属第一医院")
    page.select_option("#id_haixi_org", label="都兰县人民医院")
    neuro = page.locator("#id_haixi_department option", has_text="神经内科")
    neuro.wait_for(state="attached")
    page.select_option("#id_haixi_department", label="神经内科")
    page.fill("#id_start_date", start)
    if end:
        page.fill("#id_end_date", end)


def test_sign_in_shows_dashboard_with_charts(page, sign_in, browser_reg, live_server, artifacts):
    sign_in(page, "hq")

    assert page.url.rstrip("/") == live_server.url
    expect(page.locator("h2")).to_contain_text("年度工作概览")
    expect(page.get_by_text("结对类型分布", exact=True)).to_be_visible()
    expect(page.locator("#kpi-pairings")).to_have_text("3")
    for chart in ("#chart-kind", "#chart-division"):
        page.wait_for_selector(f"{chart} canvas")
        page.wait_for_function(CANVAS_PAINTED, arg=f"{chart} canvas")
    page.wait_for_timeout(1200)  # let ECharts' entry animation finish before the screenshot
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)


def test_wrong_password_stays_on_login_page(page, sign_in, browser_reg):
    sign_in(page, "hq", password="not-the-password")

    assert "/accounts/login/" in page.url
    expect(page.locator(".form-errors")).to_contain_text("用户名或密码不正确")
    expect(page.locator("#login-submit")).to_be_visible()
    expect(page.locator("#logout")).to_have_count(0)


def test_hq_creates_pairing_with_htmx_department(
    page, sign_in, browser_reg, live_server, artifacts
):
    sign_in(page, "hq")
    page.goto(f"{live_server.url}/pairings/new/")
    expect(page.locator("#id_haixi_department option", has_text="神经内科")).to_have_count(0)

    fill_pairing_form(page, start="2024-01-01")
    with page.expect_navigation():
        page.click("#save")

    pairing = Pairing.objects.get(
        zhejiang_org=browser_reg.zju_hospital, haixi_department=browser_reg.dulan_neuro
    )
    assert page.url == f"{live_server.url}/pairings/{pairing.pk}/"
    expect(page.locator(".messages")).to_contain_text("已新建结对")
    expect(page.locator("h2")).to_have_text("浙大一院 → 都兰县医院·神经内科")
    expect(page.locator("dl.facts")).to_contain_text("2024-01-01")
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(1)
    expect(history.first.locator("td").nth(1)).to_have_text("hq")
    expect(history.first.locator("td").nth(2)).to_have_text("新建")
    page.screenshot(path=artifacts / "pairing_new.png", full_page=True)


def test_bad_credit_code_is_refused_until_overridden(
    page, sign_in, browser_reg, live_server, artifacts
):
    name = "格尔木市测试医院"
    sign_in(page, "hq")
    page.goto(f"{live_server.url}/orgs/new/")
    page.fill("#id_name", name)
    page.select_option("#id_kind", label="医院")
    page.select_option("#id_side", value="受援方")
    page.select_option("#id_division", label="格尔木市（632801）")
    page.fill("#id_credit_code", "91632801MA7XQ2K04K")
    with page.expect_navigation():
        page.click("#save")

    error = page.locator("#id_credit_code-error")
    expect(error).to_contain_text("校验码不符")
    expect(error).to_contain_text("应为 J，实为 K")
    expect(page.locator("#id_credit_code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-errors")).to_contain_text("未保存")
    expect(page.locator("#id_name")).to_have_value(name)
    expect(page.locator("#save")).to_be_visible()
    page.screenshot(path=artifacts / "org_bad_code.png", full_page=True)
    assert not Organisation.objects.filter(name=name).exists()

    reason = "登记机关核发的营业执照原件如此"
    page.check("#id_credit_code_override")
    page.fill("#id_credit_code_override_reason", reason)
    with page.expect_navigation():
        page.click("#save")

    org = Organisation.objects.get(name=name)
    assert org.credit_code_override
    assert page.url == f"{live_server.url}/orgs/{org.pk}/"
    expect(page.locator(".messages")).to_contain_text(f"已新建单位“{name}”")
    expect(page.locator("dl.facts")).to_contain_text("校验不通过，已确认保留")
    expect(page.locator("#history")).to_contain_text("变更历史")
    expect(page.locator("#history tbody")).to_contain_text(reason)


def test_pairing_ending_before_it_starts_is_refused(page, sign_in, browser_reg, live_server):
    before = Pairing.objects.count()
    sign_in(page, "hq")
    page.goto(f"{live_server.url}/pairings/new/")
    fill_pairing_form(page, start="2024-01-01", end="2023-12-31")
    with page.expect_navigation():
        page.click("#save")

    assert page.url == f"{live_server.url}/pairings/new/"
    error = page.locator("#id_end_date-error")
    expect(error).to_contain_text(re.compile(r"结束日期.*不能早于开始日期"))
    expect(error).to_contain_text("2023-12-31")
    expect(page.locator(".form-errors")).to_contain_text("未保存")
    assert Pairing.objects.count() == before


def test_county_team_cannot_see_another_countys_pairing(page, sign_in, browser_reg, live_server):
    sign_in(page, "dulan")

    response = page.goto(f"{live_server.url}/pairings/{browser_reg.wulan_pairing.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("h2")).to_contain_text("找不到该页面")

    page.goto(f"{live_server.url}/pairings/")
    results = page.locator("#results")
    expect(results).to_contain_text("都兰县医院·神经内科")
    expect(results).not_to_contain_text("乌兰")
    expect(results).to_contain_text("共 1 个结对")


def test_phone_layout_has_no_horizontal_overflow(
    phone_page, sign_in, browser_reg, live_server, artifacts
):
    page = phone_page
    sign_in(page, "hq")
    expect(page.locator("h2")).to_contain_text("年度工作概览")
    page.wait_for_selector("#chart-division canvas")
    page.wait_for_timeout(1200)
    assert page.evaluate("window.innerWidth") == 390
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW), page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    page.screenshot(path=artifacts / "phone_dashboard.png", full_page=True)

    page.goto(f"{live_server.url}/orgs/")
    expect(page.locator("table")).to_contain_text("都兰县医院")
    assert page.evaluate(NO_HORIZONTAL_OVERFLOW), page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    page.screenshot(path=artifacts / "phone_orgs.png", full_page=True)


def test_user_menu_switches_to_english(page, sign_in, browser_reg):
    sign_in(page, "hq")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.click("#user-menu summary")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The menu now offers the way back (inside the closed dropdown, so hidden).
    expect(page.locator("button[name=language][value=zh-hans]")).to_have_text("简体中文")
