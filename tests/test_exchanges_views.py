"""Exchanges pages: each view with a user who gets in and one who must not (404 outside the
scope, 403 for a forbidden action); the viewer sees no named participant anywhere, exports
included; the calendar renders events spanning days; photos are served through the scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from duikou.exchanges import services
from duikou.exchanges.models import Event, IndicatorValue, OffsiteClass
from tests.exchanges_kit import ID_NUMBER, PHONE, Kit, png
from tests.test_people_common import field_key  # noqa: F401 - fixture

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


@pytest.fixture
def kit(reg):
    return Kit(reg)


def _titles(client, url="exchanges:event_list", query=""):
    html = client.get(reverse(url) + query).content.decode()
    return {t for t in ("都兰夏令营", "乌兰疗休养", "杭州医疗成就展") if t in html}


def test_the_list_shows_each_role_its_scope(kit, client_for):
    reg = kit.reg
    assert _titles(client_for(reg.hq)) == {"都兰夏令营", "乌兰疗休养", "杭州医疗成就展"}
    assert _titles(client_for(reg.viewer)) == {"都兰夏令营", "乌兰疗休养", "杭州医疗成就展"}
    # 都兰's team: the event at 都兰 and the one organised by 都兰县人民医院 in 杭州
    assert _titles(client_for(reg.dulan_team)) == {"都兰夏令营", "杭州医疗成就展"}
    assert _titles(client_for(reg.wulan_team)) == {"乌兰疗休养"}
    assert _titles(client_for(reg.liaison)) == {"杭州医疗成就展"}
    assert _titles(client_for(reg.doctor)) == set()


def test_the_list_filters_by_year_kind_and_county(kit, client_for):
    c = client_for(kit.reg.hq)
    assert _titles(c, query="?year=2024") == {"杭州医疗成就展"}
    assert _titles(c, query="?kind=疗休养") == {"乌兰疗休养"}
    assert _titles(c, query=f"?county={kit.reg.dulan.pk}") == {"都兰夏令营", "杭州医疗成就展"}
    assert c.get(reverse("exchanges:event_list") + "?year=abc&county=x").status_code == 200


def test_the_detail_is_404_outside_the_scope(kit, client_for):
    url = reverse("exchanges:event_detail", args=[kit.dulan_event.pk])
    assert client_for(kit.reg.dulan_team).get(url).status_code == 200
    for outsider in (kit.reg.wulan_team, kit.reg.liaison, kit.reg.doctor):
        assert client_for(outsider).get(url).status_code == 404


def test_named_participants_are_masked_and_never_shown_to_the_viewer(kit, client_for):
    url = reverse("exchanges:event_detail", args=[kit.dulan_event.pk])
    html = client_for(kit.reg.hq).get(url).content.decode()
    assert "马晓梅" in html and "139****5678" in html
    assert PHONE not in html and ID_NUMBER not in html
    html = client_for(kit.reg.viewer).get(url).content.decode()
    assert "马晓梅" not in html and "139****5678" not in html and "participants" not in html


def test_the_export_is_scoped_masked_and_has_no_participants_for_the_viewer(kit, client_for):
    def sheet(user):
        r = client_for(user).get(reverse("exchanges:event_export"))
        assert r.status_code == 200 and r["Cache-Control"] == "no-store"
        ws = load_workbook(io.BytesIO(r.content)).active
        return [[c for c in row] for row in ws.iter_rows(values_only=True)]

    rows = sheet(kit.reg.hq)
    text = repr(rows)
    assert len(rows) == 4 and "马晓梅" in text and "139****5678" in text
    assert PHONE not in text and ID_NUMBER not in text
    rows = sheet(kit.reg.viewer)
    assert len(rows) == 4 and "马晓梅" not in repr(rows) and "139" not in repr(rows)
    assert len(sheet(kit.reg.wulan_team)) == 2


def test_a_title_like_a_formula_is_inert_in_the_export(kit, client_for):
    services.event_update(actor=None, event=kit.wulan_event, title='=HYPERLINK("http://x","y")')
    r = client_for(kit.reg.hq).get(reverse("exchanges:event_export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    cell = next(c for row in ws.iter_rows() for c in row if "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_calendar_renders_a_month_with_events_spanning_days(kit, client_for):
    c = client_for(kit.reg.hq)
    r = c.get(reverse("exchanges:calendar") + "?month=2023-08")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="calendar"' in html
    assert html.count("都兰夏令营</a>") == 7 + 1  # each of its 7 days, and the month's list
    assert "?month=2023-07" in html and "?month=2023-09" in html
    assert "乌兰疗休养" not in html
    # junk falls back to this month; a month at the edge of the calendar does not break
    for junk in ("x", "2023-13", "9999-12", "0001-01", "1" * 500):
        assert c.get(reverse("exchanges:calendar") + "?month=" + junk).status_code == 200
    html = client_for(kit.reg.wulan_team).get(reverse("exchanges:calendar") + "?month=2023-08")
    assert "都兰夏令营" not in html.content.decode()


def test_a_county_team_records_an_event_in_its_county(kit, client_for):
    c = client_for(kit.reg.dulan_team)
    assert c.get(reverse("exchanges:event_create")).status_code == 200
    data = {
        "kind": "比赛",
        "title": "都兰足球赛",
        "start_date": "2023-09-02",
        "end_date": "2023-09-01",
        "places": [kit.reg.dulan.pk],
        "haixi_count": 20,
        "zhejiang_count": 20,
    }
    r = c.post(reverse("exchanges:event_create"), data)
    assert r.status_code == 200 and "结束日期" in r.content.decode()
    assert not Event.objects.filter(title="都兰足球赛").exists()
    data["end_date"] = "2023-09-03"
    r = c.post(reverse("exchanges:event_create"), data)
    event = Event.objects.get(title="都兰足球赛")
    assert r.status_code == 302 and r["Location"] == event.get_absolute_url()
    data["places"] = [kit.reg.wulan.pk]
    data["title"] = "乌兰足球赛"
    r = c.post(reverse("exchanges:event_create"), data)
    assert r.status_code == 200 and not Event.objects.filter(title="乌兰足球赛").exists()
    for who in (kit.reg.liaison, kit.reg.viewer, kit.reg.doctor):
        assert client_for(who).get(reverse("exchanges:event_create")).status_code == 403
    edit = reverse("exchanges:event_edit", args=[kit.wulan_event.pk])
    assert client_for(kit.reg.dulan_team).get(edit).status_code == 404
    assert client_for(kit.reg.viewer).get(edit).status_code == 403


def test_participants_are_added_by_those_who_edit_the_event(kit, client_for):
    url = reverse("exchanges:participant_add", args=[kit.dulan_event.pk])
    data = {"name": "周文杰", "side": "浙江", "phone": "13900000103"}
    assert client_for(kit.reg.viewer).post(url, data).status_code == 403
    assert client_for(kit.reg.wulan_team).post(url, data).status_code == 404
    r = client_for(kit.reg.dulan_team).post(url, data)
    assert r.status_code == 302
    assert kit.dulan_event.participants.count() == 2


def test_photos_are_uploaded_and_served_only_within_the_scope(kit, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = reverse("exchanges:photo_upload", args=[kit.dulan_event.pk])
    c = client_for(kit.reg.dulan_team)
    assert c.get(upload).status_code == 200
    r = c.post(upload, {"photos": [png("a.png"), png("b.png")], "caption": "开营"})
    assert r.status_code == 302
    photo = kit.dulan_event.photos.first()
    url = reverse("exchanges:photo", args=[photo.pk])
    r = c.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert client_for(kit.reg.viewer).get(url).status_code == 200
    for outsider in (kit.reg.wulan_team, kit.reg.liaison, kit.reg.doctor):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(kit.reg.wulan_team).post(upload, {"photos": [png()]}).status_code == 404
    assert client_for(kit.reg.viewer).post(upload, {"photos": [png()]}).status_code == 403
    fake = png().__class__("x.png", b"<html>", "image/png")
    r = client_for(kit.reg.dulan_team).post(upload, {"photos": [fake]})
    assert r.status_code == 200 and kit.dulan_event.photos.count() == 2


def test_classes_page_figures_by_year_and_headquarters_writes(kit, client_for):
    html = client_for(kit.reg.hq).get(reverse("exchanges:class_list")).content.decode()
    assert "旅游管理" in html and 'id="classes-by-year"' in html
    assert client_for(kit.reg.dulan_team).get(reverse("exchanges:class_create")).status_code == 403
    assert (
        "旅游管理"
        not in client_for(kit.reg.wulan_team).get(reverse("exchanges:class_list")).content.decode()
    )
    r = client_for(kit.reg.hq).post(
        reverse("exchanges:class_create"),
        {
            "school": kit.school.pk,
            "haixi_org": kit.college.pk,
            "major": "酒店管理",
            "intake_year": 2024,
            "students": -3,
        },
    )
    assert r.status_code == 200 and "学生数" in r.content.decode()
    assert OffsiteClass.objects.count() == 1


def test_indicators_page_marks_values_entered_and_refuses_a_missing_source(kit, client_for):
    html = client_for(kit.reg.viewer).get(reverse("exchanges:indicator_list")).content.decode()
    assert "浙江游客人次" in html and "1100000" in html and "填报" in html
    assert "从不作为指标保存" in html
    url = reverse("exchanges:indicator_value", args=[kit.tourists.pk])
    assert client_for(kit.reg.viewer).get(url).status_code == 403
    r = client_for(kit.reg.hq).post(url, {"year": 2024, "value": "1250000", "source": ""})
    assert r.status_code == 200 and "来源文件" in r.content.decode()
    assert not IndicatorValue.objects.filter(year=2024).exists()
    r = client_for(kit.reg.hq).post(url, {"year": 2024, "value": "1250000", "source": "公报"})
    assert r.status_code == 302 and IndicatorValue.objects.filter(year=2024).exists()
    r = client_for(kit.reg.hq).post(
        reverse("exchanges:indicator_create"), {"name": "项目数", "unit": "个"}
    )
    assert r.status_code == 200 and "计算" in r.content.decode()


def test_the_dashboard_shows_the_exchanges_panel(kit, client_for, settings):
    from duikou.reports import figures

    year = figures.current_year()
    services.event_update(
        actor=None, event=kit.dulan_event, start_date=D(year, 1, 2), end_date=D(year, 1, 3)
    )
    services.indicator_value_set(
        actor=None, indicator=kit.tourists, year=year, value="5", source="公报"
    )
    html = client_for(kit.reg.hq).get(reverse("reports:dashboard")).content.decode()
    assert 'id="exchanges-panel"' in html and "夏令营 1" in html
    assert "浙江游客人次" in html and "badge-entered" in html


def test_the_list_calendar_and_dashboard_do_not_query_per_event(
    kit, client_for, django_assert_max_num_queries
):
    for i in range(15):
        services.event_create(
            actor=None,
            kind="比赛",
            title=f"友谊赛{i}",
            start_date=D(2023, 8, 1 + i),
            end_date=D(2023, 8, 2 + i),
            places=[kit.reg.dulan, kit.reg.hangzhou],
            organisers=[kit.reg.dulan_hospital],
        )
    c = client_for(kit.reg.dulan_team)
    for url, limit in [
        (reverse("exchanges:event_list"), 14),
        (reverse("exchanges:calendar") + "?month=2023-08", 12),
        (reverse("exchanges:event_export"), 14),
    ]:
        with django_assert_max_num_queries(limit):
            assert c.get(url).status_code == 200, url
