"""The top bar's search (/search/): every kind is found, each in the user's own scope; people
by name only and without personal data; a too-short query says what to type."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from duikou.core import search
from duikou.investment import services as investment_services
from duikou.lib.masking import ID_LIKE, MOBILE_LIKE
from duikou.orders import services as orders_services
from duikou.projects import services as projects_services
from tests.consumption_kit import Kit as ShopKit
from tests.investment_kit import Kit as InvestKit
from tests.test_people_common import LI_ID, PHONE, ZHAO_ID, field_key, person, posting  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]
D = dt.date


def _project(reg, code, name, county):
    return projects_services.project_create(
        actor=None,
        code=code,
        name=name,
        year=2023,
        category="教育",
        county=county,
        aid_amount=Decimal("1000000.00"),
    )


def _demand(reg, organisation, title):
    today = dt.date.today()
    return orders_services.demand_create(
        actor=None,
        organisation=organisation,
        skill="神经内科",
        service_kind="坐诊",
        days=5,
        earliest_start=today + dt.timedelta(days=10),
        latest_end=today + dt.timedelta(days=40),
        title=title,
    )


@pytest.fixture
def world(reg):
    w = type("World", (), {})()
    w.reg = reg
    w.dulan_project = _project(reg, "DL-2023-01", "都兰县远程诊疗中心", reg.dulan)
    w.wulan_project = _project(reg, "WL-2023-01", "乌兰县远程诊疗站", reg.wulan)
    w.li = person(reg)  # 李明, 嘉兴市第一医院, posted to 都兰县人民医院
    posting(reg, w.li)
    w.zhao = person(reg, id_number=ZHAO_ID, name="李明华", phone="13987654321")
    posting(reg, w.zhao, host=reg.wulan_hospital)
    w.dulan_demand = _demand(reg, reg.dulan_hospital, "神经内科专家坐诊")
    w.wulan_demand = _demand(reg, reg.wulan_hospital, "神经内科查房带教")
    invest = InvestKit(reg)
    w.dulan_deal = investment_services.deal_create(
        actor=None,
        name="都兰枸杞深加工项目",
        enterprise=invest.small,
        county=reg.dulan,
        on=D(2024, 1, 1),
    )
    w.wulan_deal = investment_services.deal_create(
        actor=None,
        name="乌兰枸杞饮品项目",
        enterprise=invest.small,
        county=reg.wulan,
        on=D(2024, 1, 1),
    )
    w.shops = ShopKit(reg)
    return w


def found(client, query: str) -> dict[str, list[str]]:
    """{kind key: [hit labels]} of the search page for the query."""
    response = client.get(reverse("core:search"), {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    groups = {}
    for key, section in re.findall(
        r'<section class="search-group" id="search-([a-z_]+)">(.*?)</section>', body, re.S
    ):
        groups[key] = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section)
    return groups


def test_each_kind_is_found_by_headquarters(world, client_for):
    c = client_for(world.reg.hq)
    assert found(c, "诊疗") == {"projects": ["都兰县远程诊疗中心", "乌兰县远程诊疗站"]}
    assert found(c, "DL-2023")["projects"] == ["都兰县远程诊疗中心"]  # by number too
    assert found(c, "李明")["people"] == ["李明", "李明华"]
    assert found(c, "明华")["people"] == ["李明华"]
    assert found(c, "神经内科")["demands"] == ["神经内科查房带教", "神经内科专家坐诊"]
    assert sorted(found(c, "枸杞")["deals"]) == ["乌兰枸杞饮品项目", "都兰枸杞深加工项目"]
    assert found(c, "十城百店")["channels"] == ["嘉兴十城百店·南湖店", "杭州十城百店·西湖店"]
    assert found(c, "都兰县人民")["organisations"] == ["都兰县人民医院"]
    assert found(c, "浙大一院")["organisations"] == ["浙江大学医学院附属第一医院"]  # short name


def test_a_hit_leads_to_its_record(world, client_for):
    c = client_for(world.reg.hq)
    body = c.get(reverse("core:search"), {"q": "都兰县远程"}).content.decode()
    assert f'href="{world.dulan_project.get_absolute_url()}"' in body
    assert "DL-2023-01" in body  # the subtitle
    assert c.get(world.dulan_project.get_absolute_url()).status_code == 200


def test_a_county_team_finds_only_its_county(world, client_for):
    c = client_for(world.reg.dulan_team)
    assert found(c, "诊疗")["projects"] == ["都兰县远程诊疗中心"]
    assert found(c, "神经内科")["demands"] == ["神经内科专家坐诊"]
    assert found(c, "枸杞").get("deals") == ["都兰枸杞深加工项目"]
    assert found(c, "李明")["people"] == ["李明"]  # 李明华 works in 乌兰
    w = client_for(world.reg.wulan_team)
    assert found(w, "诊疗")["projects"] == ["乌兰县远程诊疗站"]
    assert found(w, "李明")["people"] == ["李明华"]


def test_a_liaison_cannot_find_another_organisations_demand(world, client_for):
    c = client_for(world.reg.liaison)  # 都兰县人民医院
    assert found(c, "神经内科")["demands"] == ["神经内科专家坐诊"]
    assert "demands" not in found(c, "查房带教")
    assert "organisations" not in found(c, "乌兰县人民医院")
    assert "projects" not in found(c, "诊疗")  # it implements no project


def test_a_shop_finds_only_its_own_channel(world, client_for):
    c = client_for(world.shops.shop_user)
    assert found(c, "十城百店")["channels"] == ["杭州十城百店·西湖店"]


def test_aid_staff_find_themself_and_nobody_else(world, client_for):
    doctor = world.reg.doctor
    world.li.user = doctor
    world.li.save()
    c = client_for(doctor)
    assert found(c, "李明")["people"] == ["李明"]
    assert "projects" not in found(c, "诊疗")
    assert "channels" not in found(c, "十城百店")


def test_the_viewer_finds_people_without_any_personal_data(world, client_for):
    c = client_for(world.reg.viewer)
    assert found(c, "李明")["people"] == ["李明", "李明华"]
    body = c.get(reverse("core:search"), {"q": "李明"}).content.decode()
    assert not ID_LIKE.findall(body) and not MOBILE_LIKE.findall(body)
    for secret in (LI_ID, PHONE, LI_ID[-4:] + "<", "****"):
        assert secret not in body
    hits = search.search(world.reg.viewer, "李明")[0].hits
    assert hits[0].subtitle == "嘉兴市第一医院"  # the employer only: no number of theirs


def test_people_are_never_found_by_id_number_or_phone(world, client_for):
    c = client_for(world.reg.hq)
    # A whole ID number or mobile number never reaches the view: refused at a clean URL.
    for number in (LI_ID, PHONE):
        response = c.get(reverse("core:search"), {"q": number})
        assert response.status_code == 302 and response.url == reverse("core:search")
        assert number not in response.url
    # Parts of them find nobody: people are searched by name only.
    for part in (LI_ID[:6], LI_ID[-6:], PHONE[-4:], "19850615"):
        assert "people" not in found(c, part), part
    assert search.search(world.reg.hq, LI_ID) == []


def test_an_empty_or_one_character_query_says_what_to_type(world, client_for):
    c = client_for(world.reg.hq)
    empty = c.get(reverse("core:search")).content.decode()
    assert 'id="search-hint"' in empty and "请至少输入" not in empty
    assert "单位、项目、干部人才、服务需求、招商项目、销售渠道" in empty
    one = c.get(reverse("core:search"), {"q": " 李 "}).content.decode()
    assert "请至少输入 2 个字" in one and 'class="search-group"' not in one
    assert search.search(world.reg.hq, "诊") == []
    none = c.get(reverse("core:search"), {"q": "不存在的东西"}).content.decode()
    assert 'id="search-none"' in none


def test_each_kind_is_capped_with_a_link_to_its_list(world, client_for):
    for n in range(search.PER_KIND + 2):
        _project(world.reg, f"DL-2024-{n:02d}", f"都兰县第{n + 1}卫生院改造", world.reg.dulan)
    c = client_for(world.reg.hq)
    assert len(found(c, "卫生院")["projects"]) == search.PER_KIND
    body = c.get(reverse("core:search"), {"q": "卫生院"}).content.decode()
    more = reverse("projects:project_list") + "?q=%E5%8D%AB%E7%94%9F%E9%99%A2"
    assert f'href="{more}"' in body
    listed = c.get(more).content.decode()
    assert listed.count("卫生院改造") >= search.PER_KIND + 2
    assert (
        'class="search-more"' not in c.get(reverse("core:search"), {"q": "诊疗"}).content.decode()
    )


def test_the_search_box_is_in_the_top_bar_and_signed_out_users_are_sent_to_sign_in(reg, client_for):
    assert Client().get(reverse("core:search"), {"q": "都兰"}).status_code == 302
    body = client_for(reg.liaison).get(reverse("core:organisation_list")).content.decode()
    assert 'action="/search/"' in body and 'id="topbar-search"' in body
    assert client_for(reg.liaison).post(reverse("core:search"), {"q": "都兰"}).status_code == 405


def test_a_long_or_ragged_query_is_cleaned(world):
    assert search.clean("  都兰 \n  县 ") == "都兰 县"
    assert len(search.clean("都" * 500)) == search.MAX_LENGTH
    assert search.search(world.reg.hq, "  都兰县远程\t") != []


def test_kinds_are_registered_by_their_apps_in_order():
    assert [k.key for k in search.kinds()][:6] == [
        "organisations",
        "projects",
        "people",
        "demands",
        "deals",
        "channels",
    ]
    assert search.joined("a", "", None, 3) == "a · 3"


def test_the_search_page_speaks_english(world, client_for):
    c = client_for(world.reg.hq)
    c.cookies["django_language"] = "en"
    body = c.get(reverse("core:search"), {"q": "诊疗"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h2>Search</h2>" in body and "Only the records you may see are listed." in body
    hint = c.get(reverse("core:search"), {"q": "x"}).content.decode()
    assert "Please type at least 2 characters." in hint
    assert "You can search for: Organisations, Projects" in hint
