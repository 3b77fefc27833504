"""Background work of the import pages (django-tasks): dry run, import and undo of a batch."""

from __future__ import annotations

from django_tasks import task

from duikou.accounts.models import User
from duikou.core import heartbeat
from duikou.exchange_io import services
from duikou.exchange_io.models import ImportBatch


@task()
def check_batch(batch_id: int) -> None:
    services.batch_run(ImportBatch.objects.get(pk=batch_id), dry_run=True)


@task()
def import_batch(batch_id: int) -> None:
    services.batch_run(ImportBatch.objects.get(pk=batch_id), dry_run=False)


@task()
def undo_batch(batch_id: int, user_id: int | None) -> None:
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    rows = ImportBatch.objects.filter(pk=batch_id)
    rows.filter(status=ImportBatch.Status.UNDOING).update(phase="undo")
    # The undo is one transaction that locks the batch: the beats land once it ends, and a
    # reader cannot mark it stale meanwhile either (heartbeat.beating).
    with heartbeat.beating(rows):
        services.batch_undo_or_explain(ImportBatch.objects.get(pk=batch_id), actor=actor)
    rows.update(phase="")


@task()
def export_job(job_id: int) -> None:
    from duikou.exchange_io import exportjobs

    exportjobs.run(job_id)
