"""The orders journey of issue 5 in a real browser: a liaison posts a demand on a phone,
headquarters plans the period and confirms, the liaison sees the visit and confirms delivery.

Dates are relative to today, so the test does not rot. Only the registry and the expert (a
person with a specialty, a posting and declared availability) are built with services; every
other step goes through the pages. Time travel: the visit lies in the future, so before the
delivery step `django.utils.timezone.localdate` is patched to return the visit's first day —
every "today" of the orders views, scopes and services reads it through that module attribute,
in the live server's thread too, and the records stay exactly as the planner wrote them.
"""

import datetime as dt

import pytest
from django.utils import timezone

from duikou.orders.models import Demand, DemandStatus, PlanningRun, RunStatus, Visit, VisitStatus
from duikou.people import services as people_services
from duikou.people.identity import make_id_number
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]


def iso(d: dt.date) -> str:
    return d.isoformat()


@pytest.fixture
def dates():
    """A five-week planning period starting in two weeks; the demand's window lies inside."""
    start = timezone.localdate() + dt.timedelta(days=14)
    return {
        "period": (start, start + dt.timedelta(days=34)),
        "earliest": start + dt.timedelta(days=7),
        "too_soon": start + dt.timedelta(days=9),  # a 3-day window for a 5-day need
        "latest": start + dt.timedelta(days=27),
        "outside": start + dt.timedelta(days=30),  # in the period, past the demand's window
    }


@pytest.fixture
def neurologist(browser_reg, dates):
    """王立新, neurologist of 嘉兴市第一医院 posted to 都兰县人民医院, free over the period."""
    reg, (a, b) = browser_reg, dates["period"]
    today = timezone.localdate()
    person = people_services.person_create(
        actor=None,
        id_number=make_id_number("330402", dt.date(1978, 5, 12), "317"),
        name="王立新",
        employer=reg.jiaxing_hospital,
        specialty="神经内科",
    )
    people_services.posting_create(
        actor=None,
        person=person,
        kind="专业技术人才",
        field="医疗",
        sending_org=reg.jiaxing_hospital,
        host_org=reg.dulan_hospital,
        start_date=today - dt.timedelta(days=200),
        end_date=today + dt.timedelta(days=400),
    )
    people_services.availability_create(actor=None, person=person, start_date=a, end_date=b)
    return person


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_demand_is_posted_planned_confirmed_and_delivered(
    phone_page,
    new_page,
    sign_in,
    live_server,
    browser_reg,
    neurologist,
    dates,
    settings,
    monkeypatch,
    artifacts,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    period_start, period_end = dates["period"]

    # 1. The liaison of 都兰县人民医院 posts a demand on a phone -------------------------------
    phone = sign_in(phone_page, "liaison")
    phone.click(".mainnav >> text=点单")
    phone.wait_for_selector("#new-demand")
    phone.click("#new-demand")
    phone.wait_for_selector("#demand-form")
    assert "都兰县人民医院" in phone.inner_text(".page-head")  # the site is theirs, no choice
    phone.select_option("select[name=skill]", "神经内科")
    phone.select_option("select[name=service_kind]", "坐诊")
    phone.fill("input[name=days]", "5")
    phone.fill("input[name=earliest_start]", iso(dates["earliest"]))
    phone.fill("input[name=latest_end]", iso(dates["too_soon"]))
    phone.fill("input[name=title]", "卒中规范化诊疗坐诊")
    with phone.expect_navigation():
        phone.click("#save")
    refusal = phone.inner_text("#id_latest_end-error")
    assert "只有 3 天" in refusal and "少于所需 5 天" in refusal, refusal
    assert "最晚结束" in phone.inner_text("#form-errors")
    assert not Demand.objects.exists()
    assert no_overflow(phone)
    phone.screenshot(path=str(artifacts / "orders_1_demand_refused_phone.png"), full_page=True)

    # What the liaison typed is still there; only the end date changes.
    assert phone.input_value("select[name=skill]") == "神经内科"
    phone.fill("input[name=latest_end]", iso(dates["latest"]))
    with phone.expect_navigation():
        phone.click("#save")
    demand = Demand.objects.get()
    assert (demand.organisation, demand.skill, demand.service_kind, demand.days) == (
        browser_reg.dulan_hospital,
        "神经内科",
        "坐诊",
        5,
    )
    assert (demand.earliest_start, demand.latest_end) == (dates["earliest"], dates["latest"])
    assert demand.posted_by == browser_reg.liaison and demand.status == DemandStatus.OPEN
    assert "已提交服务需求" in phone.inner_text("main")
    phone.click(".mainnav >> text=点单")
    phone.wait_for_selector("#demands")
    row = phone.inner_text("#demands tbody tr")
    assert "神经内科" in row and "待安排" in row, row
    assert no_overflow(phone)
    phone.screenshot(path=str(artifacts / "orders_1b_demand_listed_phone.png"), full_page=True)

    # 2. Headquarters plans the period and confirms ---------------------------------------------
    desk = sign_in(new_page(), "hq")
    desk.click(".mainnav >> text=排班")
    desk.wait_for_selector("#run-form")
    desk.fill("input[name=period_start]", iso(period_start))
    desk.fill("input[name=period_end]", iso(period_end))
    desk.dispatch_event("input[name=period_end]", "change")
    desk.wait_for_selector("#run-preview:has-text('1 项待安排需求')")
    assert "1 位专家" in desk.inner_text("#run-preview")
    desk.select_option("select[name=time_limit]", "10")  # the shortest the form offers
    # The immediate task backend plans inside the request; the page then shows the plan.
    with desk.expect_navigation(timeout=30_000):
        desk.click("#run-submit")
    desk.wait_for_selector("#plan-lead", timeout=20_000)
    run = PlanningRun.objects.get()
    assert run.status == RunStatus.DONE, run.message
    assert desk.inner_text("#lead-rate") == "100%"
    assert "1 项需求中已安排 1 项" in desk.inner_text("#plan-lead")
    assigned = desk.inner_text("#assigned-table")
    assert "王立新" in assigned and "神经内科" in assigned, assigned
    assert "全部需求都已安排" in desk.inner_text("main")
    assert desk.locator("#edit-assign-none").count() == 1  # nothing left to assign
    assert desk.locator("#edit-swap-none").count() == 1  # one assignment: nothing to swap with

    # A manual edit that breaks a rule is refused with the rule named, and nothing changes.
    plan_before = run.plan
    desk.fill("#edit-move input[name=start]", iso(dates["outside"]))
    with desk.expect_navigation():
        desk.click("#edit-move button[type=submit]")
    refused = desk.inner_text("#edit-errors")
    assert "规则2" in refused and "超出需求时间窗口" in refused, refused
    run.refresh_from_db()
    assert run.plan == plan_before and not run.edits.exists()
    desk.screenshot(path=str(artifacts / "orders_2_plan_edit_refused.png"), full_page=True)

    desk.once("dialog", lambda dialog: dialog.accept())  # 确认此排班方案…？
    with desk.expect_navigation():
        desk.click("#run-confirm-btn")
    assert "已确认排班" in desk.inner_text("main")
    visit = Visit.objects.get()
    assert visit.expert == neurologist and visit.demand == demand
    assert visit.status == VisitStatus.SCHEDULED and visit.days == 5
    assert dates["earliest"] <= visit.start_date <= visit.end_date <= dates["latest"]
    assert "王立新" in desk.inner_text("#assigned-table") and "已安排" in desk.inner_text(
        "#assigned-table"
    )
    desk.screenshot(path=str(artifacts / "orders_3_plan_confirmed.png"), full_page=True)

    # 3. The liaison sees the scheduled visit ---------------------------------------------------
    span = f"{iso(visit.start_date)} — {iso(visit.end_date)}"
    phone.reload()
    row = phone.inner_text("#demands tbody tr")
    assert "已安排" in row and "王立新" in row, row
    phone.click("#demands tbody tr td:first-child a")  # the demand
    phone.wait_for_selector("#visits")
    visits = phone.inner_text("#visits")
    assert "王立新" in visits and span in visits and "已安排" in visits, visits
    phone.click("#visits >> text=王立新")
    phone.wait_for_selector("#facts")
    facts = phone.inner_text("#facts")
    assert "王立新 · 神经内科" in facts and span in facts, facts
    later = phone.inner_text("#confirm-later")  # not yet: the visit has not begun
    assert iso(visit.start_date) in later, later
    assert phone.locator("#confirm-delivery").count() == 0
    assert no_overflow(phone)
    phone.screenshot(path=str(artifacts / "orders_4_visit_scheduled_phone.png"), full_page=True)

    # 4. Time travel to the visit's first day; the liaison confirms delivery ----------------------
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: visit.start_date)
    phone.click(".mainnav >> text=点单")
    phone.wait_for_selector("#due-banner")
    assert "1 次专家服务已开始" in phone.inner_text("#due-banner")
    phone.click("#due-banner a")
    phone.wait_for_selector("#visits tr.due")
    phone.click("#visits tr.due a")
    phone.wait_for_selector("#confirm-delivery")
    phone.fill("input[name=delivered_days]", "6")  # more days than were planned
    phone.check("input[name=rating][value='4']")
    with phone.expect_navigation():
        phone.click("#confirm-delivery")
    refusal = phone.inner_text("#delivered-days-error")
    assert "超过安排的 5 天" in refusal, refusal
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED and visit.rating is None

    phone.fill("input[name=delivered_days]", "4")
    phone.check("input[name=rating][value='4']")
    phone.fill("textarea[name=feedback]", "带教规范，溶栓流程已落地。")
    with phone.expect_navigation():
        phone.click("#confirm-delivery")
    delivered = phone.inner_text("#delivered")
    assert "4 天" in delivered, delivered
    assert phone.get_attribute("#delivered .stars", "aria-label") == "4 星"
    assert "已服务" in phone.inner_text(".page-head")
    assert "溶栓流程已落地" in phone.inner_text("#facts")
    assert phone.locator("#confirm-delivery").count() == 0
    assert no_overflow(phone)
    phone.screenshot(path=str(artifacts / "orders_5_visit_delivered_phone.png"), full_page=True)
    visit.refresh_from_db()
    assert (visit.status, visit.delivered_days, visit.rating) == (VisitStatus.DELIVERED, 4, 4)
    assert visit.delivered_by == browser_reg.liaison

    phone.click("#demand-link")
    phone.wait_for_selector("#visits")
    assert "已服务" in phone.inner_text(".page-head")
    visits = phone.inner_text("#visits")
    assert "已服务" in visits and "4" in visits, visits
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DELIVERED
