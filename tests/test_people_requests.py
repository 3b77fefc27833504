"""A person's own requests (PIPL art. 45, 47): `duikou people_export` hands over everything held
about them, in clear, in the file only; `duikou people_erase` erases their personal data and
keeps postings, visits, achievements and every figure."""

import datetime as dt
import io
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from duikou.people import services
from duikou.people.models import AccessLog, AvailabilityWindow, Person
from duikou.people.vocab import AccessAction
from duikou.reports import figures
from tests.test_people_common import LI_ID, MA_ID, PHONE, field_key, person, posting  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]


@pytest.fixture
def li(reg, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    who = person(reg, note="住在都兰县")
    services.achievement_create(
        actor=None,
        posting=posting(reg, who),
        kind="讲座",
        count=1,
        title="卒中诊治讲座",
        date=dt.date(2023, 5, 1),
    )
    services.availability_create(
        actor=None, person=who, start_date=dt.date(2027, 1, 5), end_date=dt.date(2027, 1, 20)
    )
    who.photo.save("li.jpg", ContentFile(b"\xff\xd8\xff photo"), save=True)
    services.person_update(actor=None, person=who, phone="13987654321")
    return Person.objects.get(pk=who.pk)


def test_export_holds_everything_in_clear_and_logs_without_the_number(
    reg, li, tmp_path, caplog, capsys
):
    out = tmp_path / "li.json"
    caplog.set_level(logging.DEBUG)
    call_command(
        "people_export", "--person", LI_ID, "--reason", "本人申请 2025-03-01", "-o", str(out)
    )
    data = json.loads(out.read_text())
    assert data["person"]["id_number"] == LI_ID
    assert data["person"]["birth_date"] == "1985-06-15"
    assert data["person"]["phone"] == "13987654321" and data["person"]["name"] == "李明"
    assert data["person"]["photo"]
    records = data["records"]
    assert len(records["people.posting"]) == 1
    assert len(records["people.availabilitywindow"]) == 1
    assert records["people.achievement"][0]["title"] == "卒中诊治讲座"
    phones = [h["phone"] for h in data["history"]]
    assert phones[0] == PHONE and phones[-1] == "13987654321"
    assert all(h["id_number"] == LI_ID for h in data["history"])
    log = AccessLog.objects.get(action=AccessAction.COPY)
    assert log.person_id == li.pk and log.reason == "本人申请 2025-03-01"
    assert log.username.startswith("命令行:")
    assert "people.accesslog" in records  # the log of looks at their data
    printed = capsys.readouterr().out
    everything_logged = printed + caplog.text + log.detail + log.reason
    assert LI_ID not in everything_logged and "13987654321" not in everything_logged
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_export_refuses_without_a_reason_or_for_a_non_headquarters_user(reg, li, tmp_path):
    with pytest.raises(CommandError, match="理由"):
        call_command("people_export", "--person", str(li.pk), "--reason", " ", "-o", "x.json")
    with pytest.raises(PermissionDenied):
        services.person_export(actor=reg.dulan_team, person=li, reason="本人申请")
    with pytest.raises(CommandError, match="没有找到") as exc:
        call_command("people_export", "--person", MA_ID, "--reason", "本人申请", "-o", "x.json")
    assert MA_ID not in str(exc.value)
    assert not AccessLog.objects.exists()


def test_erase_removes_personal_data_and_keeps_the_records_and_figures(reg, li, settings):
    photo = li.photo.path
    before = figures.compute(2023)
    postings = list(li.postings.values("pk", "start_date", "end_date", "host_org", "kind"))
    call_command(
        "people_erase", "--person", str(li.pk), "--reason", "本人申请删除 2025-03-02", "--yes"
    )
    li = Person.objects.get(pk=li.pk)
    assert li.name == f"已删除人员#{li.pk}"
    assert li.id_cipher == "" and li.phone_cipher == "" and not li.photo and li.note == ""
    assert not Person.objects.with_id_number(LI_ID).exists()
    assert not AvailabilityWindow.objects.exists()
    assert not AvailabilityWindow.history.filter(person_id=li.pk).exists()
    import os

    assert not os.path.exists(photo)
    # History keeps its rows (who changed what, when) but no old name or ciphertext.
    history = li.history.all()
    assert history.count() >= 3
    assert {h.name for h in history} == {li.name}
    assert {(h.id_cipher, h.phone_cipher, h.note, h.photo) for h in history} == {("", "", "", "")}
    # Postings and the figures built on them are untouched.
    assert list(li.postings.values("pk", "start_date", "end_date", "host_org", "kind")) == postings
    assert li.achievements.count() == 1
    assert figures.compute(2023) == before
    log = AccessLog.objects.get(action=AccessAction.ERASE)
    assert log.person_id == li.pk and LI_ID not in log.detail
    # Export after erasure: nothing personal left to hand over.
    data = services.person_export(actor=reg.hq, person=li, reason="核对删除结果")
    assert data["person"]["id_number"] == "" and data["person"]["erased"]
    # Erasing twice is refused; the key rotation skips the erased person.
    with pytest.raises(ValidationError):
        services.person_erase(actor=reg.hq, person=li, reason="再次删除")
    person(reg, id_number=MA_ID, name="马丽")
    assert services.people_rekey() == 2
    assert Person.objects.get(pk=li.pk).id_hash == f"erased-{li.pk}"


def test_erase_refuses_without_reason_asks_for_confirmation_and_checks_the_role(
    reg, li, monkeypatch
):
    with pytest.raises(CommandError, match="理由"):
        call_command("people_erase", "--person", str(li.pk), "--reason", "", "--yes")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("people_erase", "--person", str(li.pk), "--reason", "本人申请删除")
    with pytest.raises(PermissionDenied):
        services.person_erase(actor=reg.viewer, person=li, reason="本人申请删除")
    assert Person.objects.get(pk=li.pk).name == "李明"
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    out = io.StringIO()
    call_command(
        "people_erase", "--person", LI_ID, "--reason", "本人申请删除", "--user", "hq", stdout=out
    )
    assert LI_ID not in out.getvalue()
    assert AccessLog.objects.get(action=AccessAction.ERASE).user == reg.hq
