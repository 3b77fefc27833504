"""The investment demo (F17, F18): the 2024-05-28 Hangzhou meeting's 17 deals for exactly
13.25 亿元 in `duikou figures --year 2024`, the two lists, valid credit codes, the green-computing
enterprise's first policy with its reasons, idempotent."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from duikou.demo.loader import load_demo
from duikou.investment import demo as investment_demo
from duikou.investment import matching
from duikou.investment.models import Deal, Enterprise, Policy, PromotionEvent
from duikou.lib.checkdigits import is_valid_uscc


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


def test_figures_2024_count_the_meetings_17_deals_for_13_25_yi(capsys):
    call_command("figures", "--year", "2024")
    deals = json.loads(capsys.readouterr().out)["deals"]
    assert deals["signed_count"] == 17
    assert deals["signed"] == "1325000000.00"
    assert deals["by_stage"] == {"签约": 12, "开工": 5}
    event = PromotionEvent.objects.get(name=investment_demo.EVENT_NAME)
    assert event.date == dt.date(2024, 5, 28) and event.deals.count() == 17
    names = set(event.deals.values_list("name", flat=True))
    assert {"德令哈绿色算力数据中心", "冷湖天文观测基地配套设施"} <= names


def test_the_other_years_have_signed_deals_so_trends_show(capsys):
    for year in (2021, 2022, 2023, 2025, 2026):
        call_command("figures", "--year", str(year))
        assert json.loads(capsys.readouterr().out)["deals"]["signed_count"] > 0, year
    assert Deal.objects.filter(stage="终止").exclude(end_reason="").exists()


def test_the_two_lists():
    assert 38 <= Enterprise.objects.count() <= 42
    assert Policy.objects.count() == 25
    for e in Enterprise.objects.select_related("organisation"):
        assert is_valid_uscc(e.code), e.name
    today = dt.date(2026, 11, 25)
    assert Policy.objects.filter(valid_to__lt=today).count() >= 3
    assert Policy.objects.exclude(region=None).count() >= 4


def test_the_green_computing_enterprise_gets_the_electricity_price_policy_first():
    e = Enterprise.objects.get(organisation__name=investment_demo.GREEN_COMPUTING)
    out = StringIO()
    call_command("match", enterprise=e.code, on="2026-12-01", json=True, stdout=out)
    first = json.loads(out.getvalue())["policies"][0]
    assert first["title"] == investment_demo.GREEN_POLICY
    assert first["level"] == "division"
    assert first["reasons"][0] == "行业大类 65 相符"
    assert "意向投资额 50,000 万元 ≥ 最低 10,000 万元" in first["reasons"]
    assert any(r.startswith("共同关键词：") and "数据中心" in r for r in first["reasons"])
    # The expired data-centre subsidy of the same division is not there.
    recs = matching.recommend(e, Policy.objects.all(), dt.date(2026, 12, 1))
    assert all(r.policy.valid_on(dt.date(2026, 12, 1)) for r in recs)


def test_the_investment_demo_is_idempotent():
    before = (Enterprise.objects.count(), Policy.objects.count(), Deal.objects.count())
    changes = sum(d.stage_changes.count() for d in Deal.objects.all())
    investment_demo.load_investment_demo()
    assert (Enterprise.objects.count(), Policy.objects.count(), Deal.objects.count()) == before
    assert sum(d.stage_changes.count() for d in Deal.objects.all()) == changes
