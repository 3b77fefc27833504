"""The import preview in a real browser: headquarters uploads a workbook whose one row updates
an existing project, sees that project named with its old → new values before confirming,
ticks the risky update and confirms."""

import re
from decimal import Decimal

import openpyxl
import pytest

from duikou.projects import services as project_services
from duikou.projects.models import Project

pytestmark = pytest.mark.browser

HEADER = ["项目编号*", "项目名称*", "年度*", "类别*", "所在地*", "援助资金(万元)*", "状态*"]


@pytest.fixture
def dulan_project(browser_reg):
    return project_services.project_create(
        actor=None,
        via_import=True,
        code="ZJHX-2023-015",
        name="都兰县人民医院急诊综合楼",
        year=2023,
        category="医疗卫生",
        county=browser_reg.dulan,
        aid_amount=Decimal("12000000"),
        status="立项",
    )


def _workbook(path, *rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _upload(page, live_server, path):
    page.goto(f"{live_server.url}/io/")
    page.set_input_files("input[type=file]", str(path))
    page.click("#upload")
    page.wait_for_selector("#verdict")


def test_headquarters_sees_the_updated_project_old_to_new_and_confirms(
    page, sign_in, live_server, dulan_project, settings, tmp_path, artifacts
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path = _workbook(
        tmp_path / "update.xlsx",
        [
            "ZJHX-2023-015",
            "都兰县人民医院急诊综合楼（二期）",
            2023,
            "医疗卫生",
            "都兰县",
            1300,
            "立项",
        ],
    )
    sign_in(page, "hq")
    _upload(page, live_server, path)
    changes = page.locator("#change-list")
    changes.wait_for()
    text = changes.inner_text()
    # The project is named, with each changed field old → new.
    assert "ZJHX-2023-015" in text and "更新" in text
    assert page.locator("#change-list del", has_text="1200 万元").count() == 1
    assert page.locator("#change-list ins", has_text="1300 万元").count() == 1
    assert page.locator("#change-list ins", has_text="（二期）").count() == 1
    assert "更新 1 条" in page.inner_text("#confirm")
    assert page.locator("#accept-risks").count() == 0  # an ordinary correction: no tick
    assert Project.objects.get().aid_amount == Decimal("12000000.00")  # not yet
    page.screenshot(path=str(artifacts / "import_preview_update.png"), full_page=True)
    page.click("#confirm")
    page.wait_for_selector("text=导入。")
    project = Project.objects.get()
    assert project.aid_amount == Decimal("13000000.00")
    assert project.name == "都兰县人民医院急诊综合楼（二期）"
    assert "本次导入的变化" in page.inner_text("#changes")


def test_a_risky_update_must_be_ticked_before_confirming(
    page, sign_in, live_server, dulan_project, settings, tmp_path, artifacts
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path = _workbook(
        tmp_path / "halved.xlsx",
        ["ZJHX-2023-015", "都兰县人民医院急诊综合楼", 2023, "医疗卫生", "都兰县", 400, "储备"],
    )
    sign_in(page, "hq")
    _upload(page, live_server, path)
    page.wait_for_selector("#risky-note")
    row = page.locator("#change-list tr.risky")
    assert row.count() == 1
    flagged = row.inner_text()
    assert "金额变化超过一半" in flagged and "状态倒退" in flagged
    assert "ZJHX-2023-015" in flagged
    page.screenshot(path=str(artifacts / "import_preview_risky.png"), full_page=True)
    # The browser will not send the form without the tick.
    page.click("#confirm")
    assert page.locator("#accept-risks:invalid").count() == 1
    assert Project.objects.get().aid_amount == Decimal("12000000.00")
    page.check("#accept-risks")
    page.click("#confirm")
    page.wait_for_selector("text=导入。")
    project = Project.objects.get()
    assert project.aid_amount == Decimal("4000000.00") and project.status == "储备"
    # The full list, filtered to the risky ones, and its workbook.
    page.click("#all-changes")
    page.wait_for_selector("#change-list")
    page.check("input[name=risky]")
    page.wait_for_url(re.compile(r"risky=1"), wait_until="commit")
    assert "ZJHX-2023-015" in page.inner_text("#results")
    with page.expect_download() as download:
        page.click("#changes-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
