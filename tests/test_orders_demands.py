"""Demands (点单): the services' every refusal, and the pages — who may, and who must not."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from duikou.accounts.models import Role
from duikou.core import services as core_services
from duikou.orders import services, skills
from duikou.orders.models import Demand, DemandStatus, SkillField, Visit
from tests.conftest import make_user
from tests.test_people_common import (
    LI_ID,
    MA_ID,
    ZHAO_ID,
    field_key,  # noqa: F401
    person,
    posting,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


def today() -> dt.date:
    return timezone.localdate()


def expert(reg, *, name="李明", id_number=LI_ID, specialty="神经内科", field="医疗", user=None):
    p = person(reg, id_number=id_number, name=name, specialty=specialty, user=user)
    posting(
        reg,
        p,
        host=reg.prefecture_hospital,
        field=field,
        start=today() - dt.timedelta(days=200),
        end_date=today() + dt.timedelta(days=300),
    )
    return p


def make_demand(reg, *, actor=None, **kw) -> Demand:
    data = dict(
        organisation=reg.dulan_hospital,
        skill="神经内科",
        service_kind="坐诊",
        days=5,
        earliest_start=today() + dt.timedelta(days=10),
        latest_end=today() + dt.timedelta(days=40),
    )
    data.update(kw)
    return services.demand_create(actor=actor, **data)


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


# Skills -----------------------------------------------------------------------------------------


def test_skill_vocabulary_knows_departments_and_subjects_with_their_names_as_given():
    assert skills.field_of("神经内科") == SkillField.MEDICAL
    assert skills.field_of("英语 (外语)") == SkillField.EDUCATION
    assert skills.field_of("重症医学科 (ICU)") == SkillField.MEDICAL
    assert skills.field_of("英语") is None
    assert skills.field_of("") is None
    groups = dict(skills.skill_choices(blank=False))
    assert ("数学", "数学") in groups["教育"]
    assert ("心血管内科", "心血管内科") in groups["医疗"]
    assert not set(dict(groups["医疗"])) & set(dict(groups["教育"]))


# demand_create ---------------------------------------------------------------------------------


def test_a_liaison_posts_a_demand_for_their_hospital_and_it_is_in_history(reg):
    d = make_demand(reg, actor=reg.liaison, title="卒中带教", note="  急需  ")
    assert d.status == DemandStatus.OPEN
    assert d.skill_field == SkillField.MEDICAL
    assert d.posted_by == reg.liaison
    assert d.priority == 5 and d.version == 1
    assert d.note == "急需"
    record = d.history.get()
    assert record.history_user == reg.liaison and record.history_type == "+"


def test_a_school_subject_is_stored_as_education(reg):
    school = core_services.organisation_create(
        actor=None, name="都兰县第一中学", kind="学校", side="受援方", division=reg.dulan
    )
    d = make_demand(reg, actor=reg.dulan_team, organisation=school, skill="英语 (外语)")
    assert d.skill_field == SkillField.EDUCATION


@pytest.mark.parametrize("skill", ["脑外科", "英语", ""])
def test_a_skill_outside_the_vocabulary_is_refused(reg, skill):
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, skill=skill)
    assert "skill" in errors_of(exc)
    assert not Demand.objects.exists()


def test_a_zhejiang_or_non_medical_organisation_cannot_post(reg):
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.hq, organisation=reg.jiaxing_hospital)
    assert "不是海西（受援方）的医院或学校" in errors_of(exc)["organisation"][0]
    gov = core_services.organisation_create(
        actor=None, name="都兰县人民政府", kind="政府机关", side="受援方", division=reg.dulan
    )
    with pytest.raises(ValidationError):
        make_demand(reg, actor=None, organisation=gov)
    assert not Demand.objects.exists()


def test_the_organisation_must_be_in_the_posters_scope(reg):
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, organisation=reg.wulan_hospital)
    assert "超出您的数据范围" in errors_of(exc)["organisation"][0]
    with pytest.raises(ValidationError):
        make_demand(reg, actor=reg.wulan_team, organisation=reg.dulan_hospital)
    assert not Demand.objects.exists()


@pytest.mark.parametrize("user", ["viewer", "doctor"])
def test_a_viewer_or_aid_staff_cannot_post(reg, user):
    with pytest.raises(PermissionDenied):
        make_demand(reg, actor=getattr(reg, user))
    assert not Demand.objects.exists()


@pytest.mark.parametrize("days", [0, 91, -3])
def test_days_must_lie_between_1_and_90(reg, days):
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, days=days, latest_end=today() + dt.timedelta(200))
    assert errors_of(exc)["days"] == ["所需天数应为 1 到 90 天。"]


def test_a_window_shorter_than_the_days_is_refused_with_both_numbers(reg):
    start = today() + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        make_demand(
            reg, actor=reg.liaison, days=5, earliest_start=start, latest_end=start + dt.timedelta(2)
        )
    message = errors_of(exc)["latest_end"][0]
    assert "只有 3 天，少于所需 5 天" in message
    assert start.isoformat() in message
    assert not Demand.objects.exists()


def test_a_window_of_exactly_the_days_is_accepted(reg):
    start = today() + dt.timedelta(days=10)
    d = make_demand(
        reg, actor=reg.liaison, days=3, earliest_start=start, latest_end=start + dt.timedelta(2)
    )
    assert d.window_days == 3


def test_an_end_before_the_start_is_refused(reg):
    start = today() + dt.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        make_demand(
            reg, actor=reg.liaison, earliest_start=start, latest_end=start - dt.timedelta(1)
        )
    assert "早于最早开始" in errors_of(exc)["latest_end"][0]


def test_a_window_already_over_is_refused_for_a_person_but_a_system_load_may_record_it(reg):
    past = dict(
        earliest_start=today() - dt.timedelta(days=40), latest_end=today() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, **past)
    assert "已经过去" in errors_of(exc)["latest_end"][0]
    assert not Demand.objects.exists()
    old = make_demand(reg, actor=None, posted_at=timezone.now() - dt.timedelta(days=60), **past)
    assert old.posted_by is None


def test_only_headquarters_sets_a_priority_other_than_5_at_creation(reg):
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, priority=9)
    assert "指挥部" in errors_of(exc)["priority"][0]
    with pytest.raises(ValidationError):
        make_demand(reg, actor=reg.dulan_team, priority=1)
    assert not Demand.objects.exists()
    assert make_demand(reg, actor=reg.hq, priority=9).priority == 9
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.hq, priority=11)
    assert errors_of(exc)["priority"] == ["优先级应在 1 到 10 之间。"]


def test_preferred_experts_must_exist_and_be_medical_or_education_staff(reg):
    li = expert(reg)
    planner = expert(reg, name="赵强", id_number=ZHAO_ID, specialty="城乡规划", field="规划建设")
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, preferred_experts=[li.pk, 999_999])
    assert "不存在" in errors_of(exc)["preferred_experts"][0]
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, preferred_experts=[planner])
    assert "赵强" in errors_of(exc)["preferred_experts"][0]
    assert not Demand.objects.exists()
    d = make_demand(reg, actor=reg.liaison, preferred_experts=[li])
    assert list(d.preferred_experts.all()) == [li]


def test_several_errors_are_reported_together(reg):
    with pytest.raises(ValidationError) as exc:
        make_demand(reg, actor=reg.liaison, skill="x", days=0, priority=7)
    assert {"skill", "days", "priority"} <= set(errors_of(exc))


# demand_update / withdraw / priority -----------------------------------------------------------


def test_update_changes_an_open_demand_bumps_the_version_and_keeps_history(reg):
    d = make_demand(reg, actor=reg.liaison)
    d = services.demand_update(
        actor=reg.liaison, demand=d, expected_version=1, days=7, skill="心血管内科"
    )
    assert (d.days, d.skill, d.version) == (7, "心血管内科", 2)
    latest = d.history.order_by("-history_date").first()
    assert latest.history_user == reg.liaison and latest.days == 7


def test_update_with_nothing_changed_writes_nothing(reg):
    d = make_demand(reg, actor=reg.liaison)
    services.demand_update(actor=reg.liaison, demand=d, days=5)
    assert d.history.count() == 1


def test_a_stale_version_is_refused_naming_who_changed_it(reg):
    d = make_demand(reg, actor=reg.liaison)
    services.demand_update(actor=reg.dulan_team, demand=d, expected_version=1, days=6)
    with pytest.raises(services.DemandConflictError) as exc:
        services.demand_update(actor=reg.liaison, demand=d, expected_version=1, days=8)
    assert "dulan" in exc.value.messages[0]
    assert exc.value.changes[0]["changes"][0]["new"] == "6"
    assert Demand.objects.get().days == 6


def test_update_refuses_a_short_window_and_a_liaisons_priority(reg):
    d = make_demand(reg, actor=reg.liaison)
    with pytest.raises(ValidationError) as exc:
        services.demand_update(actor=reg.liaison, demand=d, days=60)
    assert "少于所需 60 天" in errors_of(exc)["latest_end"][0]
    with pytest.raises(ValidationError) as exc:
        services.demand_update(actor=reg.liaison, demand=d, priority=10)
    assert "priority" in errors_of(exc)
    assert Demand.objects.get().version == 1


def test_only_an_open_demand_can_be_updated(reg):
    d = make_demand(reg, actor=reg.liaison)
    Demand.objects.filter(pk=d.pk).update(status=DemandStatus.SCHEDULED)
    with pytest.raises(ValidationError) as exc:
        services.demand_update(actor=reg.hq, demand=d, days=6)
    assert "已安排" in exc.value.messages[0]


def test_someone_out_of_scope_cannot_update(reg):
    d = make_demand(reg, actor=reg.liaison)
    for user in (reg.wulan_team, reg.viewer, reg.doctor):
        with pytest.raises(PermissionDenied):
            services.demand_update(actor=user, demand=d, days=6)
    assert Demand.objects.get().days == 5


def test_withdraw_needs_a_reason_and_an_open_demand(reg):
    d = make_demand(reg, actor=reg.liaison)
    with pytest.raises(ValidationError) as exc:
        services.demand_withdraw(actor=reg.liaison, demand=d, reason="  ")
    assert errors_of(exc)["reason"] == ["请填写撤回原因。"]
    with pytest.raises(PermissionDenied):
        services.demand_withdraw(actor=reg.wulan_team, demand=d, reason="不需要了")
    d = services.demand_withdraw(actor=reg.liaison, demand=d, reason="科室已自行解决")
    assert d.status == DemandStatus.WITHDRAWN
    assert "科室已自行解决" in d.history.order_by("-history_date").first().history_change_reason
    with pytest.raises(ValidationError):
        services.demand_withdraw(actor=reg.hq, demand=d, reason="再撤一次")


def test_only_headquarters_adjusts_priority(reg):
    d = make_demand(reg, actor=reg.liaison)
    for user in (reg.liaison, reg.dulan_team, reg.viewer):
        with pytest.raises(PermissionDenied):
            services.demand_set_priority(actor=user, demand=d, priority=8)
    with pytest.raises(ValidationError) as exc:
        services.demand_set_priority(actor=reg.hq, demand=d, priority=0)
    assert "priority" in errors_of(exc)
    d = services.demand_set_priority(actor=reg.hq, demand=d, priority=9, reason="县里唯一神经科")
    assert d.priority == 9 and d.version == 2
    record = d.history.order_by("-history_date").first()
    assert record.history_user == reg.hq
    assert record.history_change_reason == "优先级 5 → 9：县里唯一神经科"


# Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def other_liaison(reg):
    return make_user("wulan_liaison", Role.LIAISON, organisation=reg.wulan_hospital)


@pytest.fixture
def two_demands(reg):
    dulan = make_demand(reg, actor=reg.liaison, title="都兰神经内科")
    wulan = make_demand(
        reg, actor=reg.wulan_team, organisation=reg.wulan_hospital, skill="儿科", title="乌兰儿科"
    )
    return dulan, wulan


@pytest.mark.parametrize("url", ["/orders/", "/orders/new/", "/orders/1/", "/orders/visits/"])
def test_anonymous_is_sent_to_sign_in(client, reg, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


def test_the_list_is_scoped(reg, client_for, two_demands, other_liaison):
    seen = {}
    for user in (
        reg.hq,
        reg.viewer,
        reg.dulan_team,
        reg.wulan_team,
        reg.liaison,
        other_liaison,
        reg.doctor,
    ):
        body = client_for(user).get("/orders/").content.decode()
        seen[user.username] = ("都兰神经内科" in body, "乌兰儿科" in body)
    assert seen == {
        "hq": (True, True),
        "viewer": (True, True),
        "dulan": (True, False),
        "wulan": (False, True),
        "liaison": (True, False),
        "wulan_liaison": (False, True),
        "doctor": (False, False),
    }


def test_aid_staff_see_the_demands_they_serve(reg, client_for, two_demands):
    dulan, _wulan = two_demands
    me = expert(reg, user=reg.doctor)
    Visit.objects.create(
        demand=dulan,
        expert=me,
        start_date=today() + dt.timedelta(12),
        end_date=today() + dt.timedelta(16),
    )
    body = client_for(reg.doctor).get("/orders/").content.decode()
    assert "都兰神经内科" in body and "乌兰儿科" not in body
    assert "李明" in body  # the scheduled visit's expert is shown in the row
    assert 'id="new-demand"' not in body


def test_the_post_button_shows_only_for_those_who_may_post(reg, client_for):
    assert 'id="new-demand"' in client_for(reg.liaison).get("/orders/").content.decode()
    assert 'id="new-demand"' not in client_for(reg.viewer).get("/orders/").content.decode()


def test_filters_and_the_htmx_partial(reg, client_for, two_demands):
    client = client_for(reg.hq)
    response = client.get("/orders/", {"county": "632821"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "乌兰儿科" in body and "都兰神经内科" not in body
    body = client.get("/orders/", {"q": "神经"}).content.decode()
    assert "都兰神经内科" in body and "乌兰儿科" not in body
    body = client.get("/orders/", {"status": "已撤回"}).content.decode()
    assert "没有符合条件的需求" in body
    body = client.get("/orders/", {"field": "教育"}).content.decode()
    assert "都兰神经内科" not in body
    body = client.get(
        "/orders/", {"kind": "坐诊", "org": two_demands[0].organisation_id}
    ).content.decode()
    assert "都兰神经内科" in body and "乌兰儿科" not in body
    # A value outside the choices does not crash: the filter is ignored.
    assert client.get("/orders/", {"status": "乱码"}).status_code == 200


def test_an_open_demand_whose_window_passed_is_marked_expired(reg, client_for):
    demand = make_demand(reg, actor=reg.liaison, title="过期的需求")
    client = client_for(reg.liaison)
    assert "已过期" not in client.get("/orders/").content.decode()
    Demand.objects.filter(pk=demand.pk).update(
        earliest_start=today() - dt.timedelta(days=30), latest_end=today() - dt.timedelta(days=1)
    )
    assert "已过期" in client.get("/orders/").content.decode()
    assert "已过期" in client.get(f"/orders/{demand.pk}/").content.decode()


def test_skill_and_posting_year_filters(reg, client_for, two_demands):
    dulan, _wulan = two_demands
    Demand.objects.filter(pk=dulan.pk).update(
        posted_at=timezone.make_aware(dt.datetime(2025, 12, 31, 23, 30))  # Beijing time
    )
    client = client_for(reg.hq)
    body = client.get("/orders/", {"skill": "儿科"}).content.decode()
    assert "乌兰儿科" in body and "都兰神经内科" not in body
    body = client.get("/orders/", {"year": "2025"}).content.decode()
    assert "都兰神经内科" in body and "乌兰儿科" not in body
    assert '<option value="2025" selected>' in body
    body = client.get("/orders/", {"year": str(today().year)}).content.decode()
    assert "乌兰儿科" in body and "都兰神经内科" not in body
    assert client.get("/orders/", {"year": "20x5", "skill": "不存在"}).status_code == 200


def test_the_export_holds_the_filtered_scoped_rows(reg, client_for, two_demands):
    response = client_for(reg.dulan_team).get("/orders/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "需求单位*"  # the 点单 sheet's columns first: the file imports again
    assert [r[0] for r in rows[1:]] == ["都兰县人民医院"]
    response = client_for(reg.hq).get("/orders/export.xlsx", {"county": "632821"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["儿科"]


def test_the_form_for_a_liaison_fixes_their_hospital_and_hides_priority(reg, client_for):
    body = client_for(reg.liaison).get("/orders/new/").content.decode()
    assert 'type="hidden" name="organisation"' in body
    assert 'name="priority"' not in body
    assert '<optgroup label="医疗">' in body and '<optgroup label="教育">' in body
    body = client_for(reg.hq).get("/orders/new/").content.decode()
    assert '<select name="organisation"' in body and 'name="priority"' in body


def form_data(reg, **kw):
    data = {
        "organisation": reg.dulan_hospital.pk,
        "skill": "神经内科",
        "service_kind": "坐诊",
        "days": "5",
        "earliest_start": (today() + dt.timedelta(10)).isoformat(),
        "latest_end": (today() + dt.timedelta(40)).isoformat(),
        "title": "卒中带教",
        "note": "",
    }
    data.update(kw)
    return data


def test_a_liaison_posts_through_the_form(reg, client_for):
    li = expert(reg)
    response = client_for(reg.liaison).post(
        "/orders/new/", form_data(reg, preferred_experts=[li.pk])
    )
    d = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{d.pk}/"
    assert d.posted_by == reg.liaison and list(d.preferred_experts.all()) == [li]


def test_a_window_shorter_than_the_days_is_refused_on_the_form(reg, client_for):
    start = today() + dt.timedelta(10)
    response = client_for(reg.liaison).post(
        "/orders/new/",
        form_data(
            reg,
            days="5",
            earliest_start=start.isoformat(),
            latest_end=(start + dt.timedelta(3)).isoformat(),
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "只有 4 天，少于所需 5 天" in body
    assert 'aria-invalid="true"' in body
    assert not Demand.objects.exists()


def test_bad_input_on_the_form_gets_chinese_messages_and_saves_nothing(reg, client_for):
    response = client_for(reg.liaison).post(
        "/orders/new/",
        form_data(
            reg,
            skill="心内科",
            days="abc",
            earliest_start="2026-02-30",
            organisation=reg.wulan_hospital.pk,
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不在科室/学科目录中" in body
    assert "所需天数应为整数" in body
    assert "不是有效日期" in body
    assert not Demand.objects.exists()


def test_a_county_team_cannot_post_for_another_county_through_the_form(reg, client_for):
    response = client_for(reg.wulan_team).post("/orders/new/", form_data(reg))
    assert response.status_code == 400
    assert not Demand.objects.exists()


def test_a_viewer_cannot_post(reg, client_for):
    client = client_for(reg.viewer)
    assert client.get("/orders/new/").status_code == 403
    assert client.post("/orders/new/", form_data(reg)).status_code == 403
    assert not Demand.objects.exists()


def test_the_expert_list_follows_the_skill(reg, client_for):
    expert(reg)
    expert(reg, name="马丽", id_number=MA_ID, specialty="心血管内科")
    client = client_for(reg.liaison)
    body = client.get(
        "/orders/experts/", {"skill": "心血管内科"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert body.startswith('<div class="picker" id="expert-picker"')
    assert 'type="search"' in body and 'type="checkbox" name="preferred_experts"' in body
    assert (
        body.index("专业相符：心血管内科")
        < body.index("马丽")
        < body.index("其他医疗人才")
        < body.index("李明")
    )
    assert client_for(reg.viewer).get("/orders/experts/").status_code == 403


def test_detail_is_404_outside_the_scope(reg, client_for, two_demands, other_liaison):
    dulan, _ = two_demands
    url = f"/orders/{dulan.pk}/"
    assert client_for(reg.wulan_team).get(url).status_code == 404
    assert client_for(other_liaison).get(url).status_code == 404
    assert client_for(reg.doctor).get(url).status_code == 404
    response = client_for(reg.liaison).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "变更历史" in body and 'id="edit"' in body and 'id="withdraw"' in body
    assert 'id="set-priority"' not in body
    body = client_for(reg.viewer).get(url).content.decode()
    assert 'id="edit"' not in body and 'id="withdraw"' not in body


def test_edit_through_the_form_and_a_stale_form_is_told_who_changed_it(
    reg, client_for, two_demands
):
    dulan, _ = two_demands
    client = client_for(reg.liaison)
    assert client.get(f"/orders/{dulan.pk}/edit/").status_code == 200
    services.demand_update(actor=reg.dulan_team, demand=dulan, days=6)
    response = client.post(f"/orders/{dulan.pk}/edit/", form_data(reg, days="7", version="1"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "dulan" in body and 'id="conflict"' in body
    assert Demand.objects.get(pk=dulan.pk).days == 6
    response = client.post(f"/orders/{dulan.pk}/edit/", form_data(reg, days="7", version="2"))
    assert response.status_code == 302
    assert Demand.objects.get(pk=dulan.pk).days == 7


def test_edit_is_refused_outside_the_scope_or_once_scheduled(reg, client_for, two_demands):
    dulan, _ = two_demands
    assert client_for(reg.wulan_team).get(f"/orders/{dulan.pk}/edit/").status_code == 404
    assert (
        client_for(reg.viewer).post(f"/orders/{dulan.pk}/edit/", form_data(reg)).status_code == 403
    )
    Demand.objects.filter(pk=dulan.pk).update(status=DemandStatus.SCHEDULED)
    assert client_for(reg.liaison).get(f"/orders/{dulan.pk}/edit/").status_code == 403


def test_withdraw_through_the_page(reg, client_for, two_demands):
    dulan, _ = two_demands
    url = f"/orders/{dulan.pk}/withdraw/"
    assert client_for(reg.wulan_team).post(url, {"reason": "x"}).status_code == 404
    assert client_for(reg.viewer).post(url, {"reason": "x"}).status_code == 403
    assert client_for(reg.liaison).get(url).status_code == 405
    response = client_for(reg.liaison).post(url, {"reason": ""})
    assert response.status_code == 400 and "请填写撤回原因" in response.content.decode()
    assert Demand.objects.get(pk=dulan.pk).status == DemandStatus.OPEN
    assert client_for(reg.liaison).post(url, {"reason": "已自行解决"}).status_code == 302
    assert Demand.objects.get(pk=dulan.pk).status == DemandStatus.WITHDRAWN


def test_priority_through_the_page_is_headquarters_only(reg, client_for, two_demands):
    dulan, _ = two_demands
    url = f"/orders/{dulan.pk}/priority/"
    assert client_for(reg.liaison).post(url, {"priority": "9"}).status_code == 403
    assert client_for(reg.dulan_team).post(url, {"priority": "9"}).status_code == 403
    response = client_for(reg.hq).post(url, {"priority": "12"})
    assert response.status_code == 400 and "1 到 10" in response.content.decode()
    assert client_for(reg.hq).post(url, {"priority": "9", "reason": "急"}).status_code == 302
    assert Demand.objects.get(pk=dulan.pk).priority == 9
    body = client_for(reg.hq).get(f"/orders/{dulan.pk}/").content.decode()
    assert "优先级 5 → 9：急" in body


def test_the_list_does_not_query_per_row(reg, client_for, django_assert_max_num_queries):
    li = expert(reg)
    first = make_demand(reg, actor=None)
    Visit.objects.create(
        demand=first,
        expert=li,
        start_date=today() + dt.timedelta(12),
        end_date=today() + dt.timedelta(16),
    )
    client = client_for(reg.hq)
    client.get("/orders/")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/orders/")
    for i in range(8):
        d = make_demand(reg, actor=None, skill="儿科", title=f"需求{i}")
        Visit.objects.create(
            demand=d,
            expert=li,
            start_date=today() + dt.timedelta(12),
            end_date=today() + dt.timedelta(16),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get("/orders/").content.decode()
    assert body.count("李明") == 9
