"""Faults: the database lost while the server is up answers a clean 503 and recovers without a
restart; a full disk while writing a file leaves nothing half-written, with a clear error."""

import errno

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse

from duikou.core import files
from duikou.core.files import AtomicFileSystemStorage
from tests.test_people_common import LI_ID, field_key, person  # noqa: F401

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


# The database ----------------------------------------------------------------------------------


def test_a_database_error_in_a_view_answers_a_clean_503(reg, client_for, monkeypatch):
    client = client_for(reg.hq)

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("duikou.orders.views_runs.render", lost)
    response = client.get(reverse("orders:run_list"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "数据库暂时不可用，请稍后重试" in page and "Traceback" not in page
    assert response["Retry-After"] and "no-store" in response["Cache-Control"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_postgresql_restarted_under_the_server_recovers_without_a_restart(reg, client_for):
    import psycopg

    client = client_for(reg.hq)
    # As a server does: the exception becomes the error page (the test client would re-raise).
    client.raise_request_exception = False
    url = reverse("orders:run_list")
    assert client.get(url).status_code == 200
    pid = connection.connection.info.backend_pid
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], dbname="postgres", autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    first = client.get(url)
    assert first.status_code in (200, 503)
    if first.status_code == 503:
        assert "数据库暂时不可用" in first.content.decode()
    assert client.get(url).status_code == 200
    assert connection.connection.info.backend_pid != pid


# The disk --------------------------------------------------------------------------------------


def test_atomic_write_on_a_full_disk_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the previous report")

    def full(fd):
        raise ENOSPC

    monkeypatch.setattr("duikou.core.files.os.fsync", full)
    with pytest.raises(OSError) as exc:
        files.atomic_write(target, b"x" * 10_000)
    assert exc.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
    assert "磁盘空间不足" in files.disk_error_message(exc.value)


def test_the_upload_storage_leaves_no_half_file(tmp_path, monkeypatch):
    storage = AtomicFileSystemStorage(location=tmp_path)
    content = ContentFile(b"a" * 100_000)

    def chunks(chunk_size=None):
        yield b"a" * 1000
        raise ENOSPC

    monkeypatch.setattr(content, "chunks", chunks)
    with pytest.raises(OSError):
        storage.save("imports/errors/book-errors.xlsx", content)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert storage.save("imports/ok.xlsx", ContentFile(b"whole")) == "imports/ok.xlsx"
    assert (tmp_path / "imports" / "ok.xlsx").read_bytes() == b"whole"


@pytest.mark.django_db
@pytest.mark.usefixtures("field_key")
def test_an_error_workbook_on_a_full_disk_keeps_the_verdict(reg, settings, tmp_path, monkeypatch):
    from duikou.exchange_io import services
    from duikou.exchange_io.models import ImportBatch
    from tests.test_exchange_support import PROJECT_HEADER, make_book, project_row

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    book = make_book(
        tmp_path / "bad.xlsx", {"项目": [PROJECT_HEADER, project_row(**{"所在地": "火星"})]}
    )
    batch = services.batch_create(user=reg.hq, file=book, filename="bad.xlsx")
    real = AtomicFileSystemStorage._save

    def full(self, name, content):
        if "errors" in name:
            raise ENOSPC
        return real(self, name, content)

    monkeypatch.setattr(AtomicFileSystemStorage, "_save", full)
    services.batch_run(batch, dry_run=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED and batch.error_count
    assert not batch.error_file and "磁盘空间不足" in batch.message
    assert not list((tmp_path / "media").rglob("*errors*"))


@pytest.mark.django_db
@pytest.mark.usefixtures("field_key")
def test_a_person_export_on_a_full_disk_writes_nothing(reg, tmp_path, monkeypatch):
    person(reg)
    monkeypatch.setattr("duikou.core.files.os.fsync", lambda fd: (_ for _ in ()).throw(ENOSPC))
    out = tmp_path / "li.json"
    with pytest.raises(CommandError, match="写入"):
        call_command("people_export", "--person", LI_ID, "--reason", "本人申请", "-o", str(out))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_lost_database_before_any_view_gets_the_503_page_too(rf):
    from duikou.core import middleware

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = middleware.server_error(rf.get("/"))
    assert response.status_code == 503
    assert "数据库暂时不可用" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert middleware.server_error(rf.get("/")).status_code == 500
