"""The leadership screen (/screen/): one JSON request carrying the figures module's figures,
the county seats for the map, the trend, alerts and rotations; headquarters and viewer only."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from duikou.people.models import Person
from duikou.reports import figures
from tests.test_people_common import (
    field_key,  # noqa: F401 - fixture
    person,
    posting,
)
from tests.test_projects_views import World as ProjectsWorld
from tests.test_projects_views import make

pytestmark = pytest.mark.django_db


def _data(client, year=2023) -> dict:
    response = client.get(reverse("reports:screen_data"), {"year": year})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_the_data_are_the_figures_modules(reg, client_for):
    ProjectsWorld(reg)
    data = _data(client_for(reg.hq))
    expected = json.loads(json.dumps(figures.compute(2023, user=reg.hq)))
    assert data["figures"] == expected
    assert data["figures"]["projects"]["count"] == 2
    assert data["year"] == 2023
    assert data["refresh_seconds"] >= 180


def test_the_page_asks_for_its_data_in_one_request_and_refreshes_itself(reg, client_for):
    response = client_for(reg.viewer).get(reverse("reports:screen"), {"year": 2024})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-url="{reverse("reports:screen_data")}?year=2024"' in body
    assert 'data-refresh="240"' in body
    # Only the vendored chart library and the screen's own script: no inline script.
    assert body.count("<script") == 2
    assert "vendor/echarts-5.6.0.min.js" in body and "js/screen.js" in body
    # The screen has no staff navigation bar (it is a wall display).
    assert 'class="mainnav"' not in body


def test_the_map_puts_each_county_at_its_seat_with_its_money(reg, client_for):
    make(reg, "DL-09", aid_amount=Decimal("2500000.00"), status="立项")
    points = {p["name"]: p for p in _data(client_for(reg.viewer))["map"]}
    assert set(points) == {"格尔木", "德令哈", "茫崖", "乌兰", "都兰", "天峻", "大柴旦行委"}
    dulan = points["都兰"]
    assert (dulan["lat"], dulan["lon"]) == (pytest.approx(36.3), pytest.approx(98.09))
    assert dulan["aid_wan"] == 250.0 and dulan["projects"] == 1
    assert points["乌兰"]["aid_wan"] == 0.0


def test_the_trend_runs_over_the_fourteenth_plan_from_the_figures(reg, client_for):
    make(reg, "DL-21", year=2021, aid_amount=Decimal("1000000.00"))
    trend = _data(client_for(reg.hq), year=2023)["trend"]
    assert trend["years"] == [2021, 2022, 2023, 2024, 2025]
    assert trend["projects"][0] == figures.projects(2021)["count"] == 1
    assert trend["aid_wan"][0] == 100.0
    later = _data(client_for(reg.hq), year=2027)["trend"]
    assert later["years"] == list(range(2021, 2028))


@pytest.mark.usefixtures("field_key")
def test_alerts_and_rotations_name_projects_and_posts_but_no_person(reg, client_for):
    from django.utils import timezone

    make(reg, "DL-LATE", status="立项", planned_start=dt.date(2023, 1, 1))
    today = timezone.localdate()
    posting(
        reg,
        person(reg, name="王援青"),
        host_department=reg.dulan_neuro,
        start=today - dt.timedelta(days=300),
        end_date=today + dt.timedelta(days=20),
    )
    client = client_for(reg.viewer)
    response = client.get(reverse("reports:screen_data"), {"year": today.year})
    data = json.loads(response.content)
    assert data["alerts"]["count"] >= 1
    assert any(a["project"] == "项目DL-LATE" for a in data["alerts"]["top"])
    assert data["rotations"]["count"] == 1
    item = data["rotations"]["items"][0]
    assert item["successor"] is False and item["days_left"] == 20
    assert item["host"] == "都兰县医院·神经内科"
    assert Person.objects.filter(name="王援青").exists()
    assert "王援青" not in response.content.decode()


@pytest.mark.parametrize("who", ["dulan_team", "liaison", "doctor"])
def test_only_headquarters_and_the_viewer_get_the_screen(reg, client_for, who):
    client = client_for(getattr(reg, who))
    assert client.get(reverse("reports:screen")).status_code == 403
    assert client.get(reverse("reports:screen_data")).status_code == 403


def test_anonymous_is_sent_to_sign_in(reg, client):
    for name in ("reports:screen", "reports:screen_data"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("junk", ["", "abc", "-1", "9" * 5000, "0"])
def test_a_junk_year_is_the_current_year_or_clamped(reg, client_for, junk):
    response = client_for(reg.hq).get(reverse("reports:screen_data"), {"year": junk})
    assert response.status_code == 200
    assert 2010 <= json.loads(response.content)["year"] <= 2100


def test_the_data_take_a_bounded_number_of_queries(reg, client_for, django_assert_max_num_queries):
    ProjectsWorld(reg)
    client = client_for(reg.hq)
    with django_assert_max_num_queries(110):
        client.get(reverse("reports:screen_data"), {"year": 2023})


def test_the_dashboard_links_the_screen_and_the_portal_for_those_who_may_open_them(reg, client_for):
    page = client_for(reg.hq).get("/", {"year": 2023}).content.decode()
    assert 'href="/screen/?year=2023"' in page and 'href="/public/?year=2023"' in page
    page = client_for(reg.dulan_team).get("/", {"year": 2023}).content.decode()
    assert 'id="screen-link"' not in page
