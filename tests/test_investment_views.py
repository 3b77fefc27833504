"""Investment pages: each view with a user who gets in and the one who must not (404 outside
the scope, 403 for a forbidden action); the viewer never sees a phone; forms name bad fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from duikou.investment import services
from duikou.investment.models import Deal, Enterprise, Policy
from tests.investment_kit import Kit, code

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(reg):
    kit = Kit(reg)
    kit.dulan_deal = services.deal_create(
        actor=None, name="都兰枸杞项目", enterprise=kit.small, county=reg.dulan, on=D(2024, 1, 1)
    )
    return kit


def test_lists_and_pages_open_for_headquarters(kit, client_for):
    c = client_for(kit.reg.hq)
    for name in ("enterprise_list", "policy_list", "deal_list", "deal_board", "event_list"):
        assert c.get(reverse(f"investment:{name}")).status_code == 200, name
    r = c.get(reverse("investment:enterprise_detail", args=[kit.solar.pk]) + "?on=2026-12-01")
    html = r.content.decode()
    assert "138****0001" in html and "13857160001" not in html
    assert html.index(kit.pv.title) < html.index(kit.manufacturing.title)
    assert "行业大类 38 相符" in html and "从此政策发起项目" in html
    r = c.get(reverse("investment:policy_detail", args=[kit.manufacturing.pk]) + "?on=2026-12-01")
    assert kit.solar.name in r.content.decode()


def test_the_viewer_reads_but_never_sees_a_phone_nor_edits(kit, client_for):
    c = client_for(kit.reg.viewer)
    r = c.get(reverse("investment:enterprise_detail", args=[kit.solar.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "138****0001" not in html and "联系电话" not in html
    assert "从此政策发起项目" not in html
    assert c.get(reverse("investment:enterprise_edit", args=[kit.solar.pk])).status_code == 403
    assert c.get(reverse("investment:deal_create")).status_code == 403
    export = c.get(reverse("investment:enterprise_export", args=["csv"]))
    assert export.status_code == 200


def test_the_wulan_team_gets_404_on_a_dulan_deal(kit, client_for):
    deal = kit.dulan_deal
    wulan = client_for(kit.reg.wulan_team)
    assert wulan.get(reverse("investment:deal_detail", args=[deal.pk])).status_code == 404
    r = wulan.post(reverse("investment:deal_move", args=[deal.pk]), {"stage": "洽谈"})
    assert r.status_code == 404
    assert "都兰枸杞项目" not in wulan.get(reverse("investment:deal_list")).content.decode()
    dulan = client_for(kit.reg.dulan_team)
    assert dulan.get(reverse("investment:deal_detail", args=[deal.pk])).status_code == 200


def test_a_liaison_sees_only_its_own_enterprise(kit, client_for):
    c = client_for(kit.reg.liaison)  # the Dulan hospital: no enterprise
    assert c.get(reverse("investment:enterprise_detail", args=[kit.solar.pk])).status_code == 404
    assert c.get(reverse("investment:deal_detail", args=[kit.dulan_deal.pk])).status_code == 404


def test_signed_out_users_are_sent_to_sign_in(kit, client):
    r = client.get(reverse("investment:enterprise_list"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_a_deal_is_started_from_a_policy_and_moved_on_its_page(kit, client_for):
    c = client_for(kit.reg.hq)
    url = reverse("investment:deal_create") + f"?enterprise={kit.solar.pk}&policy={kit.pv.pk}"
    r = c.get(url)
    assert r.status_code == 200 and "晴川" in r.content.decode()
    r = c.post(
        url,
        {
            "name": "光伏组件项目",
            "enterprise": kit.solar.pk,
            "county": kit.reg.dulan.pk,
            "stage": "线索",
            "on": "2026-11-01",
            "policies": [kit.pv.pk],
        },
    )
    deal = Deal.objects.get(name="光伏组件项目")
    assert r.status_code == 302 and list(deal.policies.all()) == [kit.pv]
    move = reverse("investment:deal_move", args=[deal.pk])
    c.post(move, {"stage": "签约", "on": "2026-11-20", "signed_amount": "8000"})
    deal.refresh_from_db()
    assert deal.stage == "签约" and deal.signed_amount == Decimal("80000000")
    # Backwards from the board without a reason: refused, shown on the board.
    r = c.post(move, {"stage": "洽谈"}, HTTP_HX_REQUEST="true")
    assert "原因" in r.content.decode()
    deal.refresh_from_db()
    assert deal.stage == "签约"
    r = c.post(move, {"stage": "洽谈"}, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="企业暂缓")
    deal.refresh_from_db()
    assert deal.stage == "洽谈" and deal.stage_changes.last().reason == "企业暂缓"


def test_forms_name_the_bad_field_in_chinese(kit, client_for):
    c = client_for(kit.reg.hq)
    r = c.post(
        reverse("investment:policy_create"),
        {
            "title": "倒挂",
            "issuer": "某局",
            "valid_from": "2025-01-01",
            "valid_to": "2024-01-01",
            "incentives": ["电价"],
        },
    )
    assert r.status_code == 200 and "失效日期" in r.content.decode()
    r = c.post(
        reverse("investment:enterprise_create"),
        {
            "name": "某公司",
            "credit_code": code(50)[:-1] + "0",
            "industry_section": "C",
            "industry_division": "44",
        },
    )
    html = r.content.decode()
    assert "统一社会信用代码" in html
    r = c.post(
        reverse("investment:enterprise_create"),
        {
            "name": "某公司",
            "credit_code": code(51),
            "industry_section": "C",
            "industry_division": "44",
            "intended_investment": "-3",
        },
    )
    html = r.content.decode()
    assert "不能为负数" in html
    r = c.post(
        reverse("investment:enterprise_create"),
        {
            "name": "某公司",
            "credit_code": code(51),
            "industry_section": "C",
            "industry_division": "44",
        },
    )
    assert "不属于门类" in r.content.decode()
    assert not Enterprise.objects.filter(organisation__name="某公司").exists()
    assert not Policy.objects.filter(title="倒挂").exists()


def test_county_teams_cannot_edit_the_lists(kit, client_for):
    c = client_for(kit.reg.dulan_team)
    assert c.get(reverse("investment:policy_edit", args=[kit.pv.pk])).status_code == 403
    assert c.get(reverse("investment:enterprise_create")).status_code == 403
    assert c.get(reverse("investment:event_create")).status_code == 403
    assert c.get(reverse("investment:deal_create")).status_code == 200


def test_exports_reimport_unchanged(kit, client_for, tmp_path):
    from tests.test_exchange_support import run

    c = client_for(kit.reg.hq)
    for name in ("enterprise_export", "policy_export", "deal_export"):
        r = c.get(reverse(f"investment:{name}", args=["xlsx"]))
        assert r.status_code == 200
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(b"".join(r.streaming_content) if r.streaming else r.content)
        result = run(path)
        assert result.ok, result.text()
        assert not any(s.created or s.updated for s in result.sheets.values()), result.text()
