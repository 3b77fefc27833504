"""Journeys of journeys.md in a real browser: a county team files a 拨付 on a phone, and
headquarters uploads a workbook, reads the error, fixes it and imports."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from duikou.projects import services as project_services
from duikou.projects.models import MoneyFlow, Project

pytestmark = pytest.mark.browser


@pytest.fixture
def dulan_project(browser_reg):
    project = project_services.project_create(
        actor=None,
        via_import=True,
        code="ZJHX-2026-501",
        name="都兰县村道硬化工程",
        year=2026,
        category="保障和改善民生",
        county=browser_reg.dulan,
        status="在建",
        aid_amount=Decimal("1000000.00"),
        actual_start=dt.date(2026, 4, 1),
    )
    project_services.flow_record(
        actor=None,
        project=project,
        date=dt.date(2026, 3, 1),
        type="下达",
        source="援助资金",
        amount=Decimal("1000000.00"),
        voucher="XD-501",
    )
    return project


def test_a_county_team_files_a_disbursement_on_a_phone(
    phone_page, sign_in, live_server, dulan_project, artifacts
):
    page = sign_in(phone_page, "dulan")
    page.goto(f"{live_server.url}/projects/{dulan_project.pk}/flows/")
    page.fill("input[name=date]", "2026-06-01")
    page.select_option("select[name=type]", "拨付")
    page.select_option("select[name=source]", "援助资金")
    page.fill("input[name=amount]", "120")  # 万元: more than the 100 万元 committed
    page.fill("input[name=voucher]", "BF-501-1")
    page.click("#save")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert "超过累计下达" in body and "120.00 万元" in body and "100.00 万元" in body
    assert not MoneyFlow.objects.filter(voucher="BF-501-1").exists()
    page.fill("input[name=amount]", "86.5")
    page.click("#save")
    page.wait_for_load_state()
    flow = MoneyFlow.objects.get(voucher="BF-501-1")
    assert flow.amount == Decimal("865000.00")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(artifacts / "phone_flow.png"), full_page=True)


def _workbook(path, category):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目编号*", "项目名称*", "年度*", "类别*", "所在地*", "援助资金(万元)*", "状态*"])
    ws.append(
        ["ZJHX-2026-601", "都兰县卫生院改造", 2026, "医疗卫生", "都兰县", "１２０.５", "立项"]
    )
    ws.append(["ZJHX-2026-602", "乌兰县村道", 2026, category, "632821", "80", "储备"])
    wb.save(path)


def test_headquarters_imports_a_workbook_after_fixing_its_error(
    page, sign_in, live_server, browser_reg, settings, tmp_path, artifacts
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    _workbook(bad, "民生保障")
    _workbook(good, "保障和改善民生")
    sign_in(page, "hq")

    page.goto(f"{live_server.url}/io/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("#upload")
    page.wait_for_selector("#verdict")
    errors = page.inner_text("#errors")
    assert "民生保障" in errors and "类别" in errors and "3" in errors
    assert page.locator("#confirm").count() == 0
    assert not Project.objects.filter(code__in=["ZJHX-2026-601", "ZJHX-2026-602"]).exists()
    page.screenshot(path=str(artifacts / "import_errors.png"), full_page=True)

    page.goto(f"{live_server.url}/io/")
    page.set_input_files("input[type=file]", str(good))
    page.click("#upload")
    page.wait_for_selector("#confirm")
    assert "新建 2" in page.inner_text("#confirm")
    page.click("#confirm")
    page.wait_for_selector("text=导入。")
    project = Project.objects.get(code="ZJHX-2026-601")
    assert project.aid_amount == Decimal("1205000.00")
    assert Project.objects.get(code="ZJHX-2026-602").county.code == "632821"
