"""The exchanges demo (F15, F16, F19, F20, F24): `duikou figures --year 2023` shows the 2023
events by kind (the two flights among them), the 3 off-site majors with 118 students, and the
two indicators marked entered with their sources; other years for trends; idempotent."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from duikou.demo.loader import load_demo
from duikou.exchanges import demo as exchanges_demo
from duikou.exchanges.models import Event, IndicatorValue, OffsiteClass, Participant


@pytest.fixture(scope="module")
def demo(shared_demo):
    shared_demo.base(load_demo)


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow,
]


def _figures(capsys, year: int) -> dict:
    call_command("figures", "--year", str(year))
    return json.loads(capsys.readouterr().out)


def test_figures_2023_show_the_events_classes_and_entered_indicators(capsys):
    data = _figures(capsys, 2023)
    by_kind = data["events"]["by_kind"]
    assert by_kind["航线开通"] == 2 and by_kind["夏令营"] == 2
    assert {"展览", "比赛", "培训营", "文旅推介", "疗休养"} <= set(by_kind)
    assert data["events"]["count"] == sum(by_kind.values())
    assert data["offsite_classes"]["count"] == 3 and data["offsite_classes"]["students"] == 118
    ind = data["indicators"]
    assert ind["浙江游客人次"]["value"] == "1100000" and ind["浙江游客人次"]["unit"] == "人次"
    assert ind["浙江高校录取海西籍学生"]["value"] == "70"
    for entry in ind.values():
        assert entry["entered"] is True and entry["source"].strip()


def test_the_flights_and_the_camp_are_records(capsys):
    flights = Event.objects.filter(kind="航线开通", start_date__year=2023).order_by("start_date")
    assert [(e.title, e.start_date.month) for e in flights] == [
        (exchanges_demo.FLIGHTS[0], 6),
        (exchanges_demo.FLIGHTS[1], 7),
    ]
    assert {p.code for p in flights[0].places.all()} == {"632802", "330100"}
    camp = Event.objects.get(title=exchanges_demo.CAMP_TITLE)
    assert camp.participants.count() == 3
    assert all(p.phone_cipher and "139" not in p.phone_cipher for p in camp.participants.all())


def test_the_other_years_hold_records_for_trends(capsys):
    assert _figures(capsys, 2024)["events"]["by_kind"]["展览"] == 3
    for year in (2021, 2022, 2025, 2026):
        assert _figures(capsys, year)["events"]["count"] > 0, year
    assert IndicatorValue.objects.filter(year__in=(2021, 2022, 2024)).count() == 6
    assert OffsiteClass.objects.exclude(intake_year=2023).exists()


def test_loading_again_changes_nothing():
    counts = (Event.objects.count(), Participant.objects.count(), IndicatorValue.objects.count())
    exchanges_demo.load_exchanges_demo()
    after = (Event.objects.count(), Participant.objects.count(), IndicatorValue.objects.count())
    assert after == counts
