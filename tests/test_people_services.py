"""People services: personal data encrypted at rest and never in clear anywhere, the ID number
checks, the posting rules, trainings, achievements, availability, the reveal and its log."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duikou.core import crypto
from duikou.people import services
from duikou.people.history import history_entries
from duikou.people.models import (
    AccessLog,
    Achievement,
    AvailabilityWindow,
    Batch,
    Person,
    Posting,
    TrainingPlacement,
)
from tests.test_people_common import (
    LI_ID,
    MA_ID,
    PHONE,
    PHONE_2,
    SUN_ID,
    ZHAO_ID,
    field_key,  # noqa: F401
    person,
    posting,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# Personal data ------------------------------------------------------------------------------


def test_the_database_holds_ciphertext_and_a_keyed_hash_only(reg):
    p = person(reg)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_cipher, id_hash, phone_cipher, name FROM people_person WHERE id = %s",
            [p.pk],
        )
        id_cipher, id_hash, phone_cipher, name = cursor.fetchone()
    assert name == "李明"
    for column in (id_cipher, id_hash, phone_cipher):
        assert LI_ID not in column and PHONE not in column
        assert LI_ID[6:14] not in column  # not even the birth date
    assert crypto.decrypt(id_cipher) == LI_ID
    assert crypto.decrypt(phone_cipher) == PHONE
    assert id_hash == crypto.blind_index(LI_ID)


def test_sex_is_derived_from_the_id_number_when_not_given(reg):
    assert person(reg).gender == "男"
    assert person(reg, id_number=MA_ID, name="马丽", phone="").gender == "女"


def test_a_person_is_found_by_the_full_id_number_through_its_hash(reg):
    p = person(reg)
    assert services.person_find(LI_ID) == p
    assert services.person_find(" 632802 1985 0615 1239 ") == p
    assert Person.objects.with_id_number(LI_ID).get() == p
    assert services.person_find(ZHAO_ID) is None
    assert services.person_find("123") is None


def test_str_and_repr_never_include_the_numbers(reg):
    p = person(reg)
    for text in (str(p), repr(p)):
        assert LI_ID not in text and PHONE not in text and "632802" not in text


@pytest.mark.parametrize(
    ("id_number", "expected"),
    [
        ("632802198506151238", "校验码不符"),
        ("632801199002294517", "出生日期 19900229 不存在"),
        ("632802198513151237", "不存在"),
        ("632802209912310013", "晚于今天"),
        ("63280219850615123", "应为 18 位"),
        ("63280219850615123Y", "第 18 位应为数字或大写 X"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_clear_message_and_nothing_saved(
    reg, id_number, expected
):
    with pytest.raises(ValidationError) as exc:
        person(reg, id_number=id_number)
    errors = exc.value.message_dict
    assert expected in " ".join(errors["id_number"])
    assert "身份证号" in " ".join(errors["id_number"])
    assert id_number not in _messages(exc.value)
    assert not Person.objects.exists()
    assert not Person.history.exists()


def test_a_sex_contradicting_the_id_number_is_refused(reg):
    with pytest.raises(ValidationError) as exc:
        person(reg, gender="女")
    assert "性别与身份证号不符" in " ".join(exc.value.message_dict["gender"])
    assert not Person.objects.exists()


def test_a_birth_date_contradicting_the_id_number_is_refused(reg):
    with pytest.raises(ValidationError) as exc:
        person(reg, birth_date=dt.date(1985, 6, 16))
    assert "出生日期" in " ".join(exc.value.message_dict["birth_date"])
    assert "1985" not in _messages(exc.value)
    assert not Person.objects.exists()
    assert person(reg, birth_date=dt.date(1985, 6, 15)).pk


def test_the_same_id_number_cannot_be_registered_twice(reg):
    person(reg)
    with pytest.raises(ValidationError) as exc:
        person(reg, id_number="632802198506151239", name="另一人")
    assert "已登记" in " ".join(exc.value.message_dict["id_number"])
    assert Person.objects.count() == 1


def test_a_bad_phone_is_refused_without_echoing_it(reg):
    with pytest.raises(ValidationError) as exc:
        person(reg, phone="1381234567")
    assert "联系电话格式不正确" in " ".join(exc.value.message_dict["phone"])
    assert "1381234567" not in _messages(exc.value)


def test_history_stores_ciphertext_only_and_shows_changed(reg):
    p = person(reg)
    services.person_update(actor=reg.hq, person=p, phone=PHONE_2, specialty="神经内科")
    services.person_update(actor=reg.hq, person=p, id_number=SUN_ID)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_historicalperson")
        rows = cursor.fetchall()
    assert len(rows) == 3
    dump = repr(rows)
    for clear in (LI_ID, SUN_ID, PHONE, PHONE_2):
        assert clear not in dump
    entries = history_entries(Person.objects.get(pk=p.pk))
    changes = [c for e in entries for c in e["changes"]]
    secret = {c["field"] for c in changes if c.get("secret")}
    assert secret == {"身份证号", "联系电话"}
    assert all("old" not in c for c in changes if c.get("secret"))
    assert {"field": "专业", "old": "—", "new": "神经内科"} in changes
    assert entries[0]["who"] == reg.hq


def test_an_unchanged_update_writes_no_history(reg):
    p = person(reg)
    services.person_update(actor=None, person=p, phone=PHONE, id_number=LI_ID, name="李明")
    assert Person.history.filter(id=p.pk).count() == 1


def test_person_upsert_is_idempotent(reg):
    p, outcome = services.person_upsert(
        actor=None, id_number=LI_ID, name="李明", employer=reg.jiaxing_hospital, phone=PHONE
    )
    assert outcome == "created"
    again, outcome = services.person_upsert(
        actor=None, id_number=LI_ID, name="李明", employer=reg.jiaxing_hospital, phone=PHONE
    )
    assert (again, outcome) == (p, "unchanged")
    _, outcome = services.person_upsert(
        actor=None, id_number=LI_ID, name="李明", employer=reg.jiaxing_hospital, phone=PHONE_2
    )
    assert outcome == "updated"
    assert Person.objects.get(pk=p.pk).clear_phone() == PHONE_2


def test_nothing_clear_reaches_sql_or_log_lines(reg, caplog):
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        p = person(reg)
        services.person_update(actor=reg.hq, person=p, phone=PHONE_2)
        services.person_find(LI_ID)
        posting(reg, p)
        with pytest.raises(ValidationError):
            person(reg, id_number="632802198506151238")
        services.person_reveal(actor=reg.hq, person=p, reason="核对机票信息")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for clear in (LI_ID, PHONE, PHONE_2, "632802198506151238"):
        assert clear not in sql
        assert clear not in caplog.text


# The reveal -----------------------------------------------------------------------------------


def test_the_headquarters_reveals_with_a_reason_and_it_is_logged(reg):
    p = person(reg)
    shown = services.person_reveal(actor=reg.hq, person=p, reason="核对机票信息", ip="10.0.0.8")
    assert shown == {"id_number": LI_ID, "phone": PHONE, "birth_date": dt.date(1985, 6, 15)}
    log = AccessLog.objects.get()
    assert (log.user, log.person, log.reason, log.action, log.ip) == (
        reg.hq,
        p,
        "核对机票信息",
        "查看",
        "10.0.0.8",
    )


@pytest.mark.parametrize("who", ["dulan_team", "liaison", "doctor", "viewer"])
def test_only_the_headquarters_may_reveal(reg, who):
    p = person(reg)
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=getattr(reg, who), person=p, reason="想看看号码")
    assert not AccessLog.objects.exists()


def test_a_reveal_needs_a_reason(reg):
    p = person(reg)
    with pytest.raises(ValidationError) as exc:
        services.person_reveal(actor=reg.hq, person=p, reason=" 看 ")
    assert "理由" in _messages(exc.value)
    assert not AccessLog.objects.exists()


# Postings -------------------------------------------------------------------------------------


def test_a_posting_is_recorded_and_found_by_id_number_and_start(reg):
    p = person(reg)
    post = posting(reg, p, host_department=reg.dulan_neuro, role="挂职副院长")
    assert services.posting_find(id_number=LI_ID, start_date=dt.date(2023, 3, 1)) == post
    assert services.posting_find(id_number=LI_ID, start_date=dt.date(2023, 3, 2)) is None
    assert str(post) == "李明 · 都兰县医院·神经内科"


def test_a_duplicate_posting_is_refused(reg):
    p = person(reg)
    posting(reg, p)
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, end_date=None, host=reg.wulan_hospital)
    assert "重复登记" in _messages(exc.value)
    assert "2023-03-01" in _messages(exc.value)
    assert Posting.objects.count() == 1


def test_overlapping_postings_of_one_person_are_refused(reg):
    p = person(reg)
    posting(reg, p)
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, host=reg.wulan_hospital, start=dt.date(2024, 8, 31), end_date=None)
    assert "派驻期间重叠" in _messages(exc.value)
    assert "2023-03-01 — 2024-08-31" in _messages(exc.value)
    assert Posting.objects.count() == 1
    # The next day is fine, and so is another person on the same dates.
    posting(reg, p, host=reg.wulan_hospital, start=dt.date(2024, 9, 1), end_date=None)
    posting(reg, person(reg, id_number=ZHAO_ID, name="赵芳", phone=""))


def test_an_open_posting_overlaps_every_later_one(reg):
    p = person(reg)
    posting(reg, p, end_date=None)
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, start=dt.date(2030, 1, 1), end_date=dt.date(2030, 12, 31))
    assert "派驻期间重叠" in _messages(exc.value)


def test_a_short_term_posting_of_two_months_is_refused(reg):
    p = person(reg)
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, kind="短期支援", end_date=dt.date(2023, 5, 1))
    message = " ".join(exc.value.message_dict["end_date"])
    assert "短期支援至少 3 个月" in message and "2023-06-01" in message
    assert not Posting.objects.exists()


def test_a_short_term_posting_of_exactly_three_months_is_accepted(reg):
    p = person(reg)
    assert posting(reg, p, kind="短期支援", end_date=dt.date(2023, 6, 1)).pk


def test_a_short_term_posting_needs_an_end(reg):
    with pytest.raises(ValidationError) as exc:
        posting(reg, person(reg), kind="短期支援", end_date=None)
    assert "短期支援须填写结束日期" in _messages(exc.value)


def test_a_posting_cannot_end_before_it_starts(reg):
    with pytest.raises(ValidationError) as exc:
        posting(reg, person(reg), end_date=dt.date(2023, 2, 1))
    assert "不能早于开始日期" in _messages(exc.value)


def test_sides_and_departments_are_checked(reg):
    p = person(reg)
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, sending_org=reg.dulan_hospital, host=reg.jiaxing_hospital)
    assert set(exc.value.message_dict) >= {"sending_org", "host_org"}
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, host_department=reg.wulan_cardio)
    assert "不属于" in _messages(exc.value)
    with pytest.raises(ValidationError) as exc:
        posting(reg, p, pairing_city=reg.dulan)
    assert "结对城市" in _messages(exc.value)


def test_a_county_team_posts_only_into_its_counties(reg):
    p = person(reg)
    with pytest.raises(ValidationError) as exc:
        services.posting_create(
            actor=reg.dulan_team,
            person=p,
            kind="党政干部",
            field="经济",
            sending_org=reg.jiaxing_hospital,
            host_org=reg.wulan_hospital,
            start_date=dt.date(2023, 3, 1),
        )
    assert "数据范围" in _messages(exc.value)
    with pytest.raises(PermissionDenied):
        services.posting_create(actor=reg.liaison, person=p)


def test_posting_upsert_updates_under_the_natural_key(reg):
    p = person(reg)
    data = dict(kind="专业技术人才", field="医疗", sending_org=reg.jiaxing_hospital)
    data.update(host_org=reg.dulan_hospital, end_date=dt.date(2024, 8, 31))
    first, outcome = services.posting_upsert(
        actor=None, person=p, start_date=dt.date(2023, 3, 1), **data
    )
    assert outcome == "created"
    assert services.posting_upsert(
        actor=None, person=p, start_date=dt.date(2023, 3, 1), **data
    ) == (first, "unchanged")
    data["end_date"] = dt.date(2024, 9, 30)
    again, outcome = services.posting_upsert(
        actor=None, person=p, start_date=dt.date(2023, 3, 1), **data
    )
    assert (again.pk, outcome, again.end_date) == (first.pk, "updated", dt.date(2024, 9, 30))


def test_batches_resolve_from_the_sheet_forms(reg):
    batch = services.batch_create(actor=None, number=6, start_date=dt.date(2025, 7, 15))
    assert batch.name == "第六批"
    assert services.batch_resolve("第六批") == batch
    assert services.batch_resolve("6") == batch
    assert services.batch_resolve("") is None
    with pytest.raises(ValidationError) as exc:
        services.batch_resolve("第一批")
    assert "第六批" in _messages(exc.value)
    with pytest.raises(PermissionDenied):
        services.batch_create(actor=reg.dulan_team, number=7)
    assert Batch.objects.count() == 1


# Trainings, achievements, availability --------------------------------------------------------


def test_a_training_sends_haixi_staff_to_zhejiang(reg):
    trainee = person(reg, id_number=MA_ID, name="马丽", employer=reg.dulan_hospital, phone="")
    data = dict(
        person=trainee,
        home_org=reg.dulan_hospital,
        host_org=reg.zju_hospital,
        programme="骨干医师跟岗进修",
        start_date=dt.date(2023, 4, 10),
        end_date=dt.date(2023, 8, 9),
    )
    t = services.training_create(actor=reg.dulan_team, **data)
    assert t.pk
    with pytest.raises(ValidationError) as exc:
        services.training_create(actor=None, **{**data, "start_date": dt.date(2023, 5, 1)})
    assert "培训期间重叠" in _messages(exc.value)
    with pytest.raises(ValidationError):
        services.training_create(
            actor=reg.wulan_team, **{**data, "start_date": dt.date(2024, 1, 1)}
        )
    with pytest.raises(ValidationError) as exc:
        services.training_create(
            actor=None,
            **{**data, "home_org": reg.zju_hospital, "start_date": dt.date(2025, 1, 1)},
        )
    assert "home_org" in exc.value.message_dict
    assert TrainingPlacement.objects.count() == 1


def test_achievements_are_recorded_by_the_person_the_host_or_hq_and_verified_by_hq(reg):
    p = person(reg, user=reg.doctor)
    post = posting(reg, p, host=reg.dulan_hospital)
    own = services.achievement_create(
        actor=reg.doctor,
        posting=post,
        kind="新技术",
        count=1,
        title="首例静脉溶栓",
        date=dt.date(2023, 4, 12),
    )
    assert (own.person, own.host_org, own.recorded_by) == (p, reg.dulan_hospital, reg.doctor)
    services.achievement_create(
        actor=reg.liaison, posting=post, kind="讲座", count=3, title="卒中讲座",
        date=dt.date(2023, 5, 1),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.achievement_create(
            actor=reg.wulan_team, posting=post, kind="讲座", count=1, title="x",
            date=dt.date(2023, 5, 1),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.achievement_verify(actor=reg.liaison, achievement=own)
    verified = services.achievement_verify(actor=reg.hq, achievement=own)
    assert verified.verified_by == reg.hq and verified.verified_at is not None


def test_achievement_rules(reg):
    post = posting(reg, person(reg))
    base = dict(posting=post, kind="新技术", title="首例", date=dt.date(2023, 4, 1))
    with pytest.raises(ValidationError) as exc:
        services.achievement_create(actor=None, **{**base, "count": 2})
    assert "新技术每项记一条" in _messages(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.achievement_create(actor=None, **{**base, "count": 1, "date": dt.date(2025, 1, 1)})
    assert "派驻期间" in _messages(exc.value)
    assert not Achievement.objects.exists()


def test_availability_windows_of_one_person_never_overlap(reg):
    p = person(reg, user=reg.doctor)
    services.availability_create(
        actor=reg.doctor, person=p, start_date=dt.date(2027, 5, 3), end_date=dt.date(2027, 5, 16)
    )
    with pytest.raises(ValidationError) as exc:
        services.availability_create(
            actor=reg.doctor,
            person=p,
            start_date=dt.date(2027, 5, 16),
            end_date=dt.date(2027, 5, 20),
        )
    assert "重叠" in _messages(exc.value)
    with pytest.raises(PermissionDenied):
        services.availability_create(
            actor=reg.dulan_team,
            person=p,
            start_date=dt.date(2027, 6, 1),
            end_date=dt.date(2027, 6, 2),
        )
    assert AvailabilityWindow.objects.count() == 1


def test_rekey_moves_everything_to_a_new_key(reg, monkeypatch, field_key):  # noqa: F811
    from cryptography.fernet import Fernet

    p = person(reg)
    services.person_update(actor=None, person=p, phone=PHONE_2)
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_VAR, f"{new_key},{field_key}")
    crypto.reset_cache()
    assert services.people_rekey() == 1
    monkeypatch.setenv(crypto.ENV_VAR, new_key)
    crypto.reset_cache()
    p = Person.objects.get(pk=p.pk)
    assert p.clear_id_number() == LI_ID and p.clear_phone() == PHONE_2
    assert services.person_find(LI_ID) == p
    assert {crypto.decrypt(h.phone_cipher) for h in Person.history.all()} == {PHONE, PHONE_2}
