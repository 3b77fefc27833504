"""The consumption-aid demo (F21–F23): `duikou figures --year 2023` gives 3.3 亿元 sold, the
expo's 600 万元 ordered, 139 shops open at the year's end — all from individual rows; the
shop liaison sees its one shop; the reminder list; idempotent."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from duikou.accounts.models import User
from duikou.consumption import demo as consumption_demo
from duikou.consumption import scopes
from duikou.consumption.models import Channel, Sale
from duikou.demo.loader import load_demo
from duikou.reports import views_sales


@pytest.fixture(scope="module")
def demo(shared_demo):
    """The demo without its orders part, loaded once per session for the demo modules
    (tests/conftest.py); each test runs in a savepoint."""
    shared_demo.base(load_demo)


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow,
]


def test_figures_2023_sold_3_3_yi_ordered_with_the_expo_139_shops(capsys):
    call_command("figures", "--year", "2023")
    data = json.loads(capsys.readouterr().out)
    assert data["sales"]["sold"] == "330000000.00"
    assert data["sales"]["ordered"] >= "6000000.00"
    assert data["sales"]["by_channel_kind"]["展会"] == "1060000.00"
    assert data["outlets"]["门店"] == 139
    expo = Sale.objects.filter(channel__name=consumption_demo.EXPO, date__year=2023)
    totals = expo.aggregate(s=Sum("sold"), o=Sum("ordered"))
    assert str(totals["s"]) == "1060000.00" and str(totals["o"]) == "6000000.00"
    # Individual rows, not a typed total: thousands of them, none above a plausible size.
    rows = Sale.objects.filter(date__year=2023)
    assert rows.count() > 1500
    assert rows.exclude(channel__kind="展会").aggregate(m=Sum("sold"))["m"] > 0
    biggest = rows.order_by("-sold").first()
    assert biggest.sold < 2_000_000  # a platform's month of goji, its best seller


def test_trends_cover_2021_to_last_month_and_no_future_month(capsys):
    from django.utils import timezone

    today = timezone.localdate()
    for year in range(2021, today.year + 1):
        call_command("figures", "--year", str(year))
        assert json.loads(capsys.readouterr().out)["sales"]["sold"] > "0", year
    assert not Sale.objects.filter(date__gt=today).exists()


def test_the_channels_and_the_shop_liaison():
    shops = Channel.objects.filter(kind="门店")
    assert shops.count() == 148
    assert Counter(Channel.objects.values_list("kind", flat=True))["展会"] == 1
    assert shops.filter(name="杭州十城百店·西湖店").exists()
    shop = User.objects.get(username="shop")
    assert list(scopes.channels_for_user(shop).values_list("name", flat=True)) == [
        "杭州十城百店·西湖店"
    ]
    assert scopes.sales_for_user(shop).count() > 12


def test_the_reminder_list_names_the_shops_silent_last_month():
    from django.utils import timezone

    hq = User.objects.get(username="hq")
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    silent = views_sales.silent_channels(hq, last)
    assert 1 <= len(silent) <= 10
    assert all(c.kind == "门店" for c in silent)


def test_loading_again_changes_nothing():
    before = (Sale.objects.count(), Channel.objects.count())
    consumption_demo.load_consumption_demo(stdout=StringIO())
    assert (Sale.objects.count(), Channel.objects.count()) == before
