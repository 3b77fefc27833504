"""Investment services: bad input refused with messages naming the field, nothing saved;
deals moved through the pipeline with a dated timeline; scopes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.investment import scopes, services
from duikou.investment.models import Deal, DealStageChange, Enterprise, Policy
from tests.investment_kit import Kit, code

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(reg):
    return Kit(reg)


def messages(exc: ValidationError) -> dict[str, str]:
    return {k: " ".join(v) for k, v in exc.message_dict.items()}


def test_a_credit_code_with_a_wrong_check_character_is_refused(reg):
    good = code(77)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_organisation(actor=None, name="某公司", credit_code=bad)
    assert "统一社会信用代码" in messages(exc.value)["credit_code"]
    assert "校验码" in messages(exc.value)["credit_code"]


def test_a_division_outside_its_section_is_refused_naming_both(kit):
    org = services.enterprise_organisation(actor=None, name="某某能源公司", credit_code=code(9))
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(
            actor=None, organisation=org, industry_section="D", industry_division="38"
        )
    text = messages(exc.value)["industry_division"]
    assert "行业大类 38" in text and "门类 D" in text
    assert not Enterprise.objects.filter(organisation=org).exists()


def test_a_text_or_negative_amount_is_refused_naming_the_field(kit):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(actor=None, enterprise=kit.small, intended_investment="很多")
    assert "意向投资额" in messages(exc.value)["intended_investment"]
    with pytest.raises(ValidationError) as exc:
        services.deal_create(
            actor=None,
            name="x",
            enterprise=kit.small,
            county=kit.reg.dulan,
            on=D(2024, 1, 1),
            signed_amount="-5",
        )
    assert "签约金额不能为负数" in messages(exc.value)["signed_amount"]
    assert not Deal.objects.exists()


def test_a_policy_ending_before_it_starts_and_an_unknown_incentive_are_refused(reg):
    with pytest.raises(ValidationError) as exc:
        services.policy_create(
            actor=None,
            title="倒挂政策",
            issuer="某局",
            valid_from=D(2025, 1, 1),
            valid_to=D(2024, 1, 1),
            incentives="电价",
        )
    assert "失效日期" in messages(exc.value)["valid_to"]
    with pytest.raises(ValidationError) as exc:
        services.policy_create(
            actor=None,
            title="怪政策",
            issuer="某局",
            valid_from=D(2025, 1, 1),
            incentives="电价、免费午餐",
        )
    assert "免费午餐" in messages(exc.value)["incentives"]
    assert not Policy.objects.exists()


def test_the_phone_is_stored_encrypted_and_shown_masked(kit):
    e = Enterprise.objects.get(pk=kit.solar.pk)
    assert "13857160001" not in e.phone_cipher
    assert e.phone_masked == "138****0001"
    services.enterprise_update(actor=None, enterprise=e, phone=None, contact_name="王二")
    assert Enterprise.objects.get(pk=e.pk).clear_phone() == "13857160001"


def test_a_deal_moves_forward_with_dates_and_back_only_with_a_reason(kit):
    hq = kit.reg.hq
    deal = services.deal_create(
        actor=hq, name="光伏组件项目", enterprise=kit.solar, county=kit.reg.dulan, on=D(2024, 3, 1)
    )
    assert deal.industry_division == "38"
    with pytest.raises(ValidationError) as exc:
        services.deal_move(actor=hq, deal=deal, stage="签约", on=D(2024, 5, 28))
    assert "签约金额" in messages(exc.value)["signed_amount"]
    deal = services.deal_move(
        actor=hq, deal=deal, stage="签约", on=D(2024, 5, 28), signed_amount=Decimal("80000000")
    )
    assert deal.signed_on == D(2024, 5, 28)
    services.deal_move(actor=hq, deal=deal, stage="开工", on=D(2024, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.deal_move(actor=hq, deal=deal, stage="洽谈", on=D(2024, 10, 1))
    assert "原因" in messages(exc.value)["reason"]
    services.deal_move(actor=hq, deal=deal, stage="签约", on=D(2024, 10, 1), reason="停工整改")
    changes = list(DealStageChange.objects.filter(deal=deal).values_list("to_stage", "date"))
    assert changes == [
        ("线索", D(2024, 3, 1)),
        ("签约", D(2024, 5, 28)),
        ("开工", D(2024, 9, 1)),
        ("签约", D(2024, 10, 1)),
    ]
    assert Deal.objects.get(pk=deal.pk).history.first().history_change_reason == "停工整改"
    with pytest.raises(ValidationError):
        services.deal_move(actor=hq, deal=deal, stage="终止", on=D(2024, 11, 1))


def test_county_teams_write_and_read_deals_in_their_counties_only(kit):
    reg = kit.reg
    deal = services.deal_create(
        actor=reg.dulan_team,
        name="都兰项目",
        enterprise=kit.small,
        county=reg.dulan,
        on=D(2024, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.deal_create(
            actor=reg.dulan_team,
            name="乌兰项目",
            enterprise=kit.small,
            county=reg.wulan,
            on=D(2024, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.deal_move(actor=reg.wulan_team, deal=deal, stage="洽谈", on=D(2024, 2, 1))
    assert list(scopes.deals_for_user(reg.dulan_team)) == [deal]
    assert list(scopes.deals_for_user(reg.wulan_team)) == []
    assert list(scopes.deals_for_user(reg.viewer)) == [deal]
    assert not scopes.sees_phone(reg.viewer) and scopes.sees_phone(reg.hq)
    with pytest.raises(PermissionDenied):
        services.policy_create(
            actor=reg.dulan_team, title="x", issuer="y", valid_from=D(2024, 1, 1), incentives="电价"
        )
