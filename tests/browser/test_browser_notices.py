"""The working day of issue 14 in a real browser: a liaison signs in, lands on its to-do list,
sees the new visit's notification in the bell, opens it and confirms the visit.

The visit (a neurologist's five days at 都兰县人民医院, begun two days ago) is written as the
confirmation of a plan writes it, and told by the same function (`orders.notify.
visits_scheduled`, which `runs.run_confirm` calls); the planner's own path is tested in
tests/test_notices.py and the orders browser journey.
"""

import datetime as dt

import pytest
from django.utils import timezone

from duikou.notices.models import Kind, Notification
from duikou.orders import notify
from duikou.orders import services as orders_services
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.people import services as people_services
from duikou.people.identity import make_id_number
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("field_key")]


@pytest.fixture
def begun_visit(browser_reg):
    reg = browser_reg
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
    demand = orders_services.demand_create(
        actor=None,
        organisation=reg.dulan_hospital,
        skill="神经内科",
        service_kind="坐诊",
        days=5,
        earliest_start=today - dt.timedelta(days=10),
        latest_end=today + dt.timedelta(days=10),
    )
    start = today - dt.timedelta(days=2)
    visit = Visit.objects.create(
        demand=demand, expert=person, start_date=start, end_date=start + dt.timedelta(days=4)
    )
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.SCHEDULED)
    assert notify.visits_scheduled([visit], actor=reg.hq) == 1
    return visit


def test_a_liaison_lands_on_its_to_do_list_opens_the_new_visit_and_confirms_it(
    page, sign_in, live_server, browser_reg, begun_visit, artifacts
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "liaison")

    # 1. It lands on its to-do list: the visit waiting for confirmation, the unread notice.
    assert page.url == f"{live_server.url}/todo/"
    assert "专家服务已开始，待确认实际服务天数并评价" in page.inner_text("main")
    assert "王立新" in page.inner_text("#todo-notices")

    # 2. The top bar's bell and to-do count arrive after the page (htmx, hx-trigger=load).
    page.wait_for_selector("#bell-count")
    assert page.inner_text("#bell-count") == "1"
    assert page.inner_text("#todo-count") == "1"
    page.screenshot(path=str(artifacts / "notices-todo.png"), full_page=True)

    # 3. The bell lists the notification; opening it marks it read and shows the visit.
    with page.expect_navigation():
        page.click("#bell")
    assert page.url == f"{live_server.url}/notices/"
    assert page.locator(".notice.unread").count() == 1
    with page.expect_navigation():
        page.click(".notice.unread .notice-title")
    assert page.url == f"{live_server.url}/orders/visits/{begun_visit.pk}/"
    n = Notification.objects.get(recipient=browser_reg.liaison)
    assert n.kind == Kind.VISIT_SCHEDULED and n.read_at is not None
    page.wait_for_selector("#topbar-notices #todo-count")
    assert page.locator("#bell-count").count() == 0

    # 4. It confirms the days served and rates the visit.
    page.fill("input[name=delivered_days]", "5")
    page.check("input[name=rating][value='5']")
    with page.expect_navigation():
        page.click("#confirm-delivery")
    assert "已确认服务并完成评价" in page.inner_text(".messages")
    begun_visit.refresh_from_db()
    assert (begun_visit.status, begun_visit.delivered_days) == (VisitStatus.DELIVERED, 5)

    # 5. Back on the to-do list, nothing waits; the county team was told the demand is served.
    with page.expect_navigation():
        page.click("#todo-link")
    assert page.locator("#todo-empty").count() == 1
    assert Notification.objects.filter(
        recipient=browser_reg.dulan_team, kind=Kind.DEMAND_SERVED
    ).exists()
    assert errors == []


def test_the_to_do_list_and_the_bell_fit_a_phone(
    phone_page, sign_in, live_server, begun_visit, artifacts
):
    sign_in(phone_page, "liaison")
    phone_page.wait_for_selector("#bell-count")
    fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    assert phone_page.evaluate(fits)
    phone_page.screenshot(path=str(artifacts / "notices-todo-phone.png"), full_page=True)
    with phone_page.expect_navigation():
        phone_page.click("#bell")
    assert phone_page.evaluate(fits)
