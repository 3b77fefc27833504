"""Rotation gaps, the dashboard panel, and the people figures (scoped, vocabulary order)."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from duikou.people import rotation, services
from duikou.people.rotation import coverage_gaps, dashboard_panel, upcoming_rotations
from duikou.reports import figures
from tests.test_people_common import (
    MA_ID,
    SUN_ID,
    WU_ID,
    ZHAO_ID,
    field_key,  # noqa: F401
    person,
    posting,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def leaver(reg):
    return posting(
        reg,
        person(reg),
        host_department=reg.dulan_neuro,
        start=dt.date(2025, 7, 15),
        end_date=TODAY + dt.timedelta(days=40),
    )


def _successor(reg, start, *, kind="专业技术人才", dept="same", end=None, id_number=ZHAO_ID):
    return posting(
        reg,
        person(reg, id_number=id_number, name="接任者", phone=""),
        host_department=reg.dulan_neuro if dept == "same" else dept,
        kind=kind,
        start=start,
        end_date=end,
    )


def test_a_long_term_posting_ending_soon_without_successor_is_a_gap(reg, leaver):
    gaps = coverage_gaps(reg.hq, TODAY)
    assert [g.posting for g in gaps] == [leaver]
    assert gaps[0].days_left == 40 and gaps[0].successor is None


def test_a_successor_starting_within_30_days_of_the_end_closes_the_gap(reg, leaver):
    successor = _successor(reg, leaver.end_date + dt.timedelta(days=30))
    [item] = upcoming_rotations(reg.hq, TODAY)
    assert item.successor == successor and not item.gap
    assert coverage_gaps(reg.hq, TODAY) == []


def test_a_handover_before_the_end_counts_as_successor(reg, leaver):
    _successor(reg, leaver.end_date - dt.timedelta(days=14))
    assert coverage_gaps(reg.hq, TODAY) == []


@pytest.mark.parametrize(
    ("start_offset", "kind", "other_dept"),
    [(31, "专业技术人才", False), (5, "柔性帮扶", False), (5, "专业技术人才", True)],
)
def test_what_is_not_a_successor(reg, leaver, start_offset, kind, other_dept):
    _successor(
        reg,
        leaver.end_date + dt.timedelta(days=start_offset),
        kind=kind,
        dept=None if other_dept else "same",
        end=leaver.end_date + dt.timedelta(days=200),
    )
    assert [g.posting for g in coverage_gaps(reg.hq, TODAY)] == [leaver]


def test_postings_ending_later_or_short_ones_are_not_flagged(reg):
    posting(reg, person(reg), start=dt.date(2025, 1, 1), end_date=TODAY + dt.timedelta(days=61))
    posting(
        reg,
        person(reg, id_number=MA_ID, name="甲", phone=""),
        kind="短期支援",
        start=dt.date(2026, 9, 1),
        end_date=TODAY + dt.timedelta(days=10),
    )
    posting(reg, person(reg, id_number=SUN_ID, name="乙", phone=""), end_date=None)
    assert upcoming_rotations(reg.hq, TODAY) == []


def test_thresholds_are_settings(reg, leaver, settings):
    settings.DUIKOU_ROTATION = {"horizon_days": 30}
    assert rotation.thresholds() == {"horizon_days": 30, "successor_days": 30}
    assert coverage_gaps(reg.hq, TODAY) == []
    settings.DUIKOU_ROTATION = {"horizon_days": 60, "successor_days": 45}
    _successor(reg, leaver.end_date + dt.timedelta(days=40))
    assert coverage_gaps(reg.hq, TODAY) == []


def test_rotations_are_scoped(reg, leaver):
    assert len(coverage_gaps(reg.dulan_team, TODAY)) == 1
    assert coverage_gaps(reg.wulan_team, TODAY) == []
    assert len(coverage_gaps(reg.liaison, TODAY)) == 1


def test_the_dashboard_panel_renders(reg, leaver):
    panel = dashboard_panel(reg.hq, TODAY)
    assert panel["posted_now"] == 1 and len(panel["gaps"]) == 1
    request = RequestFactory().get("/")
    request.user = reg.hq
    html = render_to_string(
        "people/_dashboard_panel.html", {"people_panel": panel}, request=request
    )
    assert "科室空缺预警" in html and "尚无接任人选" in html and "李明" in html
    assert "632802" not in html


# Figures ---------------------------------------------------------------------------------------


def test_postings_count_in_every_year_they_overlap(reg):
    posting(reg, person(reg), start=dt.date(2022, 7, 15), end_date=dt.date(2023, 1, 1))
    posting(
        reg,
        person(reg, id_number=MA_ID, name="甲", phone=""),
        kind="柔性帮扶",
        field="教育",
        start=dt.date(2023, 12, 31),
        end_date=dt.date(2024, 1, 20),
    )
    posting(
        reg,
        person(reg, id_number=SUN_ID, name="乙", phone=""),
        kind="党政干部",
        field="经济",
        host=reg.wulan_hospital,
        start=dt.date(2024, 1, 1),
        end_date=None,
    )
    assert figures.postings(2022) == {"count": 1, "by_kind": {"专业技术人才": {"医疗": 1}}}
    assert figures.postings(2023) == {
        "count": 2,
        "by_kind": {"专业技术人才": {"医疗": 1}, "柔性帮扶": {"教育": 1}},
    }
    # An open end is still posted; kinds come in vocabulary order.
    assert list(figures.postings(2024)["by_kind"]) == ["党政干部", "柔性帮扶"]
    assert figures.postings(2030)["by_kind"] == {"党政干部": {"经济": 1}}
    assert figures.postings(2023, user=reg.wulan_team) == {"count": 0, "by_kind": {}}
    assert figures.postings(2024, user=reg.wulan_team)["count"] == 1


def test_trainings_count_where_they_start(reg):
    trainee = person(reg, id_number=WU_ID, name="丙", employer=reg.dulan_hospital, phone="")
    for start in (dt.date(2023, 12, 1), dt.date(2024, 5, 1)):
        services.training_create(
            actor=None,
            person=trainee,
            home_org=reg.dulan_hospital,
            host_org=reg.zju_hospital,
            programme="跟岗",
            field="医疗",
            start_date=start,
            end_date=start + dt.timedelta(days=100),
        )
    assert figures.trainings(2023) == {"count": 1, "by_field": {"医疗": 1}}
    assert figures.trainings(2024)["count"] == 1
    assert figures.trainings(2023, user=reg.wulan_team)["count"] == 0
    assert figures.trainings(2023, user=reg.dulan_team)["count"] == 1


def test_achievements_sum_their_counts_by_kind(reg):
    post = posting(reg, person(reg))
    for kind, count, date in (
        ("新技术", 1, dt.date(2023, 4, 1)),
        ("新技术", 1, dt.date(2023, 5, 1)),
        ("手术", 40, dt.date(2023, 6, 1)),
        ("手术", 10, dt.date(2024, 6, 1)),
    ):
        services.achievement_create(
            actor=None, posting=post, kind=kind, count=count, title=f"{kind}{date}", date=date
        )
    data = figures.achievements(2023)
    assert data["by_kind"] == {"新技术": 2, "手术": 40}
    assert data["records"] == {"新技术": 2, "手术": 1}
    assert figures.achievements(2023, user=reg.wulan_team)["by_kind"] == {}
