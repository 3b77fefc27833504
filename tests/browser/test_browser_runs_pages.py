"""The planning pages in plain words, in a real browser (issue 14): the run form shows its dates,
the run page leads with 满足率 and names people, its calendar scrolls inside its box, the manual
edits regroup the experts for the chosen demand, and the demand form's preferred experts are a
searchable checkbox list on a phone.  Screenshots at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from duikou.orders import runs
from duikou.orders.forms_runs import next_quarter, quarter_of
from duikou.orders.models import PlanningRun, RunStatus
from tests.browser.conftest import PHONE
from tests.test_orders_demands import MA_ID
from tests.test_orders_demands import expert as person_expert
from tests.test_orders_runs import EDIT_INSTANCE, EDIT_PLAN
from tests.test_orders_runs_common import PE, PS, day, demand, expert
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]

PLANNER_ID = re.compile(r"(?<![A-Za-z0-9_])[DEO]\d+(?![0-9])")

SKILLS = [
    "神经内科",
    "心血管内科",
    "儿科",
    "普通外科",
    "妇产科",
    "内分泌科",
    "肿瘤科",
    "急诊医学科",
    "眼科",
    "中医科",
    "精神科",
    "肾内科",
    "麻醉科",
    "内科",
    "老年病科",
    "皮肤科",
    "口腔科",
    "康复医学科",
]


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def quarter_run(browser_reg):
    """A finished run of 2026 Q2: eighteen experts, one of each skill, over three hospitals;
    the 皮肤科 demand has nobody to serve it."""
    reg = browser_reg
    orgs = [reg.dulan_hospital, reg.wulan_hospital, reg.prefecture_hospital]
    for i, skill in enumerate(SKILLS):
        windows = [(day(3 * i % 40), day(3 * i % 40 + 30))]
        if skill != "皮肤科":
            expert(reg, f"专家{i + 1:02d}", skill, windows)
        demand(orgs[i % 3], skill, 3 + i % 4, PS, PE, priority=1 + i % 9)
    run = runs.run_create(actor=None, period_start=PS, period_end=PE, time_limit=5, enqueue=False)
    run = runs.run_execute(run.pk)
    assert run.status == RunStatus.DONE, run.message
    return run


def test_the_run_form_shows_its_dates(page, sign_in, live_server, browser_reg, artifacts):
    sign_in(page, "hq")
    page.goto(f"{live_server.url}/orders/runs/")
    start, end = next_quarter(timezone.localdate())
    # a type=date input given “2027/01/01” shows blank: the values must be there, ISO
    assert page.input_value("input[name=period_start]") == start.isoformat()
    assert page.input_value("input[name=period_end]") == end.isoformat()
    assert page.eval_on_selector("input[name=period_start]", "e => e.valueAsDate !== null")
    this_q = quarter_of(timezone.localdate())
    page.click("#run-form .quick >> nth=1")  # 本季度
    assert page.input_value("input[name=period_start]") == this_q[0].isoformat()
    page.wait_for_selector("#run-preview:has-text('本期')")
    page.screenshot(path=str(artifacts / "runs_form_dates.png"), full_page=True)


def test_the_run_page_leads_with_the_share_served(
    new_page, sign_in, live_server, quarter_run, artifacts
):
    run = quarter_run
    total, served = len(run.instance["demands"]), run.progress_served
    url = f"{live_server.url}/orders/runs/{run.pk}/"
    for viewport, name in (({"width": 1280, "height": 900}, "desktop"), (PHONE, "phone")):
        page = sign_in(new_page(viewport), "hq")
        page.goto(url)
        main = page.inner_text("main")
        # the first thing after the title: the share of demands served, then what is left
        first = page.evaluate("document.querySelector('main .page-head').nextElementSibling.id")
        assert first == "plan-lead", first
        assert page.inner_text("#lead-rate") == f"{round(served / total * 100)}%"
        lead = page.inner_text("#plan-lead")
        assert "满足率" in lead and f"{total} 项需求中已安排 {served} 项" in lead
        assert "无此专业的专家 1 项" in lead  # 皮肤科
        # score, bound and gap are folded away
        assert not page.is_visible("#plan-summary")
        assert "得分上界" not in main
        page.click("#plan-details > summary")
        assert page.is_visible("#plan-summary") and "得分上界" in page.inner_text("#plan-summary")
        # names, never the planner's ids
        assert PLANNER_ID.findall(page.inner_text("body")) == [], name
        assert page.locator("#assigned-table").count() == 1
        # the calendar scrolls inside its box; the page itself does not scroll sideways
        box = page.locator(".timeline-box[data-view=experts]")
        height = box.evaluate("e => [e.scrollHeight, e.clientHeight]")
        assert height[0] > height[1], height  # seventeen experts: more than the box shows
        assert no_overflow(page), name
        page.locator(".timeline-box[data-view=experts] .bar-visit").first.click()
        assert re.search(r"专家\d\d：", page.inner_text("#cal-detail"))
        page.screenshot(path=str(artifacts / f"runs_page_{name}.png"), full_page=True)
        box.screenshot(path=str(artifacts / f"runs_calendar_{name}.png"))
    # on the phone the calendar keeps readable days and scrolls sideways inside its box
    width = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width[0] > width[1] + 100, width


def test_manual_edits_regroup_the_experts_for_the_chosen_demand(
    page, sign_in, live_server, browser_reg
):
    run = PlanningRun.objects.create(
        period_start=PS,
        period_end=PS + dt.timedelta(days=29),
        status=RunStatus.DONE,
        instance=EDIT_INSTANCE,
        proposed_plan=EDIT_PLAN,
        plan=EDIT_PLAN,
    )
    sign_in(page, "hq")
    page.goto(f"{live_server.url}/orders/runs/{run.pk}/#plan-edit")
    groups = """sel => Array.from(document.querySelector(sel).querySelectorAll('optgroup')).map(
        g => [g.label, Array.from(g.querySelectorAll('option')).map(o => o.textContent)])"""
    before = page.evaluate(groups, "#edit-assign select[name=expert]")
    assert before[0] == ["具备所需专业", ["丙医生（心血管内科）"]], before
    page.select_option("#edit-assign select[name=demand]", "4")  # 神经内科
    after = page.evaluate(groups, "#edit-assign select[name=expert]")
    assert after == [
        ["具备所需专业", ["乙医生（神经内科）", "甲医生（神经内科）"]],
        ["其他专家（专业不符）", ["丙医生（心血管内科）（专业不符）"]],
    ], after
    # 丙 was chosen for the 心血管内科 demand; for 神经内科 the first expert with the skill is
    assert page.input_value("#edit-assign select[name=expert]") == "2"
    # and the edit goes through with the records' numbers
    page.select_option("#edit-assign select[name=expert]", "2")
    page.fill("#edit-assign input[name=start]", (PS + dt.timedelta(days=20)).isoformat())
    with page.expect_navigation():
        page.click("#edit-assign button[type=submit]")
    assert "已指派" in page.inner_text("main")
    run.refresh_from_db()
    assert {"demand": "D4", "expert": "E2", "start": 20} in run.plan["assignments"]
    assert PLANNER_ID.findall(page.inner_text("#edit-log")) == []


def test_the_demand_form_picks_preferred_experts_on_a_phone(
    phone_page, sign_in, live_server, browser_reg, artifacts
):
    person_expert(browser_reg)  # 李明, 神经内科
    person_expert(browser_reg, name="马丽", id_number=MA_ID, specialty="心血管内科")
    phone = sign_in(phone_page, "liaison")
    phone.goto(f"{live_server.url}/orders/new/")
    phone.select_option("select[name=skill]", "心血管内科")
    phone.wait_for_selector("#expert-picker .picker-heading:has-text('专业相符：心血管内科')")
    names = phone.locator("#expert-picker .picker-name").all_inner_texts()
    assert names == ["马丽", "李明"], names  # the skill's specialist first
    phone.fill(".picker-search", "李")
    phone.keyboard.press("Enter")  # filters, does not submit
    assert phone.url.endswith("/orders/new/")
    visible = [n for n in phone.locator(".picker-item").all() if n.is_visible()]
    assert [v.inner_text().split()[0] for v in visible] == ["李明"]
    visible[0].click()  # a tap checks it: no Ctrl
    assert "已选：李明" in phone.inner_text(".picker-count")
    phone.fill(".picker-search", "")
    phone.locator(".picker-item:has-text('马丽')").click()
    assert phone.inner_text(".picker-count") == "已选：马丽、李明"  # in the list's order
    assert no_overflow(phone)
    phone.screenshot(path=str(artifacts / "demand_form_experts_phone.png"), full_page=True)
    # the skill changes: the list regroups, and both stay checked
    phone.select_option("select[name=skill]", "神经内科")
    phone.wait_for_selector("#expert-picker .picker-heading:has-text('专业相符：神经内科')")
    checked = phone.locator(".picker-item input:checked").count()
    assert checked == 2
    assert "Ctrl" not in phone.inner_text("main")
