"""Visits: delivery confirmation, the expert's log, cancellation, and who sees which visit.

Visits are created directly here (the planner's confirmation, which makes them in the product,
is tested with the planning runs).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duikou.accounts.models import Role
from duikou.orders import services
from duikou.orders.models import Demand, DemandStatus, Visit, VisitStatus
from duikou.people import services as people_services
from tests.conftest import make_user
from tests.test_orders_demands import expert, make_demand
from tests.test_people_common import MA_ID, field_key  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


def today() -> dt.date:
    return timezone.localdate()


def schedule(demand: Demand, who, *, start_in: int, days: int | None = None) -> Visit:
    start = today() + dt.timedelta(days=start_in)
    visit = Visit.objects.create(
        demand=demand,
        expert=who,
        start_date=start,
        end_date=start + dt.timedelta(days=(days or demand.days) - 1),
    )
    Demand.objects.filter(pk=demand.pk).update(status=DemandStatus.SCHEDULED)
    return visit


@pytest.fixture
def li(reg):
    """Dr. Li, posted to 海西州人民医院, signs in as `doctor`."""
    return expert(reg, user=reg.doctor)


@pytest.fixture
def begun(reg, li):
    """A 5-day visit to 都兰 that started two days ago."""
    d = make_demand(
        reg,
        actor=None,
        earliest_start=today() - dt.timedelta(days=10),
        latest_end=today() + dt.timedelta(days=10),
    )
    return schedule(d, li, start_in=-2, days=5)


@pytest.fixture
def coming(reg, li):
    """A 5-day visit to 都兰 starting in ten days."""
    return schedule(make_demand(reg, actor=reg.liaison), li, start_in=10)


@pytest.fixture
def other_liaison(reg):
    return make_user("wulan_liaison", Role.LIAISON, organisation=reg.wulan_hospital)


def errors_of(exc) -> dict:
    return exc.value.message_dict


# visit_confirm_delivery ------------------------------------------------------------------------


def test_the_liaison_confirms_a_visit_that_began(reg, begun):
    v = services.visit_confirm_delivery(
        actor=reg.liaison, visit=begun, delivered_days=4, rating=5, feedback=" 很好 "
    )
    assert (v.status, v.delivered_days, v.rating, v.feedback) == ("已服务", 4, 5, "很好")
    assert v.delivered_by == reg.liaison and v.delivered_at is not None
    demand = Demand.objects.get(pk=begun.demand_id)
    assert demand.status == DemandStatus.DELIVERED
    assert v.history.order_by("-history_date").first().history_user == reg.liaison
    assert demand.history.order_by("-history_date").first().history_user == reg.liaison


def test_the_history_shows_the_confirmation_time_in_beijing_time(reg, begun):
    from duikou.core.history import history_entries

    v = services.visit_confirm_delivery(actor=reg.liaison, visit=begun, delivered_days=4, rating=5)
    change = next(
        c
        for c in history_entries(v)[0]["changes"]
        if c["field"] == str(_field(Visit, "delivered_at"))
    )
    assert change["new"] == timezone.localtime(v.delivered_at).strftime("%Y-%m-%d %H:%M")


def _field(model, name):
    return model._meta.get_field(name).verbose_name


def test_confirmation_before_the_visit_starts_is_refused(reg, coming):
    with pytest.raises(ValidationError) as exc:
        services.visit_confirm_delivery(actor=reg.liaison, visit=coming, delivered_days=5, rating=5)
    assert "开始后才能确认" in errors_of(exc)["delivered_days"][0]
    assert Visit.objects.get(pk=coming.pk).status == VisitStatus.SCHEDULED


def test_more_days_than_scheduled_are_refused_naming_both_numbers(reg, begun):
    with pytest.raises(ValidationError) as exc:
        services.visit_confirm_delivery(actor=reg.liaison, visit=begun, delivered_days=6, rating=4)
    assert "实际服务 6 天，超过安排的 5 天" in errors_of(exc)["delivered_days"][0]
    assert Visit.objects.get(pk=begun.pk).status == VisitStatus.SCHEDULED
    assert Demand.objects.get(pk=begun.demand_id).status == DemandStatus.SCHEDULED


def test_zero_days_tells_them_to_cancel_instead(reg, begun):
    with pytest.raises(ValidationError) as exc:
        services.visit_confirm_delivery(actor=reg.liaison, visit=begun, delivered_days=0, rating=3)
    assert "取消" in errors_of(exc)["delivered_days"][0]


@pytest.mark.parametrize("rating", [None, 0, 6, "5"])
def test_a_rating_from_1_to_5_is_required(reg, begun, rating):
    with pytest.raises(ValidationError) as exc:
        services.visit_confirm_delivery(
            actor=reg.liaison, visit=begun, delivered_days=5, rating=rating
        )
    assert "rating" in errors_of(exc)
    assert begun.history.count() == 1


@pytest.mark.parametrize("user", ["wulan_team", "doctor", "viewer"])
def test_others_cannot_confirm(reg, begun, user):
    with pytest.raises(PermissionDenied):
        services.visit_confirm_delivery(
            actor=getattr(reg, user), visit=begun, delivered_days=5, rating=5
        )
    assert Visit.objects.get(pk=begun.pk).status == VisitStatus.SCHEDULED


def test_a_visit_is_confirmed_only_once(reg, begun):
    services.visit_confirm_delivery(actor=reg.dulan_team, visit=begun, delivered_days=5, rating=4)
    with pytest.raises(ValidationError) as exc:
        services.visit_confirm_delivery(actor=reg.hq, visit=begun, delivered_days=5, rating=1)
    assert "已服务" in exc.value.messages[0]
    assert Visit.objects.get(pk=begun.pk).rating == 4


# visit_log -------------------------------------------------------------------------------------


def achievement(reg, who, title="首例溶栓"):
    return people_services.achievement_create(
        actor=None,
        posting=who.postings.get(),
        kind="新技术",
        title=title,
        date=today() - dt.timedelta(days=1),
    )


def test_the_expert_logs_the_work_with_their_own_achievements(reg, li, begun):
    a = achievement(reg, li)
    v = services.visit_log(
        actor=reg.doctor, visit=begun, expert_log="门诊 40 人次", achievements=[a]
    )
    assert v.expert_log == "门诊 40 人次" and list(v.achievements.all()) == [a]
    assert v.history.order_by("-history_date").first().history_user == reg.doctor


def test_someone_elses_achievement_cannot_be_linked(reg, li, begun):
    ma = expert(reg, name="马丽", id_number=MA_ID, specialty="心血管内科")
    theirs = achievement(reg, ma, title="别人的成效")
    with pytest.raises(ValidationError) as exc:
        services.visit_log(actor=reg.doctor, visit=begun, expert_log="门诊", achievements=[theirs])
    assert "李明本人的成效" in errors_of(exc)["achievements"][0]
    with pytest.raises(ValidationError):
        services.visit_log(actor=reg.doctor, visit=begun, expert_log="门诊", achievements=[987654])
    assert Visit.objects.get(pk=begun.pk).expert_log == ""


def test_an_empty_log_is_refused(reg, begun):
    with pytest.raises(ValidationError) as exc:
        services.visit_log(actor=reg.doctor, visit=begun, expert_log="   ")
    assert "expert_log" in errors_of(exc)


def test_headquarters_may_log_but_the_liaison_and_others_may_not(reg, begun):
    services.visit_log(actor=reg.hq, visit=begun, expert_log="指挥部补录")
    for user in (reg.liaison, reg.dulan_team, reg.viewer):
        with pytest.raises(PermissionDenied):
            services.visit_log(actor=user, visit=begun, expert_log="x")
    assert Visit.objects.get(pk=begun.pk).expert_log == "指挥部补录"


def test_another_expert_cannot_log_my_visit(reg, begun):
    other = make_user("ma", Role.AID_STAFF)
    expert(reg, name="马丽", id_number=MA_ID, specialty="心血管内科", user=other)
    with pytest.raises(PermissionDenied):
        services.visit_log(actor=other, visit=begun, expert_log="x")


# visit_cancel ----------------------------------------------------------------------------------


def test_headquarters_cancels_and_the_demand_is_open_again(reg, coming):
    v = services.visit_cancel(actor=reg.hq, visit=coming, reason="专家临时手术")
    assert v.status == VisitStatus.CANCELLED and v.cancel_reason == "专家临时手术"
    assert Demand.objects.get(pk=coming.demand_id).status == DemandStatus.OPEN
    # Open again: it can be planned anew (one live visit per demand still holds).
    Visit.objects.create(
        demand=coming.demand,
        expert=coming.expert,
        start_date=coming.start_date,
        end_date=coming.end_date,
    )


def test_cancel_needs_headquarters_a_reason_and_a_scheduled_visit(reg, begun):
    for user in (reg.liaison, reg.dulan_team, reg.doctor, reg.viewer):
        with pytest.raises(PermissionDenied):
            services.visit_cancel(actor=user, visit=begun, reason="x")
    with pytest.raises(ValidationError) as exc:
        services.visit_cancel(actor=reg.hq, visit=begun, reason="")
    assert errors_of(exc)["reason"] == ["请填写取消原因。"]
    services.visit_confirm_delivery(actor=reg.liaison, visit=begun, delivered_days=5, rating=5)
    with pytest.raises(ValidationError):
        services.visit_cancel(actor=reg.hq, visit=begun, reason="晚了")
    assert Demand.objects.get(pk=begun.demand_id).status == DemandStatus.DELIVERED


def test_a_cancelled_visit_takes_no_log(reg, coming):
    services.visit_cancel(actor=reg.hq, visit=coming, reason="取消")
    with pytest.raises(ValidationError):
        services.visit_log(actor=reg.doctor, visit=coming, expert_log="x")


# Pages -----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, reg, begun):
    assert client.get(f"/orders/visits/{begun.pk}/").status_code == 302
    assert client.post(f"/orders/visits/{begun.pk}/confirm/").status_code == 302


def test_visit_pages_are_404_outside_the_scope(reg, client_for, begun, other_liaison):
    url = f"/orders/visits/{begun.pk}/"
    assert client_for(reg.wulan_team).get(url).status_code == 404
    assert client_for(other_liaison).get(url).status_code == 404
    post = {"delivered_days": "5", "rating": "5"}
    assert client_for(reg.wulan_team).post(url + "confirm/", post).status_code == 404
    assert (
        client_for(reg.wulan_team).get("/orders/visits/").content.decode().count("visit_detail")
        == 0
    )
    for user in (reg.hq, reg.viewer, reg.dulan_team, reg.liaison, reg.doctor):
        assert client_for(user).get(url).status_code == 200


def test_aid_staff_see_only_their_own_visits(reg, client_for, begun):
    ma_user = make_user("ma", Role.AID_STAFF)
    ma = expert(reg, name="马丽", id_number=MA_ID, specialty="心血管内科", user=ma_user)
    theirs = schedule(
        make_demand(reg, actor=None, organisation=reg.wulan_hospital, skill="心血管内科"),
        ma,
        start_in=3,
    )
    body = client_for(reg.doctor).get("/orders/visits/").content.decode()
    assert f"/orders/visits/{begun.pk}/" in body and f"/orders/visits/{theirs.pk}/" not in body
    assert client_for(reg.doctor).get(f"/orders/visits/{theirs.pk}/").status_code == 404


def test_the_liaison_confirms_on_the_page(reg, client_for, begun):
    client = client_for(reg.liaison)
    body = client.get(f"/orders/visits/{begun.pk}/").content.decode()
    assert 'id="confirm-delivery"' in body and 'id="cancel-visit"' not in body
    response = client.post(
        f"/orders/visits/{begun.pk}/confirm/", {"delivered_days": "5", "rating": "4"}
    )
    assert response.status_code == 302
    assert Visit.objects.get(pk=begun.pk).status == VisitStatus.DELIVERED
    body = client.get(f"/orders/visits/{begun.pk}/").content.decode()
    assert 'id="confirm-delivery"' not in body and "确认服务 5 天，评价 4 星" in body


def test_the_page_refuses_a_confirmation_before_the_start(reg, client_for, coming):
    client = client_for(reg.liaison)
    body = client.get(f"/orders/visits/{coming.pk}/").content.decode()
    assert 'id="confirm-delivery"' not in body and 'id="confirm-later"' in body
    response = client.post(
        f"/orders/visits/{coming.pk}/confirm/", {"delivered_days": "5", "rating": "5"}
    )
    assert response.status_code == 400
    assert "开始后才能确认" in response.content.decode()
    assert Visit.objects.get(pk=coming.pk).status == VisitStatus.SCHEDULED


def test_the_page_refuses_more_days_than_scheduled_and_a_missing_rating(reg, client_for, begun):
    client = client_for(reg.liaison)
    response = client.post(
        f"/orders/visits/{begun.pk}/confirm/", {"delivered_days": "9", "rating": "5"}
    )
    assert response.status_code == 400
    assert "实际服务 9 天，超过安排的 5 天" in response.content.decode()
    response = client.post(f"/orders/visits/{begun.pk}/confirm/", {"delivered_days": "5"})
    assert response.status_code == 400 and "请评价本次服务" in response.content.decode()
    assert Visit.objects.get(pk=begun.pk).status == VisitStatus.SCHEDULED


def test_the_expert_cannot_confirm_their_own_visit(reg, client_for, begun):
    response = client_for(reg.doctor).post(
        f"/orders/visits/{begun.pk}/confirm/", {"delivered_days": "5", "rating": "5"}
    )
    assert response.status_code == 403
    assert (
        client_for(reg.viewer)
        .post(f"/orders/visits/{begun.pk}/confirm/", {"delivered_days": "5", "rating": "5"})
        .status_code
        == 403
    )


def test_the_expert_logs_on_the_page(reg, client_for, li, begun):
    a = achievement(reg, li)
    client = client_for(reg.doctor)
    body = client.get(f"/orders/visits/{begun.pk}/").content.decode()
    assert 'id="save-log"' in body and "首例溶栓" in body
    response = client.post(
        f"/orders/visits/{begun.pk}/log/", {"expert_log": "查房 3 次", "achievements": [a.pk]}
    )
    assert response.status_code == 302
    assert list(Visit.objects.get(pk=begun.pk).achievements.all()) == [a]
    response = client.post(f"/orders/visits/{begun.pk}/log/", {"expert_log": ""})
    assert response.status_code == 400 and "请填写本次服务做了什么" in response.content.decode()
    assert (
        client_for(reg.liaison)
        .post(f"/orders/visits/{begun.pk}/log/", {"expert_log": "x"})
        .status_code
        == 403
    )


def test_cancel_on_the_page_is_headquarters_only(reg, client_for, coming):
    url = f"/orders/visits/{coming.pk}/cancel/"
    assert client_for(reg.liaison).post(url, {"reason": "x"}).status_code == 403
    assert client_for(reg.viewer).post(url, {"reason": "x"}).status_code == 403
    response = client_for(reg.hq).post(url, {"reason": ""})
    assert response.status_code == 400 and "请填写取消原因" in response.content.decode()
    assert client_for(reg.hq).post(url, {"reason": "专家生病"}).status_code == 302
    assert Demand.objects.get(pk=coming.demand_id).status == DemandStatus.OPEN


def test_visit_list_filters_and_htmx_partial(reg, client_for, begun, coming):
    client = client_for(reg.hq)
    response = client.get("/orders/visits/", {"when": "upcoming"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert f"/orders/visits/{begun.pk}/" in body and f"/orders/visits/{coming.pk}/" in body
    month = coming.start_date.strftime("%Y-%m")
    body = client.get("/orders/visits/", {"month": month}).content.decode()
    assert f"/orders/visits/{coming.pk}/" in body
    far = (today() + dt.timedelta(days=400)).strftime("%Y-%m")
    body = client.get("/orders/visits/", {"month": far}).content.decode()
    assert "没有符合条件的专家服务" in body
    response = client.get("/orders/visits/", {"month": "2026-13"})
    assert response.status_code == 200 and "月份请按 年-月 填写" in response.content.decode()
    wulan = schedule(
        make_demand(reg, actor=None, organisation=reg.wulan_hospital),
        coming.expert,
        start_in=20,
    )
    body = client.get("/orders/visits/", {"county": "632821"}).content.decode()
    assert f"/orders/visits/{wulan.pk}/" in body and f"/orders/visits/{begun.pk}/" not in body


def test_the_expert_sees_their_visits_on_me(reg, client_for, begun, coming):
    client = client_for(reg.doctor)
    page = client.get("/me/").content.decode()
    assert "我的服务安排" in page and 'hx-get="/orders/me/visits/"' in page
    response = client.get("/orders/me/visits/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "我的服务安排" in body
    assert f"/orders/visits/{begun.pk}/" in body and f"/orders/visits/{coming.pk}/" in body
    assert f"/orders/visits/{begun.pk}/#log" in body  # begun and not logged yet
    assert f"/orders/visits/{coming.pk}/#log" not in body


def test_my_visits_are_nobody_elses(reg, client, client_for, begun):
    # Another expert signed in sees their own (none), never Dr. Li's.
    other = make_user("other_doctor", Role.AID_STAFF, organisation=reg.prefecture_hospital)
    expert(reg, name="马丽", id_number=MA_ID, user=other)
    body = client_for(other).get("/orders/me/visits/").content.decode()
    assert "暂无服务安排" in body and f"/orders/visits/{begun.pk}/" not in body
    # Without a person of their own there is nothing to show: 404; signed out: sign in.
    for user in [reg.hq, reg.liaison, reg.viewer]:
        assert client_for(user).get("/orders/me/visits/").status_code == 404
    client.logout()
    assert client.get("/orders/me/visits/").status_code == 302


def test_the_institution_page_shows_its_demands_and_visits_within_scope(reg, client_for, begun):
    panel = f"/orders/org/{reg.dulan_hospital.pk}/panel/"
    page = client_for(reg.liaison).get(f"/orgs/{reg.dulan_hospital.pk}/").content.decode()
    assert "服务需求与专家来访" in page and f'hx-get="{panel}"' in page
    body = client_for(reg.liaison).get(panel, HTTP_HX_REQUEST="true").content.decode()
    assert "服务需求与专家来访" in body and f"/orders/visits/{begun.pk}/" in body
    assert "<html" not in body
    body = client_for(reg.viewer).get(panel).content.decode()
    assert f"/orders/visits/{begun.pk}/" in body
    # A Zhejiang hospital has no such section, and no panel.
    body = client_for(reg.hq).get(f"/orgs/{reg.jiaxing_hospital.pk}/").content.decode()
    assert "服务需求与专家来访" not in body and "/panel/" not in body
    assert (
        client_for(reg.hq).get(f"/orders/org/{reg.jiaxing_hospital.pk}/panel/").status_code == 404
    )


def test_the_institution_panel_is_404_outside_the_scope(reg, client, client_for, begun):
    panel = f"/orders/org/{reg.dulan_hospital.pk}/panel/"
    # The 乌兰 team reads neither the 都兰 hospital's page nor its panel.
    assert client_for(reg.wulan_team).get(f"/orgs/{reg.dulan_hospital.pk}/").status_code == 404
    assert client_for(reg.wulan_team).get(panel).status_code == 404
    assert (
        client_for(reg.wulan_team).get(f"/orders/org/{reg.wulan_hospital.pk}/panel/").status_code
        == 200
    )
    assert client_for(reg.dulan_team).get(panel).status_code == 200
    assert client_for(reg.hq).get("/orders/org/999999/panel/").status_code == 404
    client.logout()
    assert client.get(panel).status_code == 302


def test_those_who_confirm_are_told_of_visits_waiting_for_them(reg, client_for, begun, coming):
    body = client_for(reg.liaison).get("/orders/").content.decode()
    assert 'id="due-banner"' in body and "有 1 次专家服务已开始" in body
    body = client_for(reg.liaison).get("/orders/visits/", {"when": "due"}).content.decode()
    assert f"/orders/visits/{begun.pk}/" in body and f"/orders/visits/{coming.pk}/" not in body
    for user in (reg.doctor, reg.wulan_team, reg.viewer):
        assert 'id="due-banner"' not in client_for(user).get("/orders/").content.decode()
    services.visit_confirm_delivery(actor=reg.liaison, visit=begun, delivered_days=5, rating=5)
    assert 'id="due-banner"' not in client_for(reg.liaison).get("/orders/").content.decode()


# The schedule export (排班表) ------------------------------------------------------------------

VISIT_EXPORT_HEADER = [
    "开始日期",
    "结束日期",
    "天数",
    "专家",
    "专业",
    "派出单位",
    "服务单位",
    "所在地",
    "服务方式",
    "需求摘要",
    "状态",
    "实际服务天数",
    "评价",
]


def export_rows(client, **params) -> list[list]:
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    response = client.get(reverse("orders:visit_export"), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Cache-Control"] == "no-store"
    ws = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == VISIT_EXPORT_HEADER
    return rows[1:]


@pytest.fixture
def wulan_visit(reg):
    """A 3-day visit to 乌兰 by Dr. Wang, in twenty days."""
    wang = expert(reg, name="王芳", id_number=MA_ID, specialty="儿科")
    d = make_demand(
        reg,
        organisation=reg.wulan_hospital,
        skill="儿科",
        service_kind="讲座",
        days=3,
        title="儿科讲座",
    )
    return schedule(d, wang, start_in=20)


def test_the_schedule_export_is_scoped_and_holds_names_only(reg, client_for, begun, wulan_visit):
    from tests.test_orders_demands import LI_ID
    from tests.test_people_common import PHONE

    services.visit_confirm_delivery(actor=reg.liaison, visit=begun, delivered_days=4, rating=5)
    rows = export_rows(client_for(reg.wulan_team))
    assert [(r[3], r[6], r[7]) for r in rows] == [("王芳", "乌兰县人民医院", "乌兰县")]
    assert rows[0][2] == 3 and rows[0][8] == "讲座" and rows[0][9] == "儿科讲座"
    rows = export_rows(client_for(reg.dulan_team))
    assert [r[3] for r in rows] == ["李明"]
    assert rows[0][10:] == ["已服务", 4, 5] and rows[0][5] == "嘉兴市第一医院"
    rows = export_rows(client_for(reg.viewer))
    assert sorted(r[3] for r in rows) == ["李明", "王芳"]
    text = repr(rows)
    for secret in (LI_ID, MA_ID, PHONE, "****"):
        assert secret not in text
    # the list's filters apply
    assert [r[3] for r in export_rows(client_for(reg.hq), county="632821")] == ["王芳"]
    assert [r[3] for r in export_rows(client_for(reg.hq), status="已服务")] == ["李明"]


def test_the_schedule_export_needs_a_sign_in_and_good_filters(reg, client, client_for, begun):
    from django.urls import reverse

    url = reverse("orders:visit_export")
    assert client.get(url).status_code == 302
    response = client_for(reg.hq).get(url, {"month": "2026-13"})
    assert response.status_code == 400 and "月份" in response.content.decode()
    assert client_for(reg.hq).get(url, {"run": "x"}).status_code == 400
    body = client_for(reg.hq).get(reverse("orders:visit_list")).content.decode()
    assert 'id="visit-export"' in body and url in body


def test_a_confirmed_runs_schedule_exports_from_its_page(reg, client_for, li, wulan_visit):
    from django.urls import reverse

    from duikou.orders import runs
    from duikou.orders.models import PlanningRun
    from tests.test_orders_confirm import done_run, make_records

    make_records(reg)
    run = done_run(reg.hq)
    client = client_for(reg.hq)
    body = client.get(reverse("orders:run_detail", args=[run.pk])).content.decode()
    assert 'id="run-visit-export"' not in body  # not confirmed yet
    made = runs.run_confirm(actor=reg.hq, run=run)
    assert made and all(v.run_id == run.pk for v in made)
    assert PlanningRun.objects.get(pk=run.pk).status == "已确认"
    body = client.get(reverse("orders:run_detail", args=[run.pk])).content.decode()
    link = f"{reverse('orders:visit_export')}?run={run.pk}"
    assert 'id="run-visit-export"' in body and link in body
    rows = export_rows(client, run=run.pk)
    assert len(rows) == len(made) and "王芳" not in [r[3] for r in rows]
    assert sorted(r[0] for r in rows) == [r[0] for r in rows]  # in date order
    assert len(export_rows(client)) == len(made) + 1
    # the list shows the run's visits, and the county team gets only its own of them
    page = client.get(reverse("orders:visit_list"), {"run": run.pk}).content.decode()
    assert f"排班 #{run.pk} 的服务" in page and "王芳" not in page
    dulan_rows = export_rows(client_for(reg.dulan_team), run=run.pk)
    assert {r[7] for r in dulan_rows} <= {"都兰县"}
    assert len(dulan_rows) == sum(1 for v in made if v.demand.organisation == reg.dulan_hospital)
