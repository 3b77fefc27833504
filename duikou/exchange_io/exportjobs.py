"""Export jobs: a large xlsx export built in the background (duikou.exchange_io.exports).

    job_start(...)  → a queued job (history: who exported what, with which filters), its task
    run(job_id)     → the task: the user's list rebuilt with the same filters, written in
                      write-only mode into a private file, progress and heartbeat as it goes
    open_file(job)  → the file for its user to download, until it expires
    sweep()         → jobs whose worker died marked failed; expired files deleted

Only the user who asked may see a job or download its file. The task rebuilds the list through
the export's registered `build(user, params)`, so the file holds exactly the rows the user's
scope and filters select (at the time the task runs). A file of personal data is sealed at rest
(duikou.core.crypto) like an uploaded workbook of personal data.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import crypto, heartbeat
from duikou.exchange_io import exports
from duikou.exchange_io.models import ExportJob

log = logging.getLogger(__name__)
Status = ExportJob.Status

DEFAULT_KEEP_HOURS = 24


def keep_hours() -> int:
    """How long a finished export's file is kept for its user (DUIKOU_EXPORT_KEEP_HOURS)."""
    return int(getattr(settings, "DUIKOU_EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def jobs_for_user(user: User):
    """A user's own export jobs: nobody sees another's (headquarters neither)."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user=user)


def job_start(
    *,
    actor: User,
    export: str,
    fmt: str,
    params: QueryDict,
    rows_total: int,
    table: exports.Table,
) -> ExportJob:
    """Record the export asked for and queue its task."""
    spec = exports.get(export)
    with transaction.atomic():
        job = ExportJob(
            user=actor,
            export=export,
            title=table.title[:100],
            fmt=fmt,
            params=params.urlencode(),
            filename=exports.download_name(table, fmt)[:255],
            rows_total=rows_total,
            sealed=spec.personal,
        )
        job._history_user = actor  # type: ignore[attr-defined]
        job.save()
    log.info("export job %s queued: %s, %s rows, user %s", job.pk, export, rows_total, actor.pk)
    from duikou.exchange_io import tasks  # tasks import this module

    result = tasks.export_job.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> ExportJob | None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return None
        job.status = Status.RUNNING
        job.heartbeat_at = timezone.now()
        job._history_user = job.user  # type: ignore[attr-defined]
        job.save()
    return job


def run(job_id: int) -> ExportJob | None:
    """The task: build the job's file, for its user, with its filters."""
    job = _claim(job_id)
    if job is None:
        return None
    rows = ExportJob.objects.filter(pk=job.pk)

    def progress(n: int) -> None:
        rows.filter(status=Status.RUNNING).update(rows_done=n, heartbeat_at=timezone.now())

    tmp_dir = os.path.join(settings.MEDIA_ROOT, "tmp")
    os.makedirs(tmp_dir, exist_ok=True)
    try:
        export = exports.get(job.export)
        table = export.build(job.user, QueryDict(job.params))
        with tempfile.TemporaryFile(dir=tmp_dir) as out:
            n = exports.write_xlsx(table, out, progress)
            out.seek(0)
            name = f"{uuid.uuid4().hex}.{job.fmt}"
            if job.sealed:
                # Sealing reads the (zipped) file whole; the rows were never held whole.
                content: File = ContentFile(crypto.seal(out.read()))
                name += ".sealed"
            else:
                content = File(out)
            with transaction.atomic():
                job.refresh_from_db()
                if job.status != Status.RUNNING:  # marked stale meanwhile: write nothing
                    return job
                job.file.save(name, content, save=False)
                job.size = job.file.size
                job.rows_done = n
                job.rows_total = n
                job.status = Status.DONE
                job.finished_at = timezone.now()
                job.expires_at = job.finished_at + dt.timedelta(hours=keep_hours())
                job.message = ""
                job._history_user = job.user  # type: ignore[attr-defined]
                job.save()
    except Exception as exc:  # the job fails with a message; the traceback goes to the log
        log.exception("export job %s failed", job.pk)
        job.refresh_from_db()
        job.status = Status.FAILED
        job.finished_at = timezone.now()
        job.expires_at = job.finished_at + dt.timedelta(hours=keep_hours())
        job.message = _("导出失败：%(e)s") % {"e": type(exc).__name__}
        job._history_user = job.user  # type: ignore[attr-defined]
        job.save()
    return job


def job_fresh(job: ExportJob) -> ExportJob:
    """The job as it is now, marked failed if its worker stopped beating."""
    if job.running and heartbeat.is_stale(job.heartbeat_at or job.created_at):
        _mark_stale(ExportJob.objects.filter(pk=job.pk))
        job.refresh_from_db()
    return job


def _mark_stale(rows) -> int:
    before = heartbeat.stale_before()
    stale = rows.filter(status__in=ExportJob.RUNNING).exclude(heartbeat_at__gte=before)
    stale = stale.filter(created_at__lt=before)
    n = 0
    for job in stale:
        job.status = Status.FAILED
        job.finished_at = timezone.now()
        job.expires_at = job.finished_at + dt.timedelta(hours=keep_hours())
        job.message = str(heartbeat.STALE_MESSAGE)
        job.save()
        n += 1
    return n


def downloadable(job: ExportJob) -> bool:
    return (
        job.status == Status.DONE
        and bool(job.file)
        and (job.expires_at is None or job.expires_at > timezone.now())
    )


def open_file(job: ExportJob) -> bytes | File:
    """The file to send (unsealed if it was sealed); counts the download."""
    ExportJob.objects.filter(pk=job.pk).update(downloads=job.downloads + 1)
    if job.sealed:
        with job.file.open("rb") as f:
            return crypto.unseal(f.read())
    return job.file.open("rb")


def expire(now: dt.datetime | None = None) -> int:
    """Delete the files of finished jobs past their time; the jobs stay, marked expired."""
    now = now or timezone.now()
    n = 0
    for job in ExportJob.objects.filter(
        status__in=[Status.DONE, Status.FAILED], expires_at__lte=now
    ):
        if job.file:
            job.file.delete(save=False)
        job.status = Status.EXPIRED
        job.size = 0
        job.save()
        n += 1
    return n


def sweep() -> int:
    """The periodic sweep (`duikou tasks_sweep`): stale jobs failed, expired files deleted."""
    n = heartbeat.mark_stale(lambda: _mark_stale(ExportJob.objects.all()))
    n += expire()
    if n:
        log.info("export sweep: %s job(s) marked failed or expired", n)
    return n
