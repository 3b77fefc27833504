"""`duikou backup` / `duikou restore`: a round trip gives the same figures, history and files,
on the database the tests run on (SQLite, or PostgreSQL when DATABASE_URL says so: CI runs
both); the keys stay out of the archive and a restore refuses other keys or a full database."""

import errno
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from duikou.core import backup, crypto
from duikou.people.models import Person
from tests.test_people_common import TEST_KEY, field_key, person, posting  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("field_key"),
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def snapshot(media) -> dict:
    out = io.StringIO()
    call_command("figures", "--year", "2023", stdout=out)
    history = {
        model.__name__: model.objects.count()
        for model in (Person.history.model, *_history_models())
    }
    files = {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in Path(media).rglob("*")
        if p.is_file()
    }
    return {"figures": json.loads(out.getvalue()), "history": history, "files": files}


def _history_models():
    from django.apps import apps

    return [m for m in apps.get_models() if m.__name__.startswith("Historical")]


def test_round_trip_gives_identical_figures_history_and_files(reg, media, tmp_path):
    li = person(reg)
    posting(reg, li)
    li.photo.save("li.jpg", ContentFile(b"\xff\xd8\xff photo"), save=True)
    before = snapshot(media)
    assert before["files"] and before["history"]["HistoricalPerson"] >= 2
    out = io.StringIO()
    call_command("backup", "-o", str(tmp_path), stdout=out)
    archive = next(tmp_path.glob("duikou-backup-*.tar.gz"))
    manifest = backup.read_manifest(archive)
    assert manifest["engine"] == ("sqlite" if connection.vendor == "sqlite" else "postgresql")
    assert manifest["tables"]["people.person"] == 1
    assert [m["path"] for m in manifest["media"]] == list(before["files"])
    # Fingerprints only: no key in the archive.
    assert manifest["fingerprints"]["field_keys"] == [hashlib.sha256(TEST_KEY.encode()).hexdigest()]
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        blob = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert "manifest.json" in names and TEST_KEY.encode() not in blob
    from django.conf import settings

    assert settings.SECRET_KEY.encode() not in blob

    # Into a database that holds accounts: refused without --force.
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))
    # Lose everything, then restore.
    call_command("flush", interactive=False)
    for p in Path(media).rglob("*"):
        if p.is_file():
            p.unlink()
    assert not Person.objects.exists()
    call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot(media) == before
    assert Person.objects.get().clear_id_number() == li.clear_id_number()


def test_restore_refuses_other_keys(reg, media, tmp_path, monkeypatch):
    person(reg)
    path, _ = backup.backup(tmp_path / "b.tar.gz")
    call_command("flush", interactive=False)
    from cryptography.fernet import Fernet

    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_cache()
    with pytest.raises(CommandError, match="DUIKOU_FIELD_KEY"):
        call_command("restore", str(path))
    # The old key behind a new one (a rotation under way) is enough.
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode() + "," + TEST_KEY)
    crypto.reset_cache()
    call_command("restore", str(path), stdout=io.StringIO())
    assert Person.objects.count() == 1


def test_a_full_disk_leaves_no_half_backup(reg, media, tmp_path, monkeypatch):
    person(reg)
    target = tmp_path / "out" / "b.tar.gz"
    real = tarfile.TarFile.add

    def add(self, name, *args, **kwargs):
        real(self, name, *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "add", add)
    with pytest.raises(CommandError, match="磁盘空间不足"):
        call_command("backup", "-o", str(target))
    assert not target.exists() and list(target.parent.iterdir()) == []
