"""The consumption ledger's services and scopes: every write validated with a message naming the
field, in history with its actor; the shop liaison enters only its own channel's sales and
sees only them; county teams see the sales of their counties' suppliers; aid staff nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duikou.consumption import scopes, services
from duikou.consumption.models import Channel, Sale, SalesTarget
from duikou.reports import figures
from tests.consumption_kit import Kit

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def kit(reg) -> Kit:
    return Kit(reg)


def _messages(exc: ValidationError, field: str) -> str:
    return " ".join(str(m) for m in exc.value.message_dict[field])


def test_a_negative_amount_is_refused_naming_the_field(kit):
    with pytest.raises(ValidationError) as exc:
        services.sale_create(
            actor=None,
            channel=kit.shop,
            product=kit.lamb,
            date=D(2023, 7, 1),
            is_month=True,
            sold=Decimal("-1"),
        )
    assert "销售额不能为负数" in _messages(exc, "sold")
    with pytest.raises(ValidationError) as exc:
        services.sale_create(
            actor=None,
            channel=kit.shop,
            product=kit.lamb,
            date=D(2023, 7, 1),
            is_month=True,
            sold="12",
            ordered="abc",
        )
    assert "订单额“abc”不是有效的金额" in _messages(exc, "ordered")
    assert not Sale.objects.filter(date=D(2023, 7, 1)).exists()


def test_a_future_month_or_day_is_refused(kit):
    today = timezone.localdate()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationError) as exc:
        services.sale_create(
            actor=None, channel=kit.shop, product=kit.lamb, date=next_month, is_month=True, sold=1
        )
    assert "尚未到来" in _messages(exc, "date")
    with pytest.raises(ValidationError) as exc:
        services.sale_create(
            actor=None,
            channel=kit.shop,
            product=kit.lamb,
            date=today + dt.timedelta(days=1),
            sold=1,
        )
    assert "在今天之后" in _messages(exc, "date")
    # This month so far may be entered.
    services.sale_create(
        actor=None,
        channel=kit.shop,
        product=kit.lamb,
        date=today.replace(day=1),
        is_month=True,
        sold=1,
    )


def test_an_unknown_channel_kind_and_a_closing_before_opening_are_refused(kit):
    with pytest.raises(ValidationError) as exc:
        services.channel_create(actor=None, name="某超市", kind="超市")
    assert "渠道类型“超市”未知" in _messages(exc, "kind")
    with pytest.raises(ValidationError) as exc:
        services.channel_update(actor=None, channel=kit.shop, closed_on=D(2020, 1, 1))
    assert "关闭日期" in _messages(exc, "closed_on")
    with pytest.raises(ValidationError) as exc:
        services.channel_create(actor=None, name="某店", kind="门店", city=kit.reg.dulan)
    assert "浙江省的地级市" in _messages(exc, "city")


def test_recording_by_key_updates_the_row_and_history_names_the_actor(kit):
    sale, created = services.sale_record(
        actor=kit.shop_user,
        channel=kit.shop,
        product=kit.goji,
        date=D(2023, 6, 18),
        is_month=True,
        sold=Decimal("60000"),
        supplier=kit.goji_supplier,
    )
    assert not created and sale.pk == kit.shop_goji.pk and sale.date == D(2023, 6, 1)
    assert sale.sold == Decimal("60000.00")
    last = sale.history.order_by("-history_id").first()
    assert last.history_user == kit.shop_user and last.sold == Decimal("60000.00")
    # A day row of the same channel, product and month is another record.
    day, created = services.sale_record(
        actor=kit.shop_user,
        channel=kit.shop,
        product=kit.goji,
        date=D(2023, 6, 18),
        is_month=False,
        sold=Decimal("800"),
    )
    assert created and day.pk != sale.pk


def test_the_shop_liaison_enters_only_its_own_channel(kit):
    services.sale_create(
        actor=kit.shop_user,
        channel=kit.shop,
        product=kit.lamb,
        date=D(2023, 8, 1),
        is_month=True,
        sold=10,
    )
    with pytest.raises(PermissionDenied):
        services.sale_create(
            actor=kit.shop_user,
            channel=kit.other_shop,
            product=kit.lamb,
            date=D(2023, 8, 1),
            is_month=True,
            sold=10,
        )
    with pytest.raises(PermissionDenied):
        services.sale_update(actor=kit.shop_user, sale=kit.other_lamb, sold=1)
    with pytest.raises(PermissionDenied):
        services.channel_update(actor=kit.shop_user, channel=kit.shop, note="x")


def test_county_teams_record_only_for_their_counties_suppliers(kit):
    reg = kit.reg
    services.sale_create(
        actor=reg.dulan_team,
        channel=kit.other_shop,
        product=kit.goji,
        supplier=kit.goji_supplier,
        date=D(2023, 9, 1),
        is_month=True,
        sold=5,
    )
    with pytest.raises(PermissionDenied):
        services.sale_create(
            actor=reg.dulan_team,
            channel=kit.other_shop,
            product=kit.lamb,
            supplier=kit.lamb_supplier,
            date=D(2023, 9, 1),
            is_month=True,
            sold=5,
        )
    for outsider in (reg.doctor, reg.viewer, reg.liaison):
        with pytest.raises(PermissionDenied):
            services.sale_create(
                actor=outsider,
                channel=kit.shop,
                product=kit.lamb,
                date=D(2023, 9, 1),
                is_month=True,
                sold=5,
            )


def test_only_headquarters_sets_the_target_and_its_changes_are_history(kit):
    reg = kit.reg
    for outsider in (reg.dulan_team, kit.shop_user, reg.viewer):
        with pytest.raises(PermissionDenied):
            services.target_set(actor=outsider, year=2023, amount=1)
    services.target_set(actor=reg.hq, year=2023, amount=Decimal("300000000"))
    target = services.target_set(actor=reg.hq, year=2023, amount=Decimal("320000000.55"))
    assert SalesTarget.objects.get(year=2023).amount == Decimal("320000000.55")
    assert target.history.count() == 2
    with pytest.raises(ValidationError) as exc:
        services.target_set(actor=reg.hq, year=2024, amount="-5")
    assert "目标销售额不能为负数" in _messages(exc, "amount")


def test_scopes_the_liaison_sees_its_channel_the_county_its_suppliers_aid_staff_nothing(kit):
    reg = kit.reg
    assert set(scopes.channels_for_user(kit.shop_user)) == {kit.shop}
    assert set(scopes.sales_for_user(kit.shop_user)) == {kit.shop_goji}
    assert set(scopes.sales_for_user(reg.dulan_team)) == {kit.shop_goji, kit.expo_goji}
    assert set(scopes.channels_for_user(reg.dulan_team)) == {kit.shop, kit.expo}
    assert set(scopes.sales_for_user(reg.wulan_team)) == {kit.other_lamb}
    assert set(scopes.suppliers_for_user(reg.wulan_team)) == {kit.lamb_supplier}
    assert scopes.sales_for_user(reg.viewer).count() == 3
    for nobody in (reg.doctor,):
        assert not scopes.sales_for_user(nobody).exists()
        assert not scopes.channels_for_user(nobody).exists()
        assert not scopes.products_for_user(nobody).exists()
    # The hospital's liaison operates no channel: no sale, no channel.
    assert not scopes.sales_for_user(reg.liaison).exists()
    assert not scopes.channels_for_user(reg.liaison).exists()


def test_figures_sum_the_rows_of_the_year_and_count_outlets_open_at_its_end(kit):
    services.channel_update(actor=None, channel=kit.other_shop, closed_on=D(2023, 12, 31))
    services.channel_create(actor=None, name="新店", kind="门店", opened_on=D(2024, 2, 1))
    data = figures.sales(2023)
    assert data["sold"] == "1143000.50"
    assert data["ordered"] == "6000000.00"
    assert data["by_channel_kind"] == {"门店": "83000.50", "展会": "1060000.00"}
    assert data["by_month"]["门店"][5] == "83000.50"
    assert data["by_city"] == {"杭州市": "1112000.50", "嘉兴市": "31000.00"}
    assert data["top_channels"][0]["name"] == "浙江农博会"
    # Closed on 31 December: not open at the year's end; the new shop opened in 2024.
    assert figures.outlets(2023) == {"门店": 1, "电商": 1, "展会": 1}
    assert figures.outlets(2024) == {"门店": 2, "电商": 1, "展会": 1}
    # Over a user's scope.
    assert figures.sales(2023, kit.shop_user)["sold"] == "52000.50"
    assert figures.outlets(2023, kit.shop_user) == {"门店": 1}
    assert figures.sales(2023, kit.reg.doctor)["sold"] == "0.00"
    assert "sales" in figures.compute(2023) and "outlets" in figures.compute(2023)
    assert Channel.objects.count() == 5
