"""Registry services: validation with clear Chinese messages, nothing half-written, history kept."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.core import services
from duikou.core.models import Department, Organisation, Pairing

pytestmark = pytest.mark.django_db


def messages_of(exc: ValidationError) -> str:
    return " ".join(str(m) for msgs in exc.message_dict.values() for m in msgs)


def test_it_refuses_an_invalid_credit_code_and_saves_nothing(reg):
    with pytest.raises(ValidationError) as err:
        services.organisation_create(
            actor=reg.hq,
            name="某某公司",
            kind="企业",
            side="受援方",
            division=reg.dulan,
            credit_code="91632801MA7XQ2K04K",
        )
    assert "credit_code" in err.value.message_dict
    assert "校验码不符" in messages_of(err.value)
    assert "应为 J" in messages_of(err.value)
    assert not Organisation.objects.filter(name="某某公司").exists()


def test_it_refuses_a_malformed_credit_code_even_with_override(reg):
    with pytest.raises(ValidationError) as err:
        services.organisation_create(
            actor=reg.hq,
            name="某某公司",
            kind="企业",
            side="受援方",
            division=reg.dulan,
            credit_code="91632801MA7XQ2KO4J",
            credit_code_override=True,
            credit_code_override_reason="登记机关核发",
        )
    assert "不允许的字符 O" in messages_of(err.value)


def test_an_override_needs_a_reason(reg):
    with pytest.raises(ValidationError) as err:
        services.organisation_create(
            actor=reg.hq,
            name="厦门某公司",
            kind="企业",
            side="支援方",
            division=reg.hangzhou,
            credit_code="91350211M0000XUF46",
            credit_code_override=True,
        )
    assert "credit_code_override_reason" in err.value.message_dict


def test_an_override_keeps_a_known_odd_code_and_history_records_it(reg):
    org = services.organisation_create(
        actor=reg.hq,
        name="厦门某公司",
        kind="企业",
        side="支援方",
        division=reg.hangzhou,
        credit_code="91350211M0000XUF46",
        credit_code_override=True,
        credit_code_override_reason="营业执照原件核对无误",
    )
    record = org.history.latest()
    assert record.history_user == reg.hq
    assert "营业执照原件核对无误" in record.history_change_reason
    assert record.credit_code_override is True


def test_a_valid_code_clears_a_stale_override(reg):
    org = services.organisation_create(
        actor=reg.hq,
        name="杭州某公司",
        kind="企业",
        side="支援方",
        division=reg.hangzhou,
        credit_code="91330100MA2H3K4L4W",
        credit_code_override=True,
        credit_code_override_reason="x",
    )
    assert org.credit_code_override is False


def test_it_refuses_a_duplicate_credit_code(reg):
    with pytest.raises(ValidationError) as err:
        services.organisation_create(
            actor=reg.hq,
            name="另一家医院",
            kind="医院",
            side="受援方",
            division=reg.dulan,
            credit_code="12632802438800125D",
        )
    assert "已被其他单位使用" in messages_of(err.value)


def test_it_refuses_a_zhejiang_organisation_placed_in_haixi(reg):
    with pytest.raises(ValidationError) as err:
        services.organisation_create(
            actor=reg.hq,
            name="错位单位",
            kind="企业",
            side="支援方",
            division=reg.dulan,
        )
    assert "浙江省内" in messages_of(err.value)


def test_an_update_is_kept_in_history_with_old_and_new_values(reg):
    services.organisation_update(
        actor=reg.dulan_team, organisation=reg.dulan_hospital, short_name="都兰医院"
    )
    latest, previous = reg.dulan_hospital.history.all()[:2]
    assert latest.history_user == reg.dulan_team
    change = latest.diff_against(previous).changes[0]
    assert (change.field, change.old, change.new) == ("short_name", "都兰县医院", "都兰医院")


def test_an_update_without_changes_writes_no_history(reg):
    before = reg.dulan_hospital.history.count()
    services.organisation_update(
        actor=reg.hq, organisation=reg.dulan_hospital, short_name="都兰县医院"
    )
    assert reg.dulan_hospital.history.count() == before


def test_a_pairing_that_ends_before_it_starts_is_refused(reg):
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.hq,
            kind="医院-科室",
            zhejiang_org=reg.zju_hospital,
            haixi_org=reg.dulan_hospital,
            haixi_department=reg.dulan_neuro,
            start_date=dt.date(2024, 5, 1),
            end_date=dt.date(2024, 4, 30),
        )
    assert "结束日期（2024-04-30）不能早于开始日期（2024-05-01）" in messages_of(err.value)
    assert Pairing.objects.count() == 3


def test_a_duplicate_pairing_is_refused(reg):
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.hq,
            kind="医院-科室",
            zhejiang_org=reg.jiaxing_hospital,
            haixi_org=reg.dulan_hospital,
            haixi_department=reg.dulan_neuro,
            start_date=dt.date(2024, 1, 1),
        )
    assert "相同的结对已经存在" in messages_of(err.value)
    assert Pairing.objects.count() == 3


def test_a_duplicate_pairing_without_department_is_refused(reg):
    school_zj = services.organisation_create(
        actor=None, name="嘉兴某中专", kind="学校", side="支援方", division=reg.jiaxing
    )
    school_hx = services.organisation_create(
        actor=None, name="都兰县职业技术学校", kind="学校", side="受援方", division=reg.dulan
    )
    kwargs = dict(
        kind="学校-学校",
        zhejiang_org=school_zj,
        haixi_org=school_hx,
        start_date=dt.date(2023, 1, 1),
    )
    services.pairing_create(actor=reg.hq, **kwargs)
    with pytest.raises(ValidationError) as err:
        services.pairing_create(actor=reg.hq, **kwargs)
    assert "相同的结对已经存在" in messages_of(err.value)


def test_a_hospital_department_pairing_needs_a_department_of_that_hospital(reg):
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.hq,
            kind="医院-科室",
            zhejiang_org=reg.zju_hospital,
            haixi_org=reg.dulan_hospital,
            start_date=dt.date(2024, 1, 1),
        )
    assert "必须选择受援科室" in messages_of(err.value)
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.hq,
            kind="医院-科室",
            zhejiang_org=reg.zju_hospital,
            haixi_org=reg.dulan_hospital,
            haixi_department=reg.wulan_cardio,
            start_date=dt.date(2024, 1, 1),
        )
    assert "不属于“都兰县人民医院”" in messages_of(err.value)


def test_a_pairing_checks_sides_and_kinds(reg):
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.hq,
            kind="医院-科室",
            zhejiang_org=reg.dulan_hospital,
            haixi_org=reg.jiaxing_hospital,
            start_date=dt.date(2024, 1, 1),
        )
    text = messages_of(err.value)
    assert "不能作为支援方" in text and "不能作为受援方" in text
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.hq,
            kind="学校-学校",
            zhejiang_org=reg.zju_hospital,
            haixi_org=reg.dulan_hospital,
            start_date=dt.date(2024, 1, 1),
        )
    assert "学校-学校结对的支援方应为学校" in messages_of(err.value)


def test_a_county_team_cannot_pair_another_countys_organisation(reg):
    with pytest.raises(ValidationError) as err:
        services.pairing_create(
            actor=reg.dulan_team,
            kind="医院-科室",
            zhejiang_org=reg.zju_hospital,
            haixi_org=reg.wulan_hospital,
            haixi_department=reg.wulan_cardio,
            start_date=dt.date(2024, 1, 1),
        )
    assert "超出您的数据范围" in messages_of(err.value)


def test_read_only_roles_cannot_write(reg):
    for user in (reg.viewer, reg.doctor):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                actor=user, organisation=reg.dulan_hospital, short_name="x"
            )
        with pytest.raises(PermissionDenied):
            services.pairing_update(actor=user, pairing=reg.dulan_pairing, agreement_title="x")


def test_a_liaison_edits_only_its_own_organisation(reg):
    services.organisation_update(
        actor=reg.liaison, organisation=reg.dulan_hospital, address="察汗乌苏镇"
    )
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=reg.liaison, organisation=reg.wulan_hospital, address="x"
        )


def test_a_department_name_is_unique_per_organisation(reg):
    with pytest.raises(ValidationError) as err:
        services.department_create(actor=reg.hq, organisation=reg.dulan_hospital, name="神经内科")
    assert "同名科室" in messages_of(err.value)
    assert Department.objects.filter(organisation=reg.dulan_hospital).count() == 1


def test_ending_a_pairing_keeps_it_with_history(reg):
    services.pairing_end(actor=reg.hq, pairing=reg.dulan_pairing, end_date=dt.date(2025, 12, 31))
    reg.dulan_pairing.refresh_from_db()
    assert reg.dulan_pairing.end_date == dt.date(2025, 12, 31)
    assert reg.dulan_pairing.history.count() == 2
