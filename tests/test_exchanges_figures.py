"""The exchanges figures: events by kind (starting in the year), off-site classes of the
year's intake, hand-entered indicators marked entered; each over the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from duikou.exchanges import services
from duikou.exchanges.vocab import COMPUTED_NAMES
from duikou.reports import figures
from tests.exchanges_kit import Kit
from tests.test_people_common import field_key  # noqa: F401 - fixture

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


@pytest.fixture
def kit(reg):
    return Kit(reg)


def test_events_count_those_starting_in_the_year_by_kind(kit):
    # one spanning the new year counts in the year it starts
    services.event_create(
        actor=None,
        kind="夏令营",
        title="跨年冬令营",
        start_date=D(2023, 12, 30),
        end_date=D(2024, 1, 3),
        places=[kit.reg.dulan],
        haixi_count=1,
    )
    e = figures.events(2023)
    assert e["by_kind"] == {"夏令营": 2, "疗休养": 1}
    assert e["count"] == 3 and e["participants"] == {"海西": 36, "浙江": 60}
    assert figures.events(2024)["by_kind"] == {"展览": 1}
    assert figures.events(2023, kit.reg.wulan_team)["by_kind"] == {"疗休养": 1}
    assert figures.events(2023, kit.reg.doctor)["count"] == 0


def test_offsite_classes_of_the_years_intake(kit):
    assert figures.offsite_classes(2023) == {"count": 1, "students": 40, "majors": ["旅游管理"]}
    assert figures.offsite_classes(2024) == {"count": 0, "students": 0, "majors": []}


def test_indicators_are_marked_entered_with_unit_and_source(kit):
    ind = figures.indicators(2023)
    assert ind == {
        "浙江游客人次": {
            "value": "1100000",
            "unit": "人次",
            "source": "海西州文体旅游广电局《2023年全州旅游市场统计》",
            "entered": True,
        }
    }
    assert figures.indicators(2022) == {}
    assert figures.indicators(2023, kit.reg.viewer) == ind


def test_compute_carries_the_three_parts(kit):
    data = figures.compute(2023)
    assert data["events"]["by_kind"]["夏令营"] == 1
    assert data["offsite_classes"]["students"] == 40
    assert data["indicators"]["浙江游客人次"]["entered"] is True


def test_no_computed_figure_key_can_be_taken_as_an_indicator_name(kit):
    """The refusal list of exchanges.vocab covers every key `duikou figures` prints."""
    assert set(figures.compute(2023)) <= COMPUTED_NAMES
