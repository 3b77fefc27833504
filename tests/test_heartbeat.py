"""Issue 10 #10: a background task whose worker died is marked failed after a timeout, with a
message, and can be run again; a live one (fresh heartbeat) is left alone."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from duikou.core import heartbeat
from duikou.exchange_io import services
from duikou.exchange_io.models import ImportBatch
from duikou.orders import runs
from duikou.orders.models import PlanningRun, RunStatus
from duikou.projects.models import MoneyFlow, Project
from tests.test_exchange_views import good_book, upload
from tests.test_orders_runs import records  # noqa: F401 - fixture
from tests.test_orders_runs_common import PE, PS
from tests.test_people_common import field_key  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_key")]
Status = ImportBatch.Status
STALE = "后台任务已中断（工作进程停止响应），未写入任何数据，可重新运行。"


@pytest.fixture(autouse=True)
def inline_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DUIKOU_TASK_STALE_SECONDS = 120


def ago(seconds: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def left_running(client, tmp_path, status, seconds, phase="write") -> ImportBatch:
    """A checked batch whose worker 'died' `seconds` ago in `status`."""
    upload(client, good_book(tmp_path))
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == Status.CHECKED
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, phase=phase, heartbeat_at=ago(seconds)
    )
    batch.refresh_from_db()
    return batch


def test_a_killed_import_is_marked_failed_on_read_and_can_be_retried(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    batch = left_running(client, tmp_path, Status.IMPORTING, 300)
    page = client.get(reverse("exchange_io:batch_status", args=[batch.pk])).content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.FAILED and batch.message == STALE
    assert batch.interrupted_status == Status.IMPORTING and batch.retryable
    assert STALE in page and 'id="retry"' in page and "hx-trigger" not in page
    assert not Project.objects.exists()
    # Someone else's batch cannot be retried: the county team next door gets a 404.
    other = client_for(reg.wulan_team)
    assert other.post(reverse("exchange_io:batch_retry", args=[batch.pk])).status_code == 404
    viewer = client_for(reg.viewer)
    assert viewer.post(reverse("exchange_io:batch_retry", args=[batch.pk])).status_code == 403
    client = client_for(reg.dulan_team)  # one test client, signed in again
    response = client.post(reverse("exchange_io:batch_retry", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Status.IMPORTED and not batch.interrupted_status
    assert "重新运行" not in batch.message
    assert Project.objects.count() == 1 and MoneyFlow.objects.count() == 1
    # Retrying twice does nothing more.
    client.post(reverse("exchange_io:batch_retry", args=[batch.pk]))
    assert MoneyFlow.objects.count() == 1


def test_a_killed_dry_run_is_retried_as_a_dry_run(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    batch = left_running(client, tmp_path, Status.CHECKING, 300, phase="check")
    assert services.batches_sweep() == 1
    batch.refresh_from_db()
    assert batch.status == Status.FAILED and batch.interrupted_status == Status.CHECKING
    client.post(reverse("exchange_io:batch_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == Status.CHECKED and not Project.objects.exists()


def test_a_killed_undo_leaves_the_batch_imported(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    batch = left_running(client, tmp_path, Status.CHECKED, 0)
    client.post(reverse("exchange_io:batch_confirm", args=[batch.pk]))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.UNDOING, phase="undo", heartbeat_at=ago(500)
    )
    batch = services.batch_mark_if_stale(ImportBatch.objects.get(pk=batch.pk))
    assert batch.status == Status.IMPORTED and batch.undo_message == STALE
    assert Project.objects.count() == 1


def test_a_live_or_waiting_batch_is_left_alone(client_for, reg, tmp_path):
    client = client_for(reg.dulan_team)
    fresh = left_running(client, tmp_path, Status.IMPORTING, 10)
    waiting = left_running(client, tmp_path, Status.IMPORTING, 900, phase="queued")
    assert services.batches_sweep() == 0
    for batch in (fresh, waiting):
        page = client.get(reverse("exchange_io:batch_status", args=[batch.pk])).content.decode()
        batch.refresh_from_db()
        assert batch.status == Status.IMPORTING and "hx-trigger" in page
        assert not services.can_retry(reg.dulan_team, batch)
    with pytest.raises(ValidationError, match="不能重新运行"):  # not interrupted: nothing to retry
        services.batch_retry(actor=reg.hq, batch=ImportBatch.objects.get(pk=fresh.pk))
    with pytest.raises(PermissionDenied):  # another county team's batch
        services.batch_retry(actor=reg.wulan_team, batch=ImportBatch.objects.get(pk=fresh.pk))


def test_an_import_beats_while_it_runs(client_for, reg, tmp_path, monkeypatch):
    beats = []
    real = services.engine.run

    def spy(*args, **kwargs):
        batch = kwargs["batch"]
        beats.append(ImportBatch.objects.get(pk=batch.pk).heartbeat_at)
        return real(*args, **kwargs)

    monkeypatch.setattr(services.engine, "run", spy)
    upload(client_for(reg.dulan_team), good_book(tmp_path))
    assert beats and beats[0] is not None and not heartbeat.is_stale(beats[0])


def test_an_abandoned_import_stops_writing_progress(client_for, reg, tmp_path, monkeypatch):
    """A worker that was only slow finds its batch marked failed and gives it up."""
    upload(client_for(reg.dulan_team), good_book(tmp_path))
    batch = ImportBatch.objects.get()

    def dies(source, *, progress, batch, **kwargs):
        ImportBatch.objects.filter(pk=batch.pk).update(status=Status.FAILED)
        progress(1, 2, "check")

    monkeypatch.setattr(services.engine, "run", dies)
    result = services.batch_run(batch, dry_run=False)
    assert result.fatal == STALE and not result.written
    assert ImportBatch.objects.get().status == Status.FAILED


def test_the_beat_thread_writes_while_the_task_is_busy(client_for, reg, tmp_path):
    upload(client_for(reg.dulan_team), good_book(tmp_path))
    rows = ImportBatch.objects.filter(pk=ImportBatch.objects.get().pk)
    rows.update(heartbeat_at=ago(1000))
    with heartbeat.beating(rows, every=0.05):
        assert not heartbeat.is_stale(rows.get().heartbeat_at)


# Planning runs ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("records")
def test_a_killed_planning_run_is_marked_failed_on_read_and_can_be_rerun(reg, client_for):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    PlanningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=ago(400), heartbeat_at=ago(300)
    )
    client = client_for(reg.viewer)  # reading is enough to notice
    page = client.get(reverse("orders:run_detail", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.message == STALE and run.finished_at
    assert STALE in page
    assert run.history.first().history_change_reason == "后台任务中断"
    # The viewer may read but not re-run; headquarters re-runs.
    assert client.post(reverse("orders:run_rerun", args=[run.pk])).status_code == 403
    hq = client_for(reg.hq)
    response = hq.post(reverse("orders:run_rerun", args=[run.pk]))
    new = PlanningRun.objects.latest("pk")
    assert response.status_code == 302 and new.pk != run.pk
    assert (new.period_start, new.period_end) == (PS, PE)


@pytest.mark.usefixtures("records")
def test_a_running_planning_run_with_a_fresh_heartbeat_is_left_alone(reg):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, enqueue=False)
    # Started long ago (a long time limit), but beating: alive.
    PlanningRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=ago(1000), heartbeat_at=ago(5)
    )
    assert runs.runs_sweep() == 0
    run = runs.run_mark_if_stale(PlanningRun.objects.get(pk=run.pk))
    assert run.status == RunStatus.RUNNING
    PlanningRun.objects.filter(pk=run.pk).update(heartbeat_at=ago(1000))
    out = []

    class Out:
        def write(self, text):
            out.append(text)

    call_command("tasks_sweep", stdout=Out())
    assert "planning_runs: 1" in "".join(out)
    assert PlanningRun.objects.get(pk=run.pk).status == RunStatus.FAILED


@pytest.mark.usefixtures("records")
def test_a_planning_run_beats_with_its_progress(reg):
    run = runs.run_create(actor=reg.hq, period_start=PS, period_end=PE, time_limit=5, enqueue=False)
    run = runs.run_execute(run.pk)
    assert run.status == RunStatus.DONE and run.heartbeat_at is not None
