"""Registry pages: every view answers 404 outside the scope and 403 for a forbidden action."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from duikou.core.models import Organisation, Pairing

pytestmark = pytest.mark.django_db


def test_pages_need_a_sign_in(client, reg):
    for url in [
        "/",
        "/orgs/",
        "/pairings/",
        "/pairings/overview/",
        "/orgs/export.xlsx",
        f"/orgs/{reg.dulan_hospital.pk}/",
        f"/pairings/{reg.dulan_pairing.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_the_dulan_team_cannot_reach_wulan_records_by_any_url(client_for, reg):
    client = client_for(reg.dulan_team)
    org, pairing = reg.wulan_hospital, reg.wulan_pairing
    for url in [
        f"/orgs/{org.pk}/",
        f"/orgs/{org.pk}/edit/",
        f"/pairings/{pairing.pk}/",
        f"/pairings/{pairing.pk}/edit/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/orgs/{org.pk}/edit/", {"name": "改名"}).status_code == 404
    assert client.post(f"/pairings/{pairing.pk}/edit/", {"kind": "其他"}).status_code == 404
    assert client.post(f"/orgs/{org.pk}/departments/", {"name": "儿科"}).status_code == 404
    org.refresh_from_db()
    assert org.name == "乌兰县人民医院"
    assert not org.departments.filter(name="儿科").exists()
    # Lists, exports, the overview and the htmx department options leave 乌兰 out too.
    for url in ["/orgs/", "/pairings/", "/pairings/overview/", "/", "/orgs/export.xlsx?q=乌兰"]:
        body = client.get(url).content
        if url.endswith("乌兰"):
            wb = load_workbook(io.BytesIO(body))
            assert wb.active.max_row == 1  # header only
        else:
            assert "乌兰县人民医院".encode() not in body, url
    options = client.get(f"/pairings/departments/?haixi_org={org.pk}").content.decode()
    assert "心血管内科" not in options


def test_the_dulan_team_sees_and_edits_its_own_county(client_for, reg):
    client = client_for(reg.dulan_team)
    assert client.get(f"/orgs/{reg.dulan_hospital.pk}/").status_code == 200
    response = client.post(
        f"/orgs/{reg.dulan_hospital.pk}/edit/",
        {
            "name": "都兰县人民医院",
            "short_name": "都兰医院",
            "kind": "医院",
            "side": "受援方",
            "division": reg.dulan.pk,
        },
    )
    assert response.status_code == 302
    reg.dulan_hospital.refresh_from_db()
    assert reg.dulan_hospital.short_name == "都兰医院"


def test_a_viewer_reads_but_cannot_write(client_for, reg):
    client = client_for(reg.viewer)
    assert client.get(f"/orgs/{reg.wulan_hospital.pk}/").status_code == 200
    assert client.get("/orgs/new/").status_code == 403
    assert client.get(f"/orgs/{reg.wulan_hospital.pk}/edit/").status_code == 403
    assert client.get("/pairings/new/").status_code == 403
    assert client.get(f"/pairings/{reg.wulan_pairing.pk}/edit/").status_code == 403
    page = client.get(f"/orgs/{reg.wulan_hospital.pk}/").content.decode()
    assert "编辑" not in page


def test_a_liaison_cannot_create_pairings_or_edit_partners(client_for, reg):
    client = client_for(reg.liaison)
    assert client.get("/pairings/new/").status_code == 403
    assert client.get(f"/orgs/{reg.jiaxing_hospital.pk}/edit/").status_code == 403
    assert client.get(f"/orgs/{reg.dulan_hospital.pk}/edit/").status_code == 200


def test_admin_is_for_headquarters_only(client_for, reg):
    reg.viewer.is_staff = True
    reg.viewer.save()
    assert client_for(reg.viewer).get("/admin/").status_code == 302
    assert client_for(reg.hq).get("/admin/").status_code == 200


def test_creating_an_organisation_with_a_bad_code_shows_the_field_error(client_for, reg):
    client = client_for(reg.hq)
    data = {
        "name": "青海某公司",
        "kind": "企业",
        "side": "受援方",
        "division": reg.dulan.pk,
        "credit_code": "91632801MA7XQ2K04K",
    }
    response = client.post("/orgs/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "校验码不符" in page and "应为 J，实为 K" in page
    assert "aria-invalid" in page
    assert not Organisation.objects.filter(name="青海某公司").exists()
    data.update(credit_code_override="on", credit_code_override_reason="执照原件核对")
    response = client.post("/orgs/new/", data)
    assert response.status_code == 302
    org = Organisation.objects.get(name="青海某公司")
    assert "执照原件核对" in client.get(org.get_absolute_url()).content.decode()


def test_a_county_team_cannot_place_an_organisation_outside_its_scope(client_for, reg):
    client = client_for(reg.dulan_team)
    response = client.post(
        "/orgs/new/",
        {"name": "乌兰某公司", "kind": "企业", "side": "受援方", "division": reg.wulan.pk},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Organisation.objects.filter(name="乌兰某公司").exists()


def test_a_pairing_form_refuses_bad_dates_and_duplicates(client_for, reg):
    client = client_for(reg.hq)
    base = {
        "kind": "医院-科室",
        "zhejiang_org": reg.jiaxing_hospital.pk,
        "haixi_org": reg.dulan_hospital.pk,
        "haixi_department": reg.dulan_neuro.pk,
    }
    response = client.post(
        "/pairings/new/", {**base, "start_date": "2024-05-01", "end_date": "2024-04-01"}
    )
    assert "不能早于开始日期" in response.content.decode()
    response = client.post("/pairings/new/", {**base, "start_date": "2024-05-01"})
    assert "相同的结对已经存在" in response.content.decode()
    response = client.post("/pairings/new/", {**base, "start_date": "2024-02-30"})
    assert "有效的日期" in response.content.decode()
    assert Pairing.objects.count() == 3


def test_a_pairing_is_created_and_shown_with_its_history(client_for, reg):
    client = client_for(reg.hq)
    response = client.post(
        "/pairings/new/",
        {
            "kind": "医院-科室",
            "zhejiang_org": reg.zju_hospital.pk,
            "haixi_org": reg.dulan_hospital.pk,
            "haixi_department": reg.dulan_neuro.pk,
            "start_date": "2024-01-01",
            "agreement_title": "以院包科协议",
        },
    )
    assert response.status_code == 302
    pairing = Pairing.objects.get(zhejiang_org=reg.zju_hospital, haixi_org=reg.dulan_hospital)
    page = client.get(response["Location"]).content.decode()
    assert "以院包科协议" in page and "新建" in page and pairing.created_by == reg.hq


def test_lists_search_filter_and_paginate(client_for, reg):
    client = client_for(reg.hq)
    page = client.get("/orgs/", {"q": "都兰"}).content.decode()
    assert "都兰县人民医院" in page and "乌兰县人民医院" not in page
    page = client.get("/orgs/", {"side": "支援方"}).content.decode()
    assert "嘉兴市第一医院" in page and "都兰县人民医院" not in page
    page = client.get("/pairings/", {"county": "632821"}).content.decode()
    assert "乌兰" in page and "都兰县医院" not in page
    htmx = client.get("/orgs/", {"q": "都兰"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in htmx and "都兰县人民医院" in htmx
    assert client.get("/orgs/", {"page": "999"}).status_code == 200
    assert client.get("/pairings/", {"year": "abc"}).status_code == 200


def test_exports_are_workbooks_in_the_pairing_template_layout(client_for, reg):
    response = client_for(reg.hq).get("/pairings/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]][:6] == [
        "结对类型",
        "支援方单位",
        "受援方单位",
        "受援科室",
        "开始日期",
        "结束日期",
    ]
    assert ws.max_row == 4


def test_the_overview_groups_pairings_under_each_county_and_its_city(client_for, reg):
    page = client_for(reg.hq).get(reverse("core:pairing_overview")).content.decode()
    assert "都兰县" in page and "结对城市：嘉兴市" in page
    assert "嘉兴市第一医院" in page or "嘉兴市第一医院"[:4] in page
    assert "重症医学科" in page  # the prefecture hospital's pairing, under 海西州本级


def test_the_dashboard_shows_figures_of_the_users_scope(client_for, reg):
    page = client_for(reg.hq).get("/", {"year": 2023}).content.decode()
    assert 'id="kpi-pairings">3<' in page
    page = client_for(reg.dulan_team).get("/", {"year": 2023}).content.decode()
    assert 'id="kpi-pairings">1<' in page
    assert client_for(reg.hq).get("/", {"year": "x"}).status_code == 200


def test_list_pages_do_not_query_per_row(client_for, reg, django_assert_max_num_queries):
    from duikou.core import services

    client = client_for(reg.hq)
    for i in range(20):
        hx = services.organisation_create(
            actor=None, name=f"都兰县测试学校{i}", kind="学校", side="受援方", division=reg.dulan
        )
        zj = services.organisation_create(
            actor=None, name=f"嘉兴测试学校{i}", kind="学校", side="支援方", division=reg.jiaxing
        )
        services.pairing_create(
            actor=None,
            kind="学校-学校",
            zhejiang_org=zj,
            haixi_org=hx,
            start_date=reg.dulan_pairing.start_date,
        )
    # The dashboard runs a fixed set of figure queries; none grows with the rows (40: the
    # consumption figures add 7, the exchanges figures one each for events, classes, indicators).
    for url, limit in [("/orgs/", 12), ("/pairings/", 12), ("/pairings/overview/", 12), ("/", 40)]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
