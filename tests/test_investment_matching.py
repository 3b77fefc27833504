"""Matching on a labelled set: only eligible policies, division before section before all,
then shared words; reasons; expiring flagged; `duikou match --json` as the contract says."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from duikou.investment import matching
from duikou.investment.models import Policy
from tests.investment_kit import Kit

D = dt.date
ON = D(2026, 12, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(reg):
    return Kit(reg)


def titles(enterprise, on=ON):
    return [r.policy.title for r in matching.recommend(enterprise, Policy.objects.all(), on)]


def test_each_enterprise_gets_its_right_policy_first(kit):
    assert titles(kit.solar)[0] == kit.pv.title
    assert titles(kit.datacenter)[0] == kit.compute.title
    # The small food maker: the Dulan-only policy (section C) over the all-industry one.
    assert titles(kit.small)[0] == kit.dulan_only.title


def test_expired_and_not_yet_valid_policies_are_never_recommended(kit):
    for e in (kit.solar, kit.datacenter, kit.small):
        got = titles(e)
        assert kit.expired.title not in got and kit.future.title not in got
    assert kit.expired.title in titles(kit.solar, on=D(2023, 6, 1))
    assert kit.future.title in titles(kit.solar, on=D(2027, 1, 1))


def test_the_levels_rank_division_then_section_then_all(kit):
    recs = matching.recommend(kit.solar, Policy.objects.all(), ON)
    assert [r.level for r in recs] == ["division", "section", "section", "all"]
    assert [r.policy.title for r in recs][:1] == [kit.pv.title]


def test_the_investment_threshold_rules_out_and_is_a_reason(kit):
    # 200 万元 intended: below the manufacturing policy's 1,000 万元.
    assert kit.manufacturing.title not in titles(kit.small)
    pv = matching.recommend(kit.solar, [kit.pv], ON)[0]
    assert pv.reasons[0] == "行业大类 38 相符"
    assert "意向投资额 3,000 万元 ≥ 最低 1,000 万元" in pv.reasons
    assert any(r.startswith("共同关键词：") and "光伏" in r and "储能" in r for r in pv.reasons)
    assert "有效期至 2028-12-31" in pv.reasons


def test_a_policy_about_to_expire_is_flagged_and_a_region_is_a_reason(kit):
    rec = matching.recommend(kit.small, [kit.dulan_only], D(2026, 11, 1))[0]
    assert rec.expiring and any("即将失效" in r for r in rec.reasons)
    assert "仅适用于都兰县" in rec.reasons
    assert not matching.recommend(kit.small, [kit.general], ON)[0].expiring


def test_the_policy_side_lists_the_enterprises_it_suits_best_first(kit):
    from duikou.investment.models import Enterprise

    got = matching.suited(kit.manufacturing, Enterprise.objects.all(), ON)
    assert [e.name for e, _ in got] == [kit.solar.name]
    got = matching.suited(kit.general, Enterprise.objects.all(), ON)
    assert len(got) == 3


def test_segmentation_keeps_domain_words_and_drops_stopwords():
    words = matching.keywords("建设绿色算力数据中心和光伏储能项目")
    assert {"光伏", "储能", "数据中心"} <= words
    assert "项目" not in words and "和" not in words


def test_duikou_match_json_is_the_contract(kit):
    out = StringIO()
    call_command("match", enterprise=kit.solar.code, on="2026-12-01", json=True, stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["enterprise"] == {"name": kit.solar.name, "code": kit.solar.code}
    assert doc["on"] == "2026-12-01"
    assert set(doc["policies"][0]) == {"title", "doc_no", "level", "score", "reasons"}
    assert doc["policies"][0]["doc_no"] == "海西发改〔2024〕8号"
    out = StringIO()
    call_command("match", enterprise="嘉兴小禾食品有限公司", on="2026-12-01", stdout=out)
    assert "都兰县枸杞精深加工奖励办法" in out.getvalue()
