"""The consumption pages: the shop liaison enters its channel's month on the sale form and sees
only its channel; the user who must not get in gets 404 (outside the scope) or 403 (a forbidden
action); headquarters sets the year's target and sees the sales on the statistics page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from duikou.consumption.models import Channel, Sale, SalesTarget
from tests.consumption_kit import Kit

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def kit(reg) -> Kit:
    return Kit(reg)


def _month_form(kit, **over) -> dict:
    data = {
        "channel": kit.shop.pk,
        "period": "month",
        "month": "2023-07",
        "product": kit.goji.pk,
        "sold": "5.123456",
        "ordered": "",
        "supplier": "",
    }
    data.update(over)
    return data


def test_the_shop_liaison_enters_its_month_and_sees_only_its_channel(kit, client_for):
    client = client_for(kit.shop_user)
    page = client.get("/consumption/sales/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'type="month"' in body and "杭州十城百店·西湖店" in body
    assert "嘉兴十城百店·南湖店" not in body
    response = client.post("/consumption/sales/new/", _month_form(kit))
    assert response.status_code == 302
    sale = Sale.objects.get(channel=kit.shop, date=D(2023, 7, 1), is_month=True)
    assert sale.sold == Decimal("51234.56") and sale.created_by == kit.shop_user
    # The same month again updates it (one key: 日期 + 渠道 + 产品).
    client.post("/consumption/sales/new/", _month_form(kit, sold="6"))
    assert Sale.objects.filter(channel=kit.shop, date=D(2023, 7, 1)).count() == 1
    sale.refresh_from_db()
    assert sale.sold == Decimal("60000.00")
    listing = client.get("/consumption/sales/").content.decode()
    assert "杭州十城百店·西湖店" in listing and "嘉兴十城百店·南湖店" not in listing
    assert client.get(f"/consumption/channels/{kit.other_shop.pk}/").status_code == 404
    assert client.get(f"/consumption/sales/{kit.other_lamb.pk}/edit/").status_code == 404
    assert client.get(f"/consumption/channels/{kit.shop.pk}/edit/").status_code == 403
    assert client.get("/consumption/stats/?year=2023").status_code == 200


def test_another_channel_a_future_month_and_a_negative_amount_are_refused(kit, client_for):
    client = client_for(kit.shop_user)
    before = Sale.objects.count()
    r = client.post("/consumption/sales/new/", _month_form(kit, channel=kit.other_shop.pk))
    assert r.status_code == 200 and "渠道" in r.content.decode()
    future = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    r = client.post("/consumption/sales/new/", _month_form(kit, month=future))
    assert "尚未到来" in r.content.decode()
    r = client.post("/consumption/sales/new/", _month_form(kit, sold="-3"))
    assert "金额不能为负数" in r.content.decode()
    r = client.post("/consumption/sales/new/", _month_form(kit, period="day", day=""))
    assert "单日填报须填写日期" in r.content.decode()
    assert Sale.objects.count() == before


def test_the_outsiders_get_403_or_404(kit, client_for):
    reg = kit.reg
    doctor = client_for(reg.doctor)
    for url in ("/consumption/sales/", "/consumption/channels/", "/consumption/stats/"):
        assert doctor.get(url).status_code == 403, url
    assert doctor.get(f"/consumption/channels/{kit.shop.pk}/").status_code == 404
    hospital = client_for(reg.liaison)
    assert hospital.get("/consumption/sales/new/").status_code == 403
    assert "西湖店" not in hospital.get("/consumption/sales/").content.decode()
    viewer = client_for(reg.viewer)
    assert viewer.get("/consumption/sales/").status_code == 200
    assert viewer.post("/consumption/sales/new/", _month_form(kit)).status_code == 403
    assert viewer.post("/consumption/targets/", {"year": 2023, "amount": 1}).status_code == 403
    wulan = client_for(reg.wulan_team)
    assert wulan.get(f"/consumption/sales/{kit.shop_goji.pk}/edit/").status_code == 404
    assert not SalesTarget.objects.exists()


def test_headquarters_manages_channels_and_the_target_and_sees_the_stats(kit, client_for):
    client = client_for(kit.reg.hq)
    r = client.post(
        "/consumption/channels/new/",
        {
            "name": "湖州十城百店·安吉店",
            "kind": "门店",
            "city": kit.reg.huzhou.pk,
            "opened_on": "2023-03-01",
        },
    )
    assert r.status_code == 302
    channel = Channel.objects.get(name="湖州十城百店·安吉店")
    r = client.post(
        f"/consumption/channels/{channel.pk}/edit/",
        {"name": channel.name, "kind": "超市", "city": kit.reg.huzhou.pk},
    )
    assert r.status_code == 200  # the form again, with its error on 渠道类型
    channel.refresh_from_db()
    assert channel.kind == "门店"
    r = client.post("/consumption/targets/", {"year": 2023, "amount": "250"})
    assert r.status_code == 302
    assert SalesTarget.objects.get(year=2023).amount == Decimal("2500000.00")
    stats = client.get("/consumption/stats/?year=2023").content.decode()
    assert 'id="kpi-sold">114.30005<' in stats  # 1,143,000.50 元 in 万元, every 分 kept
    assert 'id="kpi-ordered">600.00<' in stats
    assert 'id="kpi-target">250.00<' in stats and "目标完成 45.7%" in stats
    assert "sales-data" in stats
    listing = client.get("/consumption/channels/?kind=门店&city=330100").content.decode()
    assert "西湖店" in listing and "南湖店" not in listing
    sales = client.get("/consumption/sales/?year=2023&kind=展会").content.decode()
    assert 'id="total-sold">106.00<' in sales and "南湖店" not in sales
    export = client.get("/consumption/sales/export.xlsx?year=2023")
    assert export.status_code == 200
    suppliers = client.get("/consumption/suppliers/").content.decode()
    assert "地理标志 2013-12-30" in suppliers
    assert "sales-panel" in client.get("/?year=2023").content.decode()


def test_the_sales_list_reads_a_fixed_number_of_queries(
    kit, client_for, django_assert_max_num_queries
):
    from duikou.consumption import services

    for month in range(1, 13):
        services.sale_create(
            actor=None,
            channel=kit.platform,
            product=kit.lamb,
            supplier=kit.lamb_supplier,
            date=D(2022, month, 1),
            is_month=True,
            sold=month,
        )
    client = client_for(kit.reg.hq)
    with django_assert_max_num_queries(12):
        assert client.get("/consumption/sales/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/consumption/channels/").status_code == 200
