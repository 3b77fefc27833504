"""People pages. Each test names the user who must not get in; and no page, export or error
shows a full ID number or phone unless the headquarters asked for it with a reason."""

import datetime as dt
import io
import logging

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from duikou.people import services
from duikou.people.models import AccessLog, AvailabilityWindow, Person, Posting
from tests.test_people_common import (
    LI_ID,
    MA_ID,
    PHONE,
    PHONE_2,
    ZHAO_ID,
    field_key,  # noqa: F401
    person,
    posting,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

CLEAR = (LI_ID, MA_ID, ZHAO_ID, PHONE, PHONE_2)
MASKED = ("632802********1239", "138****5678")


class World:
    """李明 posted to 都兰 (with the doctor's sign-in), 赵芳 posted to 乌兰, 马丽 trained."""

    def __init__(self, reg):
        today = timezone.localdate()
        self.li = person(reg, user=reg.doctor, specialty="神经内科")
        self.li_posting = posting(
            reg,
            self.li,
            host_department=reg.dulan_neuro,
            role="挂职副院长",
            start=today - dt.timedelta(days=300),
            end_date=today + dt.timedelta(days=20),
        )
        self.zhao = person(reg, id_number=ZHAO_ID, name="赵芳", phone=PHONE_2)
        self.zhao_posting = posting(
            reg,
            self.zhao,
            host=reg.wulan_hospital,
            host_department=reg.wulan_cardio,
            start=today - dt.timedelta(days=100),
            end_date=None,
        )
        self.ma = person(reg, id_number=MA_ID, name="马丽", employer=reg.dulan_hospital, phone="")
        self.training = services.training_create(
            actor=None,
            person=self.ma,
            home_org=reg.dulan_hospital,
            host_org=reg.zju_hospital,
            programme="骨干医师跟岗进修",
            start_date=dt.date(2023, 4, 10),
            end_date=dt.date(2023, 8, 9),
        )
        self.achievement = services.achievement_create(
            actor=None,
            posting=self.li_posting,
            kind="新技术",
            count=1,
            title="首例静脉溶栓",
            date=today - dt.timedelta(days=10),
        )
        self.batch = services.batch_create(actor=None, number=6, start_date=dt.date(2025, 7, 15))
        services.availability_create(
            actor=None,
            person=self.li,
            start_date=today + dt.timedelta(days=5),
            end_date=today + dt.timedelta(days=9),
        )


@pytest.fixture
def world(reg):
    return World(reg)


def _text(response) -> str:
    return response.content.decode()


def _pages(world) -> list[str]:
    return [
        "/people/",
        "/people/?current=1",
        "/people/?county=632822",
        f"/people/{world.li.pk}/",
        f"/people/{world.li.pk}/edit/",
        f"/people/{world.zhao.pk}/",
        f"/people/{world.ma.pk}/",
        "/people/new/",
        f"/people/postings/{world.li_posting.pk}/",
        f"/people/postings/{world.li_posting.pk}/edit/",
        "/people/postings/new/",
        f"/people/postings/new/?person={world.li.pk}",
        "/people/batches/",
        f"/people/batches/{world.batch.pk}/",
        "/people/coverage/",
        f"/people/coverage/?org={world.li_posting.host_org_id}",
        "/people/trainings/",
        f"/people/trainings/{world.training.pk}/edit/",
        "/people/achievements/",
        "/people/achievements/new/",
        "/people/access-log/",
        "/me/",
    ]


def _xlsx_values(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content))
    return [list(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("who", ["hq", "dulan_team", "wulan_team", "liaison", "doctor", "viewer"])
def test_no_page_or_export_shows_a_clear_id_number_or_phone(reg, world, client_for, who, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(getattr(reg, who))
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        page = _text(response)
        for clear in CLEAR:
            assert clear not in page, (who, url)
        if who == "viewer":
            for masked in MASKED:
                assert masked not in page, url
            assert "********" not in page and "****" not in page, url
    export = client.get("/people/export.xlsx")
    assert export.status_code == 200
    rows = _xlsx_values(export.content)
    cells = " ".join(str(v) for row in rows for v in row)
    for clear in CLEAR:
        assert clear not in cells
    if who == "viewer":
        assert "身份证号" not in rows[0] and "联系电话" not in rows[0]
        assert "*" not in cells
    for clear in CLEAR:
        assert clear not in caplog.text


def test_the_headquarters_sees_masked_values(reg, world, client_for):
    page = _text(client_for(reg.hq).get(f"/people/{world.li.pk}/"))
    assert "632802********1239" in page and "138****5678" in page
    assert "查看完整号码" in page


def test_the_viewer_sees_names_but_no_personal_data(reg, world, client_for):
    client = client_for(reg.viewer)
    page = _text(client.get("/people/"))
    assert "李明" in page and "赵芳" in page
    assert "身份证号" not in page
    page = _text(client.get(f"/people/{world.li.pk}/"))
    assert "李明" in page and "personal-data" not in page and "查看完整号码" not in page


def test_a_county_team_sees_only_people_posted_in_its_counties(reg, world, client_for):
    client = client_for(reg.dulan_team)
    page = _text(client.get("/people/"))
    assert "李明" in page and "马丽" in page and "赵芳" not in page
    assert client.get(f"/people/{world.zhao.pk}/").status_code == 404
    assert client.get(f"/people/postings/{world.zhao_posting.pk}/").status_code == 404
    assert client.get(f"/people/{world.li.pk}/").status_code == 200
    wulan = client_for(reg.wulan_team)
    assert wulan.get(f"/people/{world.li.pk}/").status_code == 404
    assert wulan.get(f"/people/{world.zhao.pk}/").status_code == 200


def test_a_liaison_sees_the_postings_its_organisation_hosts(reg, world, client_for):
    client = client_for(reg.liaison)
    page = _text(client.get("/people/"))
    assert "李明" in page and "赵芳" not in page
    assert client.get(f"/people/{world.zhao.pk}/").status_code == 404
    assert client.get(f"/people/{world.li.pk}/edit/").status_code == 403


def test_aid_staff_see_only_themself(reg, world, client_for):
    client = client_for(reg.doctor)
    page = _text(client.get("/people/"))
    assert "李明" in page and "赵芳" not in page and "马丽" not in page
    assert client.get(f"/people/{world.zhao.pk}/").status_code == 404
    assert client.get(f"/people/{world.ma.pk}/").status_code == 404
    page = _text(client.get(f"/people/{world.li.pk}/"))
    assert "632802********1239" in page
    assert "查看完整号码" not in page


# The reveal ----------------------------------------------------------------------------------


def test_the_headquarters_reveals_with_a_reason_and_it_is_logged(reg, world, client_for):
    client = client_for(reg.hq)
    url = f"/people/{world.li.pk}/reveal/"
    response = client.post(url, {"reason": "办理机票报销需核对"}, HTTP_HX_REQUEST="true")
    page = _text(response)
    assert response.status_code == 200
    assert LI_ID in page and PHONE in page and "1985-06-15" in page
    assert "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get()
    assert (log.user, log.person, log.reason) == (reg.hq, world.li, "办理机票报销需核对")
    log_page = _text(client.get("/people/access-log/"))
    assert "办理机票报销需核对" in log_page and LI_ID not in log_page
    # The next visit is masked again.
    assert LI_ID not in _text(client.get(f"/people/{world.li.pk}/"))


def test_a_reveal_without_a_reason_shows_nothing_and_logs_nothing(reg, world, client_for):
    response = client_for(reg.hq).post(f"/people/{world.li.pk}/reveal/", {"reason": ""})
    assert LI_ID not in _text(response) and PHONE not in _text(response)
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("who", ["dulan_team", "liaison", "doctor", "viewer"])
def test_only_the_headquarters_may_reveal(reg, world, client_for, who):
    response = client_for(getattr(reg, who)).post(
        f"/people/{world.li.pk}/reveal/", {"reason": "想核对一下号码"}
    )
    assert response.status_code == 403
    assert LI_ID not in _text(response)
    assert not AccessLog.objects.exists()


def test_the_access_log_is_for_the_headquarters_only(reg, client_for):
    assert client_for(reg.dulan_team).get("/people/access-log/").status_code == 403
    assert client_for(reg.viewer).get("/people/access-log/").status_code == 403


# Search by ID number ------------------------------------------------------------------------


def test_a_full_id_number_finds_the_person_by_post(reg, world, client_for):
    client = client_for(reg.hq)
    response = client.post("/people/find/", {"id_number": "632802 1985 0615 1239"})
    assert response.status_code == 302 and response["Location"] == f"/people/{world.li.pk}/"
    response = client.post("/people/find/", {"id_number": "632821197611034581"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/people/{world.zhao.pk}/"


def test_an_id_number_outside_the_scope_is_not_found(reg, world, client_for):
    response = client_for(reg.dulan_team).post("/people/find/", {"id_number": ZHAO_ID}, follow=True)
    page = _text(response)
    assert "没有找到该身份证号" in page and ZHAO_ID not in page


def test_an_id_number_typed_into_the_text_search_is_refused_at_a_clean_url(
    reg, world, client_for, caplog
):
    """GET never looks a number up (it would sit in the URL and the access log): refused with
    a pointer to the POST lookup, at the same page without it, for every role."""
    caplog.set_level(logging.DEBUG)
    for who in (reg.hq, reg.wulan_team, reg.viewer):
        client = client_for(who)
        for q in (LI_ID, "632802 1985 0615 1239", PHONE):
            response = client.get("/people/", {"q": q, "kind": "援青干部"})
            assert response.status_code == 302
            assert response["Location"] == "/people/?kind=%E6%8F%B4%E9%9D%92%E5%B9%B2%E9%83%A8"
            page = _text(client.get(response["Location"]))
            assert "按身份证号精确查找" in page and q not in page
    assert all(n not in caplog.text for n in (LI_ID, PHONE, "1985 0615"))


# Forms refuse with clear messages and save nothing ------------------------------------------


def _person_form(reg, **extra):
    data = {"name": "王五", "id_number": "632802198506151238", "gender": "", "phone": "",
            "employer": reg.jiaxing_hospital.pk, "specialty": "", "note": ""}  # fmt: skip
    data.update(extra)
    return data


def test_the_person_form_refuses_a_wrong_check_digit_without_echoing_it(reg, client_for):
    client = client_for(reg.hq)
    before = Person.objects.count()
    response = client.post("/people/new/", _person_form(reg))
    page = _text(response)
    assert response.status_code == 200
    assert "校验码不符" in page
    assert "632802198506151238" not in page
    assert Person.objects.count() == before


def test_a_wrong_id_number_is_reported_together_with_the_other_errors(reg, client_for):
    response = client_for(reg.hq).post("/people/new/", _person_form(reg, employer=""))
    page = _text(response)
    assert "校验码不符" in page and "这个字段是必填项" in page
    assert "632802198506151238" not in page
    assert not Person.objects.filter(name="王五").exists()


def test_the_person_form_refuses_an_impossible_birth_date(reg, client_for):
    response = client_for(reg.hq).post(
        "/people/new/", _person_form(reg, id_number="632801199002294517", phone=PHONE)
    )
    page = _text(response)
    assert "出生日期 19900229 不存在" in page
    assert "632801199002294517" not in page and PHONE not in page
    assert not Person.objects.exists()


def test_the_person_form_registers_and_goes_on_to_the_posting(reg, client_for):
    response = client_for(reg.dulan_team).post(
        "/people/new/", _person_form(reg, id_number=LI_ID, phone=PHONE, gender="男")
    )
    created = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/people/postings/new/?person={created.pk}"
    assert created.clear_id_number() == LI_ID and created.created_by == reg.dulan_team
    # The county team can open the person it registered, before any posting.
    assert client_for(reg.dulan_team).get(f"/people/{created.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["liaison", "doctor", "viewer"])
def test_who_may_not_register_people(reg, client_for, who):
    client = client_for(getattr(reg, who))
    assert client.get("/people/new/").status_code == 403
    assert client.post("/people/new/", _person_form(reg, id_number=LI_ID)).status_code == 403
    assert not Person.objects.exists()


def test_editing_keeps_the_id_number_when_left_blank(reg, world, client_for):
    client = client_for(reg.hq)
    data = _person_form(reg, name="李明", id_number="", phone="", gender="男")
    response = client.post(f"/people/{world.li.pk}/edit/", data)
    assert response.status_code == 302
    li = Person.objects.get(pk=world.li.pk)
    assert li.clear_id_number() == LI_ID and li.clear_phone() == PHONE
    history = _text(client.get(f"/people/{world.li.pk}/"))
    assert LI_ID not in history


def _posting_form(reg, who, **extra):
    data = {
        "person": who.pk,
        "kind": "专业技术人才",
        "field": "医疗",
        "sending_org": reg.jiaxing_hospital.pk,
        "host_org": reg.dulan_hospital.pk,
        "host_department": "",
        "role": "",
        "start_date": "2020-03-01",
        "end_date": "2020-12-31",
        "note": "",
        "batch": "",
        "pairing_city": "",
    }
    data.update(extra)
    return data


def test_the_posting_form_refuses_overlap_duplicate_and_short_short_term(reg, world, client_for):
    client = client_for(reg.hq)
    count = Posting.objects.count()
    start = world.li_posting.start_date.isoformat()
    response = client.post("/people/postings/new/", _posting_form(reg, world.li, start_date=start))
    assert "重复登记" in _text(response)
    later = (world.li_posting.start_date + dt.timedelta(days=30)).isoformat()
    response = client.post(
        "/people/postings/new/", _posting_form(reg, world.li, start_date=later, end_date="")
    )
    assert "派驻期间重叠" in _text(response)
    response = client.post(
        "/people/postings/new/",
        _posting_form(
            reg, world.li, kind="短期支援", start_date="2020-03-01", end_date="2020-05-01"
        ),
    )
    assert "短期支援至少 3 个月" in _text(response)
    assert Posting.objects.count() == count
    response = client.post(
        "/people/postings/new/",
        _posting_form(
            reg, world.li, kind="短期支援", start_date="2020-03-01", end_date="2020-06-01"
        ),
    )
    assert response.status_code == 302
    assert Posting.objects.count() == count + 1


def test_a_county_team_cannot_post_into_another_county(reg, world, client_for):
    response = client_for(reg.dulan_team).post(
        "/people/postings/new/", _posting_form(reg, world.li, host_org=reg.wulan_hospital.pk)
    )
    assert response.status_code == 200
    assert not Posting.objects.filter(host_org=reg.wulan_hospital, person=world.li).exists()


# Exports -------------------------------------------------------------------------------------


def test_the_export_is_masked_and_follows_the_template(reg, world, client_for):
    rows = _xlsx_values(client_for(reg.hq).get("/people/export.xlsx?county=632822").content)
    header, data = rows[0], rows[1]
    assert header[:4] == ["姓名", "身份证号", "性别", "人员类别"]
    assert data[0] == "李明" and data[1] == "632802********1239" and data[13] == "138****5678"
    assert all(r[0] != "赵芳" for r in rows[1:] if r and r[0])


def test_the_headquarters_exports_unmasked_with_a_reason_and_it_is_logged(reg, world, client_for):
    client = client_for(reg.hq)
    response = client.post(
        "/people/export.xlsx", {"reason": "报送花名册", "query": "county=632822"}
    )
    rows = _xlsx_values(response.content)
    assert rows[1][1] == LI_ID and rows[1][13] == PHONE
    assert all(r[0] != "赵芳" for r in rows[1:] if r and r[0])
    log = AccessLog.objects.get()
    assert log.action == "导出" and log.reason == "报送花名册" and "1 条" in log.detail


def test_an_unmasked_export_needs_a_reason(reg, world, client_for):
    response = client_for(reg.hq).post("/people/export.xlsx", {"reason": "", "query": ""})
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("who", ["dulan_team", "viewer", "doctor"])
def test_only_the_headquarters_exports_unmasked(reg, world, client_for, who):
    response = client_for(getattr(reg, who)).post(
        "/people/export.xlsx", {"reason": "报送花名册", "query": ""}
    )
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


# Coverage, batches, achievements, self-service -----------------------------------------------


def test_the_coverage_page_flags_a_department_left_without_successor(reg, world, client_for):
    page = _text(client_for(reg.hq).get(f"/people/coverage/?org={reg.dulan_hospital.pk}"))
    assert "空缺预警" in page and "神经内科" in page and "尚无接任人选" in page
    assert 'id="coverage-data"' in page
    services.posting_create(
        actor=None,
        person=world.ma,
        kind="专业技术人才",
        field="医疗",
        sending_org=reg.jiaxing_hospital,
        host_org=reg.dulan_hospital,
        host_department=reg.dulan_neuro,
        start_date=world.li_posting.end_date + dt.timedelta(days=10),
    )
    page = _text(client_for(reg.hq).get(f"/people/coverage/?org={reg.dulan_hospital.pk}"))
    assert "尚无接任人选" not in page and "接任：马丽" in page


def test_the_coverage_page_answers_404_outside_the_scope(reg, world, client_for):
    client = client_for(reg.dulan_team)
    assert client.get(f"/people/coverage/?org={reg.wulan_hospital.pk}").status_code == 404
    assert client.get("/people/coverage/?org=abc").status_code == 404
    assert client.get("/people/coverage/").status_code == 200


def test_the_headquarters_verifies_an_achievement(reg, world, client_for):
    url = f"/people/achievements/{world.achievement.pk}/verify/"
    assert client_for(reg.liaison).post(url).status_code == 403
    response = client_for(reg.hq).post(url, HTTP_HX_REQUEST="true")
    assert "已审核" in _text(response)
    world.achievement.refresh_from_db()
    assert world.achievement.verified_by == reg.hq


def test_aid_staff_record_achievements_and_availability_on_their_own_page(reg, world, client_for):
    client = client_for(reg.doctor)
    page = _text(client.get("/me/"))
    assert "我的派驻" in page and "都兰县医院·神经内科" in page
    today = timezone.localdate()
    response = client.post(
        "/me/availability/",
        {"start_date": (today + dt.timedelta(days=30)).isoformat(),
         "end_date": (today + dt.timedelta(days=43)).isoformat(), "note": "可赴乌兰坐诊"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        "/me/availability/",
        {"start_date": (today + dt.timedelta(days=40)).isoformat(),
         "end_date": (today + dt.timedelta(days=50)).isoformat(), "note": ""},
    )  # fmt: skip
    assert response.status_code == 400 and "重叠" in _text(response)
    assert AvailabilityWindow.objects.filter(person=world.li).count() == 2
    response = client.post(
        "/me/achievements/",
        {"posting": world.li_posting.pk, "kind": "讲座", "count": 2, "title": "卒中识别讲座",
         "description": "", "date": today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assert world.li.achievements.filter(title="卒中识别讲座", recorded_by=reg.doctor).exists()
    # Another person's window cannot be deleted by the doctor.
    other = services.availability_create(
        actor=None, person=world.zhao, start_date=today, end_date=today
    )
    assert client.post(f"/me/availability/{other.pk}/delete/").status_code == 404


def test_a_user_without_a_person_gets_a_plain_me_page(reg, client_for):
    page = _text(client_for(reg.dulan_team).get("/me/"))
    assert "尚未关联人员档案" in page


def test_the_batch_page_lists_who_rotates_out_when(reg, world, client_for):
    services.posting_update(actor=None, posting=world.li_posting, batch=world.batch)
    page = _text(client_for(reg.hq).get(f"/people/batches/{world.batch.pk}/"))
    assert "第六批" in page and "李明" in page and "20 天后" in page
    page = _text(client_for(reg.wulan_team).get(f"/people/batches/{world.batch.pk}/"))
    assert "李明" not in page


def test_the_list_page_has_a_query_budget(reg, world, client_for, django_assert_max_num_queries):
    client = client_for(reg.hq)
    with django_assert_max_num_queries(12):
        client.get("/people/")


def test_a_photo_is_served_in_scope_and_never_to_the_viewer(
    reg, world, client_for, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 180, 160)).save(buffer, "PNG")
    photo = SimpleUploadedFile("李明-632802198506151239.png", buffer.getvalue(), "image/png")
    services.person_update(actor=reg.hq, person=world.li, photo=photo)
    li = Person.objects.get(pk=world.li.pk)
    assert LI_ID not in li.photo.name and "李明" not in li.photo.name
    url = f"/people/{li.pk}/photo/"
    assert client_for(reg.hq).get(url).status_code == 200
    assert client_for(reg.doctor).get(url).status_code == 200
    assert client_for(reg.viewer).get(url).status_code == 404
    assert client_for(reg.wulan_team).get(url).status_code == 404
    assert url not in _text(client_for(reg.viewer).get(f"/people/{li.pk}/"))


def test_an_id_number_in_export_filters_is_not_written_to_the_log(reg, world, client_for):
    client_for(reg.hq).post("/people/export.xlsx", {"reason": "报送花名册", "query": f"q={LI_ID}"})
    log = AccessLog.objects.get()
    assert LI_ID not in log.detail and "（身份证号）" in log.detail


def test_the_department_options_follow_the_host(reg, client_for):
    page = _text(
        client_for(reg.dulan_team).get(
            "/people/postings/departments/", {"host_org": reg.dulan_hospital.pk}
        )
    )
    assert "神经内科" in page and "心血管内科" not in page


def test_the_viewer_cannot_link_an_id_number_to_a_name_through_the_export(reg, world, client_for):
    # An ID number in the export's URL is refused for everybody (it would be in the log)...
    for who in (reg.viewer, reg.hq):
        response = client_for(who).get("/people/export.xlsx", {"q": LI_ID})
        assert response.status_code == 302 and response["Location"] == "/people/export.xlsx"
    # ...the headquarters filters by it in the POSTed unmasked export; the viewer may not.
    data = {"reason": "报送花名册", "query": f"q={LI_ID}"}
    assert client_for(reg.viewer).post("/people/export.xlsx", data).status_code == 403
    content = client_for(reg.hq).post("/people/export.xlsx", data).content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["李明"]
