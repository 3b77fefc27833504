"""Exchanges services: the writes, bad input refused naming the field with nothing saved,
personal data encrypted, indicator history, county teams recording only in their counties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.exchanges import services
from duikou.exchanges.models import (
    Event,
    EventPhoto,
    Indicator,
    IndicatorValue,
    OffsiteClass,
    Participant,
)
from tests.exchanges_kit import ID_NUMBER, PHONE, Kit, png
from tests.test_people_common import field_key  # noqa: F401 - fixture

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


@pytest.fixture
def kit(reg):
    return Kit(reg)


def _event(reg, **over):
    data = {
        "kind": "展览",
        "title": "海西非遗展",
        "start_date": D(2023, 9, 20),
        "end_date": D(2023, 10, 8),
        "places": [reg.hangzhou],
    }
    data.update(over)
    return data


def test_an_event_is_created_with_its_places_organisers_and_history(reg):
    event = services.event_create(
        actor=reg.hq, organisers=[reg.dulan_hospital], **_event(reg, haixi_count=3)
    )
    assert list(event.places.all()) == [reg.hangzhou]
    assert list(event.organisers.all()) == [reg.dulan_hospital]
    assert event.days == 19 and event.participants_total == 3
    assert event.history.count() == 1 and event.history.first().history_user == reg.hq


def test_an_event_ending_before_it_starts_is_refused_naming_the_end_date(reg):
    with pytest.raises(ValidationError) as err:
        services.event_create(actor=reg.hq, **_event(reg, end_date=D(2023, 9, 19)))
    assert "end_date" in err.value.message_dict
    assert "结束日期" in err.value.message_dict["end_date"][0]
    assert not Event.objects.exists()


def test_an_unknown_kind_and_a_negative_count_are_refused(reg):
    with pytest.raises(ValidationError) as err:
        services.event_create(actor=reg.hq, **_event(reg, kind="聚餐", zhejiang_count=-1))
    assert {"kind", "zhejiang_count"} <= set(err.value.message_dict)
    assert not Event.objects.exists()


def test_a_place_outside_haixi_and_zhejiang_is_refused(reg):
    from duikou.core.models import Division

    xining = Division.objects.get(code="630100")
    with pytest.raises(ValidationError) as err:
        services.event_create(actor=reg.hq, **_event(reg, places=[xining]))
    assert "places" in err.value.message_dict


def test_a_county_team_records_events_of_its_counties_only(reg):
    event = services.event_create(actor=reg.dulan_team, **_event(reg, places=[reg.dulan]))
    assert event.created_by == reg.dulan_team
    with pytest.raises(ValidationError) as err:
        services.event_create(actor=reg.dulan_team, **_event(reg, title="乌兰", places=[reg.wulan]))
    assert "places" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.event_update(actor=reg.wulan_team, event=event, title="改")
    with pytest.raises(ValidationError):  # nor move its event out of its counties
        services.event_update(actor=reg.dulan_team, event=event, places=[reg.wulan])
    for outsider in (reg.liaison, reg.doctor, reg.viewer):
        with pytest.raises(PermissionDenied):
            services.event_create(actor=outsider, **_event(reg, title="x", places=[reg.dulan]))
    assert Event.objects.count() == 1


def test_a_place_change_is_a_history_row_with_its_reason(kit, reg):
    services.event_update(actor=reg.hq, event=kit.dulan_event, places=[reg.dulan, reg.jiaxing])
    latest = kit.dulan_event.history.first()
    assert "地点" in latest.history_change_reason and "嘉兴" in latest.history_change_reason


def test_named_participants_keep_phone_and_id_encrypted(kit):
    row = Participant.objects.get(pk=kit.person.pk)
    assert PHONE not in row.phone_cipher and ID_NUMBER not in row.id_cipher
    assert row.phone_masked == "139****5678"
    assert row.id_masked.startswith("632802") and ID_NUMBER not in row.id_masked
    for h in row.history.all():
        assert PHONE not in str(h.phone_cipher) and ID_NUMBER not in str(h.id_cipher)


def test_a_bad_phone_or_id_number_is_refused_without_echoing_it(kit, reg):
    with pytest.raises(ValidationError) as err:
        services.participant_add(
            actor=reg.hq,
            event=kit.dulan_event,
            name="甲",
            side="海西",
            id_number="632802199001011230",
        )
    assert "id_number" in err.value.message_dict
    assert "632802199001011230" not in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.participant_add(
            actor=reg.hq, event=kit.dulan_event, name="甲", side="海西", phone="123"
        )
    assert "phone" in err.value.message_dict
    assert Participant.objects.count() == 1


def test_photos_are_checked_by_content(kit, reg, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    good = png()
    added = services.event_photos_add(actor=reg.dulan_team, event=kit.dulan_event, photos=[good])
    assert len(added) == 1 and added[0].image.name.startswith(f"exchanges/{kit.dulan_event.pk}/")
    fake = SimpleUploadedFile("evil.png", b"<html><script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationError):
        services.event_photos_add(actor=reg.hq, event=kit.dulan_event, photos=[fake])
    with pytest.raises(PermissionDenied):
        services.event_photos_add(actor=reg.wulan_team, event=kit.dulan_event, photos=[png()])
    assert EventPhoto.objects.count() == 1


def test_negative_students_are_refused_naming_the_field(kit, reg):
    with pytest.raises(ValidationError) as err:
        services.offsite_class_create(
            actor=reg.hq,
            school=kit.school,
            haixi_org=kit.college,
            major="烹饪",
            intake_year=2023,
            students=-5,
        )
    assert "students" in err.value.message_dict
    assert OffsiteClass.objects.count() == 1
    with pytest.raises(ValidationError) as err:  # sides swapped
        services.offsite_class_create(
            actor=reg.hq,
            school=kit.college,
            haixi_org=kit.school,
            major="烹饪",
            intake_year=2023,
            students=5,
        )
    assert {"school", "haixi_org"} <= set(err.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.offsite_class_update(actor=reg.dulan_team, offsite_class=kit.offsite, students=1)


def test_an_indicator_without_a_source_is_refused_naming_the_source(kit, reg):
    with pytest.raises(ValidationError) as err:
        services.indicator_value_set(
            actor=reg.hq, indicator=kit.tourists, year=2024, value="1250000", source="  "
        )
    assert "source" in err.value.message_dict and "来源文件" in err.value.message_dict["source"][0]
    assert not IndicatorValue.objects.filter(year=2024).exists()


def test_indicator_values_are_exact_and_corrections_keep_history(kit, reg):
    value = services.indicator_value_set(
        actor=reg.hq, indicator=kit.tourists, year=2023, value="1,100,000.5", source="更正后的公报"
    )
    assert value.pk == kit.tourists_2023.pk
    value.refresh_from_db()
    assert value.value == Decimal("1100000.5") and value.value_text == "1100000.5"
    assert value.history.count() == 2 and value.entered_by == reg.hq
    with pytest.raises(ValidationError) as err:
        services.indicator_value_set(
            actor=reg.hq, indicator=kit.tourists, year=2023, value="很多", source="x"
        )
    assert "value" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.indicator_value_set(
            actor=reg.dulan_team, indicator=kit.tourists, year=2022, value="1", source="x"
        )


def test_computed_figure_names_cannot_become_indicators(reg):
    for name in ("项目数", "sales", "Events", "销售额"):
        with pytest.raises(ValidationError) as err:
            services.indicator_create(actor=reg.hq, name=name, unit="个")
        assert "name" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.indicator_create(actor=reg.hq, name="浙江职工疗休养人次", unit="")
    assert "unit" in err.value.message_dict
    assert not Indicator.objects.exists()


def test_a_locked_year_refuses_changes_to_its_events_classes_and_indicators(kit, reg):
    from duikou.core import locks

    locks.year_lock(2023, actor=reg.hq)
    with pytest.raises(locks.YearLocked):
        services.event_update(actor=reg.hq, event=kit.dulan_event, haixi_count=31)
    with pytest.raises(locks.YearLocked):
        services.offsite_class_update(actor=reg.hq, offsite_class=kit.offsite, students=41)
    with pytest.raises(locks.YearLocked):
        services.indicator_value_set(
            actor=reg.hq, indicator=kit.tourists, year=2023, value="1", source="更正"
        )
    # a note changes no figure; the unlocked 2024 stays open; participants are not counted
    services.event_update(actor=reg.hq, event=kit.dulan_event, note="补记")
    services.event_update(actor=reg.hq, event=kit.hangzhou_event, zhejiang_count=301)
    services.participant_add(actor=reg.hq, event=kit.dulan_event, name="乙", side="浙江")
    kit.dulan_event.refresh_from_db()
    assert kit.dulan_event.haixi_count == 30
