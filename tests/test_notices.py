"""Notifications (the bell) and to-do lists (待办): who is told of what, who sees which to-do,
read/unread, delivery by e-mail and webhooks in the background task, never in the request."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.models import Role
from duikou.notices import delivery, services, todo
from duikou.notices.models import Kind, Notification
from duikou.orders import runs
from duikou.orders import services as orders_services
from duikou.orders import todo as orders_todo
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.projects import notify as projects_notify
from duikou.projects import services as projects_services
from tests.conftest import make_user
from tests.test_orders_confirm import done_run, make_records
from tests.test_orders_demands import expert, make_demand
from tests.test_people_common import field_key  # noqa: F401 - fixture
from tests.test_projects_services import make_project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


def today() -> dt.date:
    return timezone.localdate()


def schedule(demand: Demand, who, *, start_in: int, days: int = 5) -> Visit:
    start = today() + dt.timedelta(days=start_in)
    visit = Visit.objects.create(
        demand=demand, expert=who, start_date=start, end_date=start + dt.timedelta(days=days - 1)
    )
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.SCHEDULED)
    return visit


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def titles(items) -> list[str]:
    return [t.title for t in items]


@pytest.fixture
def li(reg):
    """Dr. Li, the expert, signs in as `doctor`."""
    return expert(reg, user=reg.doctor)


@pytest.fixture
def begun(reg, li):
    d = make_demand(
        reg,
        earliest_start=today() - dt.timedelta(days=10),
        latest_end=today() + dt.timedelta(days=10),
    )
    return schedule(d, li, start_in=-2)


@pytest.fixture
def wulan_liaison(reg):
    return make_user("wulan_liaison", Role.LIAISON, organisation=reg.wulan_hospital)


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are kept, not run: what the request enqueued can be looked at."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    return backend


# notify ---------------------------------------------------------------------------------------


def test_notify_tells_each_active_recipient_once_per_key(reg):
    reg.viewer.is_active = False
    reg.viewer.save()
    args = dict(kind=Kind.ALERT_RAISED, title="新预警", link="/projects/alerts/", key="alert:x:1")
    rows = services.notify(recipients=[reg.hq, reg.dulan_team, reg.viewer, reg.hq], **args)
    assert sorted(n.recipient.username for n in rows) == ["dulan", "hq"]
    assert (
        services.notify(recipients=[reg.hq, reg.wulan_team], **args)[0].recipient == reg.wulan_team
    )
    assert services.notify(recipients=[reg.hq, reg.wulan_team], **args) == []


def test_notify_refuses_an_unknown_kind_and_an_off_site_link(reg):
    with pytest.raises(ValueError):
        services.notify(recipients=[reg.hq], kind="gossip", title="x")
    for link in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "orders/"):
        with pytest.raises(ValueError):
            services.notify(recipients=[reg.hq], kind=Kind.ALERT_RAISED, title="x", link=link)
    assert not Notification.objects.exists()


def test_many_events_are_written_in_one_insert(reg, django_assert_max_num_queries):
    events = [
        services.Event(
            recipients=[reg.liaison, reg.doctor], kind=Kind.VISIT_SCHEDULED, title=f"第 {i} 次"
        )
        for i in range(30)
    ]
    with django_assert_max_num_queries(3):  # savepoint, insert, release
        rows = services.notify_many(events)
    assert len(rows) == 60 and all(n.pk for n in rows)


def test_mark_read_is_the_recipients_own(reg):
    (n,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="变更")
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=reg.wulan_team, notification=n)
    assert services.unread_count(reg.liaison) == 1
    services.notification_mark_read(actor=reg.liaison, notification=n)
    assert services.unread_count(reg.liaison) == 0 and n.read_at is not None
    services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="再变更")
    services.notify(recipients=[reg.liaison, reg.hq], kind=Kind.VISIT_CHANGED, title="三变更")
    assert services.notification_mark_all_read(actor=reg.liaison) == 2
    assert services.unread_count(reg.liaison) == 0 and services.unread_count(reg.hq) == 1


# Events -----------------------------------------------------------------------------------------


def test_confirming_a_plan_tells_the_liaison_and_the_expert_of_each_visit(reg, wulan_liaison):
    a, _b, _ds = make_records(reg)
    a.user = reg.doctor
    a.save()
    run = done_run(reg.hq)
    visits = runs.run_confirm(actor=reg.hq, run=run)
    dulan = [v for v in visits if v.demand.organisation == reg.dulan_hospital]
    mine = Notification.objects.filter(recipient=reg.liaison, kind=Kind.VISIT_SCHEDULED)
    assert mine.count() == len(dulan) >= 1
    n = mine.first()
    assert n.link in {reverse("orders:visit_detail", args=[v.pk]) for v in dulan}
    assert "专家服务已安排" in n.title and n.read_at is None
    # the other hospital's liaison hears of its own visits only; the expert of theirs
    assert Notification.objects.filter(recipient=wulan_liaison).count() == len(visits) - len(dulan)
    assert Notification.objects.filter(recipient=reg.doctor).count() == len(
        [v for v in visits if v.expert_id == a.pk]
    )
    # the planner who confirmed, the county teams and the viewer are not told
    for user in (reg.hq, reg.dulan_team, reg.viewer):
        assert kinds(user) == []


def test_a_refused_confirmation_tells_nobody(reg):
    make_records(reg)
    run = done_run(reg.hq)
    d = Demand.objects.get(pk=int(run.plan["assignments"][0]["demand"][1:]))
    Demand.objects.filter(pk=d.pk).update(status=DemandStatus.WITHDRAWN)
    with pytest.raises(Exception, match="已不是待安排状态"):
        runs.run_confirm(actor=reg.hq, run=run)
    assert not Notification.objects.exists()


def test_cancelling_a_visit_tells_the_institution_the_expert_and_the_county(reg, li):
    v = schedule(make_demand(reg), li, start_in=10)
    orders_services.visit_cancel(actor=reg.hq, visit=v, reason="专家临时有手术")
    for user in (reg.liaison, reg.doctor, reg.dulan_team):
        assert kinds(user) == [Kind.VISIT_CHANGED]
    n = Notification.objects.get(recipient=reg.liaison)
    assert "专家临时有手术" in n.body and n.link == reverse("orders:visit_detail", args=[v.pk])
    for user in (reg.hq, reg.wulan_team, reg.viewer):
        assert kinds(user) == []


def test_a_served_demand_tells_the_expert_and_the_county_not_the_confirming_liaison(reg, begun):
    orders_services.visit_confirm_delivery(
        actor=reg.liaison, visit=begun, delivered_days=5, rating=5
    )
    assert kinds(reg.doctor) == [Kind.DEMAND_SERVED]
    assert kinds(reg.dulan_team) == [Kind.DEMAND_SERVED]
    assert "5 星" in Notification.objects.get(recipient=reg.doctor).body
    for user in (reg.liaison, reg.wulan_team, reg.hq):
        assert kinds(user) == []


def test_approvals_given_and_refused_tell_the_projects_county_team(reg):
    p = make_project(reg, "A1")
    projects_services.project_transition(actor=reg.hq, project=p, to_status="立项", comment="同意")
    q = make_project(reg, "A2")
    projects_services.project_transition(
        actor=reg.hq, project=q, to_status="取消", comment="与 A1 重复"
    )
    given, refused = Notification.objects.filter(recipient=reg.dulan_team).order_by("pk")
    assert given.kind == Kind.APPROVAL_GIVEN and "立项已批准" in given.title
    assert given.link == p.get_absolute_url() and "同意" in given.body
    assert refused.kind == Kind.APPROVAL_REFUSED and "与 A1 重复" in refused.body
    assert kinds(reg.wulan_team) == [] and kinds(reg.hq) == []


def test_a_county_team_moving_its_own_project_tells_nobody(reg):
    p = make_project(reg, "A3")
    projects_services.project_transition(
        actor=reg.dulan_team, project=p, to_status="取消", comment="不再需要"
    )
    q = make_project(reg, "A4", status="立项")
    projects_services.project_transition(
        actor=reg.dulan_team, project=q, to_status="在建", actual_start=dt.date(2023, 4, 1)
    )
    assert not Notification.objects.exists()


def test_the_alerts_sweep_tells_each_new_alert_once(reg):
    late = make_project(
        reg, "L1", status="立项", planned_start=today() - dt.timedelta(days=90), year=today().year
    )
    make_project(reg, "L2", county=reg.wulan, status="储备", year=today().year)
    assert projects_notify.alerts_sweep() == 2  # 都兰's team and headquarters
    (n,) = Notification.objects.filter(recipient=reg.dulan_team)
    assert n.kind == Kind.ALERT_RAISED and "逾期未开工" in n.title
    assert n.link == late.get_absolute_url()
    assert kinds(reg.hq) == [Kind.ALERT_RAISED] and kinds(reg.wulan_team) == []
    assert projects_notify.alerts_sweep() == 0


def test_the_sweep_command_runs_the_registered_sweeps(reg):
    from io import StringIO

    from django.core.management import call_command

    make_project(reg, "L3", status="立项", planned_start=today() - dt.timedelta(days=90))
    out = StringIO()
    call_command("notices_sweep", stdout=out)
    assert "project_alerts: 2" in out.getvalue()


# To-dos ---------------------------------------------------------------------------------------


def test_the_liaison_sees_its_visits_to_confirm_and_demands_needing_detail(
    reg, begun, wulan_liaison
):
    stale = make_demand(
        reg,
        days=5,
        earliest_start=today() - dt.timedelta(days=20),
        latest_end=today() + dt.timedelta(days=2),
    )
    make_demand(reg)  # an open demand with room in its window
    items = {t.title: t for t in todo.collect(reg.liaison)}
    due = items["专家服务已开始，待确认实际服务天数并评价"]
    assert due.count == 1 and due.records[0].url == reverse("orders:visit_detail", args=[begun.pk])
    detail = items["服务需求的时间窗口已不够安排，请修改日期或天数"]
    assert detail.count == 1
    assert detail.records[0].url == reverse("orders:demand_detail", args=[stale.pk])
    # the other hospital's liaison has nothing; neither has the viewer
    assert todo.collect(wulan_liaison) == []
    assert todo.collect(reg.viewer) == []


def test_the_expert_sees_coming_visits_and_logs_to_write(reg, li, begun):
    coming = schedule(make_demand(reg, skill="心血管内科"), li, start_in=10)
    items = {t.title: t for t in todo.collect(reg.doctor)}
    assert items["即将开始或进行中的专家服务"].count == 2
    logs = items["已开始的服务，待填写工作记录"]
    assert logs.count == 1 and str(begun.pk) in logs.records[0].url
    orders_services.visit_log(actor=reg.doctor, visit=begun, expert_log="门诊 40 人次")
    items = {t.title: t for t in todo.collect(reg.doctor)}
    assert "已开始的服务，待填写工作记录" not in items
    assert coming.pk in {
        int(r.url.rstrip("/").split("/")[-1]) for r in items["即将开始或进行中的专家服务"].records
    }
    # another aid worker without visits sees none of them
    other = make_user("other_doc", Role.AID_STAFF, organisation=reg.prefecture_hospital)
    assert todo.collect(other) == []


def test_headquarters_sees_runs_to_confirm_until_one_is_confirmed(reg):
    make_records(reg)
    run = done_run(reg.hq)
    items = {t.title: t for t in todo.collect(reg.hq)}
    assert items["排班方案已算完，待确认"].count == 1
    runs.run_confirm(actor=reg.hq, run=run)
    assert "排班方案已算完，待确认" not in titles(todo.collect(reg.hq))
    assert orders_todo.runs_to_confirm(reg.dulan_team).count() == 0


def test_headquarters_sees_approvals_and_the_county_team_its_projects(reg):
    make_project(reg, "R1")  # 储备: waits for 立项
    make_project(
        reg,
        "C1",
        status="完工",
        actual_start=dt.date(2023, 4, 1),
        actual_finish=dt.date(2023, 10, 1),
    )
    building = make_project(
        reg,
        "B1",
        status="在建",
        actual_start=today() - dt.timedelta(days=60),
        planned_start=today() - dt.timedelta(days=60),
    )
    make_project(reg, "W1", county=reg.wulan, status="在建", actual_start=today())
    hq = {t.title: t for t in todo.collect(reg.hq)}
    assert hq["储备项目待立项审批"].count == 1 and hq["完工项目待验收"].count == 1
    dulan = {t.title: t for t in todo.collect(reg.dulan_team)}
    assert dulan["在建项目超过一个月未报进度"].records[0].url == building.get_absolute_url()
    assert "储备项目待立项审批" not in dulan
    projects_services.flow_record(
        actor=None,
        project=building,
        date=today(),
        type="下达",
        source="援助资金",
        amount=Decimal("1000"),
        voucher="XD9",
    )
    projects_services.flow_record(
        actor=None,
        project=building,
        date=today(),
        type="拨付",
        source="援助资金",
        amount=Decimal("500"),
        voucher="BF9",
    )
    dulan = {t.title: t for t in todo.collect(reg.dulan_team)}
    assert dulan["今年的拨付、支出记录尚未上传凭证"].count == 1
    wulan = {t.title: t for t in todo.collect(reg.wulan_team)}
    assert "在建项目超过一个月未报进度" not in wulan
    assert "今年的拨付、支出记录尚未上传凭证" not in wulan


# Delivery ---------------------------------------------------------------------------------------


class _Stub(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.path, json.loads(self.rfile.read(length))))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def stub_server():
    """A local HTTP server standing in for an SMS relay and the WeCom robot."""
    _Stub.received = []
    _Stub.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Stub
    server.shutdown()
    server.server_close()


def test_webhooks_post_each_notification_to_the_relay_and_wecom(reg, settings, stub_server):
    url, stub = stub_server
    settings.DUIKOU_WEBHOOK_URL = url + "/sms"
    settings.DUIKOU_WECOM_WEBHOOK = url + "/wecom?key=k"
    settings.DUIKOU_SITE_URL = "https://duikou.example.cn"
    (n,) = services.notify(
        recipients=[reg.liaison], kind=Kind.VISIT_SCHEDULED, title="专家服务已安排", link="/orders/"
    )
    assert delivery.deliver([n.pk]) == {"email": 0, "webhook": 1}
    (sms_path, sms), (wecom_path, wecom) = stub.received
    assert sms_path == "/sms" and sms["recipient"] == "liaison" and sms["kind"] == "visit_scheduled"
    assert sms["link"] == "https://duikou.example.cn/orders/"
    assert wecom_path == "/wecom?key=k" and wecom["msgtype"] == "text"
    assert "专家服务已安排" in wecom["text"]["content"]
    n.refresh_from_db()
    assert n.pushed_at is not None
    assert delivery.deliver([n.pk]) == {"email": 0, "webhook": 0}  # sent once
    assert len(stub.received) == 2


def test_what_leaves_the_platform_is_masked(reg, settings, stub_server):
    url, stub = stub_server
    settings.DUIKOU_WEBHOOK_URL = url + "/sms"
    reg.liaison.email = "ma@dulan.example.cn"
    reg.liaison.save()
    (n,) = services.notify(
        recipients=[reg.liaison],
        kind=Kind.VISIT_CHANGED,
        title="请回电 13812345678",
        body="专家身份证 330402197805123176 有误",
    )
    delivery.deliver([n.pk])
    ((_path, sent),) = stub.received
    (message,) = mail.outbox
    for text in (sent["title"] + sent["body"], message.subject + message.body):
        assert "13812345678" not in text and "330402197805123176" not in text
    n.refresh_from_db()
    assert "13812345678" in n.title  # the bell, inside the platform, shows it as written


def test_a_failing_webhook_is_logged_and_left(reg, settings, stub_server, caplog):
    url, stub = stub_server
    stub.status = 500
    settings.DUIKOU_WEBHOOK_URL = url + "/sms"
    (n,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="秘密标题")
    assert delivery.deliver([n.pk]) == {"email": 0, "webhook": 0}
    n.refresh_from_db()
    assert n.pushed_at is None
    assert "秘密标题" not in caplog.text


def test_webhooks_are_off_by_default(reg, settings):
    assert settings.DUIKOU_WEBHOOK_URL == "" and settings.DUIKOU_WECOM_WEBHOOK == ""
    (n,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="x")
    assert delivery.send_webhooks(n) is False


def test_email_goes_to_recipients_with_an_address(reg, settings):
    reg.liaison.email = "ma@dulan.example.cn"
    reg.liaison.save()
    rows = services.notify(
        recipients=[reg.liaison, reg.dulan_team], kind=Kind.VISIT_CHANGED, title="服务已取消"
    )
    assert delivery.deliver([n.pk for n in rows]) == {"email": 1, "webhook": 0}
    (message,) = mail.outbox
    assert message.to == ["ma@dulan.example.cn"] and "服务已取消" in message.subject
    settings.DUIKOU_NOTICE_EMAIL = False
    (n,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="再次")
    assert delivery.deliver([n.pk]) == {"email": 0, "webhook": 0}


def test_delivery_is_a_task_enqueued_after_commit_never_run_in_the_request(
    reg, begun, client_for, dummy_tasks, django_capture_on_commit_callbacks
):
    reg.doctor.email = "li@zju.example.cn"
    reg.doctor.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reg.liaison).post(
            reverse("orders:visit_confirm", args=[begun.pk]),
            {"delivered_days": 5, "rating": 4, "feedback": ""},
        )
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent inside the request
    (result,) = dummy_tasks.results
    assert result.task.name == "deliver"
    ids = result.args[0]
    assert set(ids) == set(Notification.objects.values_list("pk", flat=True))
    delivery.deliver(ids)  # what the worker does
    assert [m.to for m in mail.outbox] == [["li@zju.example.cn"]]


# Pages ------------------------------------------------------------------------------------------


def test_the_liaison_lands_on_its_to_do_list(reg, begun, client_for):
    c = client_for(reg.liaison)
    assert c.get(reverse("reports:home")).url == reverse("notices:todo")
    page = c.get(reverse("notices:todo")).content.decode()
    assert "专家服务已开始，待确认实际服务天数并评价" in page
    assert reverse("orders:visit_detail", args=[begun.pk]) in page


def test_the_bell_lists_only_ones_own_notifications(reg, client_for):
    services.notify(recipients=[reg.liaison], kind=Kind.VISIT_SCHEDULED, title="给联络员的")
    services.notify(recipients=[reg.wulan_team], kind=Kind.ALERT_RAISED, title="给乌兰的")
    page = client_for(reg.liaison).get(reverse("notices:list")).content.decode()
    assert "给联络员的" in page and "给乌兰的" not in page
    page = client_for(reg.liaison).get(reverse("notices:list"), {"show": "unread"})
    assert "给联络员的" in page.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_the_record(reg, begun, client_for):
    link = reverse("orders:visit_detail", args=[begun.pk])
    (n,) = services.notify(
        recipients=[reg.liaison], kind=Kind.VISIT_SCHEDULED, title="已安排", link=link
    )
    # another user cannot open it, nor mark it read
    for url in ("notices:open", "notices:read"):
        assert client_for(reg.wulan_team).post(reverse(url, args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None
    response = client_for(reg.liaison).post(reverse("notices:open", args=[n.pk]))
    assert response.status_code == 302 and response.url == link
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_stored_off_site_link_is_never_followed(reg, client_for):
    (n,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="x")
    Notification.objects.filter(pk=n.pk).update(link="//evil.example/")
    response = client_for(reg.liaison).post(reverse("notices:open", args=[n.pk]))
    assert response.url == reverse("notices:list")


def test_mark_read_by_htmx_and_all_read(reg, client_for):
    a, b = (
        services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title=t)[0]
        for t in ("一", "二")
    )
    c = client_for(reg.liaison)
    response = c.post(reverse("notices:read", args=[a.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'class="notice read"' in response.content.decode()
    assert c.post(reverse("notices:read_all")).status_code == 302
    b.refresh_from_db()
    assert b.read_at is not None


def test_the_top_bar_loads_its_counts_lazily(reg, begun, client_for):
    services.notify(recipients=[reg.liaison], kind=Kind.VISIT_SCHEDULED, title="已安排")
    c = client_for(reg.liaison)
    page = c.get(reverse("orders:demand_list")).content.decode()
    assert f'data-notices-src="{reverse("notices:topbar")}"' in page
    assert "js/notices.js" in page and 'hx-trigger="load"' not in page
    assert "bell-count" not in page  # the page itself pays no count
    fragment = c.get(reverse("notices:topbar")).content.decode()
    assert 'id="bell-count">1<' in fragment and 'id="todo-count">1<' in fragment
    empty = client_for(reg.viewer).get(reverse("notices:topbar")).content.decode()
    assert "bell-count" not in empty and "todo-count" not in empty


@pytest.mark.parametrize("who", ["hq", "dulan_team", "liaison", "doctor", "viewer"])
def test_the_top_bar_costs_a_bounded_number_of_queries(
    reg, begun, client_for, who, django_assert_max_num_queries
):
    c = client_for(getattr(reg, who))
    c.get(reverse("notices:topbar"))  # sessions and content types warmed
    with django_assert_max_num_queries(20):
        assert c.get(reverse("notices:topbar")).status_code == 200


def test_signed_out_users_are_sent_to_sign_in(client):
    for name in ("notices:list", "notices:todo", "notices:topbar"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_visit_status_is_untouched_by_reading(reg, begun, client_for):
    client_for(reg.liaison).get(reverse("notices:todo"))
    begun.refresh_from_db()
    assert begun.status == VisitStatus.SCHEDULED


def test_the_top_bar_count_is_cached_a_minute_and_the_todo_page_refreshes_it(
    reg, begun, client_for, django_assert_max_num_queries
):
    from duikou.notices import todo

    c = client_for(reg.liaison)
    first = c.get(reverse("notices:topbar")).content.decode()
    assert 'id="todo-count">1<' in first
    with django_assert_max_num_queries(4):  # session, user, unread count: no to-do provider runs
        again = c.get(reverse("notices:topbar")).content.decode()
    assert 'id="todo-count">1<' in again
    todo.remember_total(reg.liaison, 7)  # stands for a count that has since changed
    assert 'id="todo-count">7<' in c.get(reverse("notices:topbar")).content.decode()
    c.get(reverse("notices:todo"))  # the 待办 page counts afresh and the top bar follows it
    assert 'id="todo-count">1<' in c.get(reverse("notices:topbar")).content.decode()
    todo.forget_total(reg.liaison)
    assert todo.cached_total(reg.liaison) == 1


def test_a_notice_makes_the_top_bar_count_the_recipients_todos_afresh(
    reg, begun, django_capture_on_commit_callbacks
):
    from duikou.notices import todo

    todo.remember_total(reg.liaison, 7)
    todo.remember_total(reg.viewer, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[reg.liaison], kind=Kind.VISIT_SCHEDULED, title="已安排")
    assert todo.cached_total(reg.liaison) == 1  # forgotten when the notice committed
    assert todo.cached_total(reg.viewer) == 3  # nobody else's count is touched


def test_a_failed_channel_is_tried_again_later_then_left_to_the_bell(
    reg, settings, stub_server, caplog
):
    from django_tasks.backends.dummy import DummyBackend

    from duikou.notices import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    url, stub = stub_server
    stub.status = 500
    settings.DUIKOU_WEBHOOK_URL = url + "/sms"
    (n,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="秘密标题")
    backend = tasks.deliver.get_backend()
    assert isinstance(backend, DummyBackend)
    backend.clear()
    tasks.deliver.call([n.pk])  # the first try fails: a second is queued, a minute on
    (retry,) = backend.results
    assert retry.args == [[n.pk], 2]
    assert retry.task.run_after is not None and retry.task.run_after > timezone.now()
    stub.status = 200
    backend.clear()
    tasks.deliver.call([n.pk], 2)  # the retry gets through: nothing more is queued
    assert backend.results == []
    n.refresh_from_db()
    assert n.pushed_at is not None
    # A channel that keeps failing is tried len(RETRY_AFTER) more times, then left.
    stub.status = 500
    (m,) = services.notify(recipients=[reg.liaison], kind=Kind.VISIT_CHANGED, title="秘密标题")
    backend.clear()
    tasks.deliver.call([m.pk], len(tasks.RETRY_AFTER) + 1)
    assert backend.results == [] and "undelivered after" in caplog.text
    assert "秘密标题" not in caplog.text
