"""Import batches: create one from an upload, run its dry run or import, undo it."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import Role, User
from duikou.core import crypto, files, heartbeat, locks
from duikou.core.bulk import chunked
from duikou.exchange_io import cells, engine, reader, specs
from duikou.exchange_io.models import ImportBatch, ImportChange
from duikou.exchange_io.report import ImportResult, error_workbook

log = logging.getLogger(__name__)
Status = ImportBatch.Status
PROGRESS_EVERY = 0.5  # seconds between progress writes


# Who may import --------------------------------------------------------------------------


def can_import(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role
        in {
            Role.HEADQUARTERS,
            Role.COUNTY_TEAM,
        }
    )


def batches_for_user(user: User) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.select_related("user", "undone_by").defer("preview")
    if not can_import(user):
        return qs.none()
    if user.role == Role.HEADQUARTERS:
        return qs
    return qs.filter(user=user)


def cli_actor() -> User | None:
    """`duikou import` acts as headquarters: the first active headquarters user, if any."""
    return User.objects.filter(role=Role.HEADQUARTERS, is_active=True).order_by("pk").first()


# Running ---------------------------------------------------------------------------------


def batch_create(
    *,
    user: User | None,
    file: Any,
    filename: str,
    via: str = ImportBatch.Via.WEB,
    username: str = "",
) -> ImportBatch:
    """Store the uploaded workbook (an UploadedFile, a path or bytes) in a new batch.

    A workbook with a sheet of personal data (人员, 培训) is stored sealed: encrypted under the
    field key (duikou.core.crypto), never in clear on disk.
    """
    batch = ImportBatch(
        user=user,
        username=username or (user.username if user else ""),
        via=via,
        filename=Path(filename).name[:255],
    )
    if isinstance(file, str | Path):
        data = Path(file).read_bytes()
    elif isinstance(file, bytes):
        data = file
    else:
        file.seek(0)
        data = file.read()
    batch.size = len(data)
    name = batch.filename or "book.xlsx"
    if holds_personal_data(data):
        batch.file.save(name + SEALED_SUFFIX, ContentFile(seal(data)), save=False)
    else:
        batch.file.save(name, ContentFile(data), save=False)
    batch.save()
    return batch


# Personal data at rest -------------------------------------------------------------------

# The format lives in core.crypto (people's photos are sealed the same way).
SEALED = crypto.SEALED
SEALED_SUFFIX = ".sealed"


def holds_personal_data(data: bytes) -> bool:
    """Does the upload hold a sheet of personal data? Told by its sheet names (a CSV: by its
    header); a file that is no workbook at all cannot be imported and is not looked into."""
    names = engine.personal_sheet_names()
    try:
        # Not reader.check_file: a file over the import limit is refused later, but stored now.
        if reader.sniff(data[: reader.HEAD]) == "csv":
            return reader.csv_table(data)[0].name in names
        if reader.sniff(data[: reader.HEAD]) == "xlsx":
            # The sheet names alone, without loading the sheets.
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                book = archive.read("xl/workbook.xml")
            sheets = [
                element.get("name", "")
                for element in ElementTree.fromstring(book).iter()
                if element.tag.rsplit("}", 1)[-1] == "sheet"
            ]
        else:  # .xls, .ods
            sheets = reader.sheet_titles(data)
    except Exception:  # not a workbook, or a damaged one: the importer cannot read it either
        return False
    return any(cells.strip(sheet) in names for sheet in sheets)


seal = crypto.seal
unseal = crypto.unseal


def is_sealed(field: FieldFile) -> bool:
    with field.open("rb") as fh:
        return fh.read(len(SEALED)) == SEALED


def stored_bytes(field: FieldFile) -> bytes:
    """A stored file's clear content."""
    with field.open("rb") as fh:
        return unseal(fh.read())


def _source(batch: ImportBatch) -> reader.Source:
    if is_sealed(batch.file):
        return stored_bytes(batch.file)
    try:
        return batch.file.path
    except NotImplementedError:  # a storage without local paths
        with batch.file.open("rb") as fh:
            return fh.read()


def _read_source(batch: ImportBatch) -> bytes:
    return stored_bytes(batch.file)


RESULT_FIELDS = [
    "status",
    "phase",
    "rows_total",
    "rows_done",
    "summary",
    "warnings",
    "errors",
    "warning_count",
    "error_count",
    "message",
    "error_file",
    "checked_at",
    "imported_at",
    "preview",
]


class TaskAbandoned(Exception):
    """The batch was marked failed (its worker looked dead) while this run was still going."""


def batch_run(batch: ImportBatch, *, dry_run: bool) -> ImportResult:
    """Run the batch's dry run or its import, storing progress and the outcome on it.

    The run beats a heartbeat on the batch (progress, and `heartbeat.beating` through the
    write phase); a batch whose heartbeat stops is marked failed by `batch_mark_if_stale`.
    """
    batch.status = Status.CHECKING if dry_run else Status.IMPORTING
    batch.phase = "read"
    batch.rows_done = 0
    batch.message = ""
    batch.interrupted_status = ""
    batch.heartbeat_at = timezone.now()
    batch.save(
        update_fields=[
            "status",
            "phase",
            "rows_done",
            "message",
            "interrupted_status",
            "heartbeat_at",
        ]
    )
    rows = ImportBatch.objects.filter(pk=batch.pk)
    running = rows.filter(status=batch.status)
    last = 0.0

    def progress(done: int, total: int, phase: str) -> None:
        nonlocal last
        now = time.monotonic()
        if phase != "check" or now - last >= PROGRESS_EVERY or done >= total:
            updated = running.update(
                rows_done=done, rows_total=total, phase=phase, heartbeat_at=timezone.now()
            )
            if not updated:  # marked failed meanwhile: someone may already run it again
                raise TaskAbandoned
            last = now

    # An import confirmed after a dry run writes only the risky updates its uploader saw and
    # accepted; one the preview did not show (the records changed since) refuses it.
    accepted = None if dry_run or batch.checked_at is None else batch.accepted_signatures()
    try:
        with heartbeat.beating(running):
            result = engine.run(
                _source(batch),
                actor=batch.user,
                dry_run=dry_run,
                filename=batch.filename,
                batch=batch,
                progress=progress,
                accepted=accepted,
            )
    except TaskAbandoned:
        log.warning("import batch %s was marked interrupted while running; stopped", batch.pk)
        result = ImportResult(filename=batch.filename, dry_run=dry_run)
        result.fatal = str(heartbeat.STALE_MESSAGE)
        return result
    except Exception:
        log.exception("import batch %s crashed", batch.pk)
        batch.status = Status.FAILED
        batch.phase = ""
        batch.message = _("导入时发生内部错误，未写入任何数据。请把文件发给管理员。")
        batch.save(update_fields=["status", "phase", "message"])
        raise
    _store(batch, result, dry_run=dry_run)
    return result


# Workers that died -------------------------------------------------------------------------

#: the statuses in which a worker holds the batch (IMPORTING/UNDOING with phase "queued" wait
#: for a worker to take them: no worker is lost yet)
WORKING = (Status.CHECKING, Status.IMPORTING, Status.UNDOING)


def _stale_rows() -> QuerySet[ImportBatch]:
    cutoff = heartbeat.stale_before()
    return (
        ImportBatch.objects.filter(status__in=WORKING)
        .exclude(phase="queued")
        .filter(
            models.Q(heartbeat_at__lt=cutoff)
            | models.Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
    )


def batch_mark_if_stale(batch: ImportBatch) -> ImportBatch:
    """Mark the batch failed if its worker died (no heartbeat for the timeout); the batch as
    it now is. Checked whenever a batch's status is read, and by `batches_sweep`.

    Its dry run or import was one transaction, so nothing was written: it can be retried
    (`batch_retry`). An interrupted undo leaves the batch imported, as it still is.
    """
    if batch.status not in WORKING or batch.phase == "queued":
        return batch
    if not heartbeat.is_stale(batch.heartbeat_at or batch.created_at):
        return batch
    heartbeat.mark_stale(lambda: _mark(_stale_rows().filter(pk=batch.pk)))
    batch.refresh_from_db()
    return batch


def _mark(rows: QuerySet[ImportBatch]) -> int:
    message = str(heartbeat.STALE_MESSAGE)
    n = rows.filter(status=Status.UNDOING).update(
        status=Status.IMPORTED, phase="", undo_message=message
    )
    for status in (Status.CHECKING, Status.IMPORTING):
        n += rows.filter(status=status).update(
            status=Status.FAILED, phase="", interrupted_status=status, message=message
        )
    if n:
        log.warning("marked %s import batch(es) interrupted: their worker stopped", n)
    return n


def batches_sweep() -> int:
    """Mark every batch whose worker died (the periodic sweep); how many were marked."""
    return heartbeat.mark_stale(lambda: _mark(_stale_rows()))


def may_retry(user: User, batch: ImportBatch) -> bool:
    """Its uploader and headquarters may run a batch again (when it can be run again)."""
    return batch.user_id == user.pk or user.role == Role.HEADQUARTERS


def can_retry(user: User, batch: ImportBatch) -> bool:
    return batch.retryable and may_retry(user, batch)


def batch_retry(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Run an interrupted batch's step again: its dry run, or its import (which checks the
    stored file again, as every import does)."""
    if not may_retry(actor, batch):
        raise PermissionDenied
    if not batch.retryable:
        raise ValidationError(_("该批次不是因后台任务中断而失败的，不能重新运行。"))
    step = batch.interrupted_status
    again = Status.QUEUED if step == Status.CHECKING else Status.IMPORTING
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status=Status.FAILED, interrupted_status=step
    ).update(
        status=again,
        phase="queued",
        rows_done=0,
        interrupted_status="",
        heartbeat_at=None,
        message=_("%(who)s 于 %(when)s 重新运行。")
        % {"who": actor, "when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
    if not claimed:
        raise ValidationError(_("该批次不是因后台任务中断而失败的，不能重新运行。"))
    log.info("import batch %s retried by %s (step %s)", batch.pk, actor.pk, step)
    from duikou.exchange_io import tasks  # tasks import this module

    task = tasks.check_batch if step == Status.CHECKING else tasks.import_batch
    result = task.enqueue(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])
    batch.refresh_from_db()
    return batch


def _store(batch: ImportBatch, result: ImportResult, *, dry_run: bool) -> None:
    now = timezone.now()
    batch.summary = result.summary_json()
    batch.warnings = result.problems_json(result.warnings)
    batch.errors = result.problems_json(result.errors)
    batch.warning_count = len(result.warnings)
    batch.error_count = len(result.errors) + (1 if result.fatal else 0)
    batch.message = result.fatal
    batch.preview = result.changes.as_json() if result.ok else {}
    batch.phase = ""
    batch.rows_total = result.total_rows
    batch.rows_done = result.total_rows
    if result.errors:
        # A copy of the upload: sealed like it. The command line keeps none of a sealed upload:
        # it writes the copy from the user's own file where --errors-out says.
        sealed = is_sealed(batch.file)
        if not (sealed and batch.via == ImportBatch.Via.CLI):
            data = _read_source(batch)
            content = error_workbook(_as_workbook(data), result.errors)
            name = Path(batch.filename).stem + "-errors.xlsx"
            try:
                if sealed:
                    batch.error_file.save(
                        name + SEALED_SUFFIX, ContentFile(seal(content)), save=False
                    )
                else:
                    batch.error_file.save(name, ContentFile(content), save=False)
            except OSError as exc:  # a full disk: the verdict stands, without the marked copy
                log.error("import batch %s: error workbook not written: %s", batch.pk, exc)
                batch.error_file = None
                note = _("错误标注工作簿未能保存：") + files.disk_error_message(exc)
                batch.message = f"{batch.message}\n{note}".strip()
    if dry_run:
        batch.status = Status.CHECKED if result.ok else Status.REJECTED
        batch.checked_at = now
    else:
        batch.status = Status.IMPORTED if result.written else Status.FAILED
        batch.imported_at = now if result.written else None
    batch.save(update_fields=RESULT_FIELDS)


def _as_workbook(data: bytes) -> bytes:
    """The uploaded file as an .xlsx the error report can mark (a CSV, an .xls or an .ods is
    turned into one: the error workbook always comes back as .xlsx)."""
    kind = reader.sniff(data[: reader.HEAD])
    if kind == "xlsx":
        return data
    if kind in ("xls", "ods"):
        try:
            return reader.as_xlsx(data)
        except reader.WorkbookError:
            return b""
    try:
        spec, table = reader.csv_table(data)
    except reader.WorkbookError:
        return b""
    from openpyxl import Workbook

    from duikou.lib.xlsx import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = spec.name
    for row in table:
        ws.append(row)
    return workbook_bytes(wb)  # a CSV's "=…" text stays text, not a formula


def error_report_bytes(data: bytes, result: ImportResult) -> bytes:
    return error_workbook(_as_workbook(data), result.errors)


# Undo ------------------------------------------------------------------------------------


# The ledgers' undo hooks refuse with it too (specs), so it lives in the registry.
UndoRefused = specs.UndoRefused


def _describe(obj: models.Model) -> str:
    try:
        text = str(obj)
    except ObjectDoesNotExist:  # a history record whose related rows are gone
        text = f"#{obj.pk}"
    return _("%(what)s“%(name)s”") % {"what": obj._meta.verbose_name, "name": text}


def _later_changes(batch: ImportBatch, ids: dict[str, set[int]]) -> list[str]:
    problems = []
    for label, pks in ids.items():
        model = apps.get_model(label)
        history = model.history.model
        mark = int(batch.history_marks.get(label, 0))
        for chunk in chunked(pks):
            newer = (
                history.objects.filter(id__in=chunk, history_id__gt=mark)
                .select_related("history_user")
                .order_by("history_id")[:5]
            )
            for h in newer:
                problems.append(
                    _("%(what)s 在本次导入之后又被修改过（%(when)s，%(who)s）。")
                    % {
                        "what": _describe(h.instance),
                        "when": timezone.localtime(h.history_date).strftime("%Y-%m-%d %H:%M"),
                        "who": h.history_user or _("系统"),
                    }
                )
            if len(problems) >= 5:
                return problems
    return problems


def _from_json(model: type[models.Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    if value is None:
        return None
    related = field.related_model
    if (
        field.many_to_many and isinstance(related, type) and issubclass(related, models.Model)
    ):  # a list of ids (preferred experts)
        return list(related._default_manager.filter(pk__in=value))
    if field.is_relation and isinstance(related, type) and issubclass(related, models.Model):
        return related._default_manager.get(pk=value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    if (
        isinstance(field, models.Field)
        and field.get_internal_type() == "BigIntegerField"
        and isinstance(value, str)
    ):
        return Decimal(value)  # MoneyField: yuan as text
    return value


def _stamp(label: str, pk: int, reason: str, actor: User | None) -> None:
    history = apps.get_model(label).history.model
    newest = history.objects.filter(id=pk).order_by("-history_id").values("history_id")[:1]
    history.objects.filter(history_id__in=newest).update(
        history_change_reason=reason, history_user=actor
    )


def _hooks_for(hooks: list[specs.UndoHooks], label: str) -> specs.UndoHooks:
    for h in hooks:
        if label in h.delete_order:
            return h
    raise ValueError(f"no ledger undoes {label}")  # pragma: no cover - every sheet registers


def _dependants(hooks: list[specs.UndoHooks], created: dict[str, set[int]]) -> list[str]:
    problems: list[str] = []
    for h in hooks:
        problems += h.dependants(created)
    return problems[:10]


def batch_undo(batch: ImportBatch, *, actor: User | None) -> None:
    """Put back what the batch changed and delete what it created, if nothing depends on it.

    The ledgers say how (specs.UndoHooks): what depends on their records, how an updated record
    is put back, in which order created records are deleted, and what to check afterwards.
    """
    reason = _("撤销导入（批次 #%(n)s）") % {"n": batch.pk}
    hooks = specs.undo_hooks()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in {Status.IMPORTED, Status.UNDOING}:
            raise UndoRefused(_("只能撤销已导入的批次。"))
        created: dict[str, set[int]] = defaultdict(set)
        updated: dict[str, list[ImportChange]] = defaultdict(list)
        every: dict[str, set[int]] = defaultdict(set)
        for change in batch.changes.all().iterator(chunk_size=5000):
            every[change.model].add(change.object_id)
            if change.action == ImportChange.Action.CREATE:
                created[change.model].add(change.object_id)
            else:
                updated[change.model].append(change)
        problems = (
            _later_changes(batch, every)
            or _dependants(hooks, created)
            or locks.refused_objects(every)
        )
        if problems:
            raise UndoRefused(
                _("不能撤销：本批次导入的记录之后已被使用或修改。") + "\n" + "\n".join(problems)
            )
        for h in hooks:
            h.prepare(created, updated)
        for label, changes in updated.items():
            owner = _hooks_for(hooks, label)
            model = apps.get_model(label)
            for change in changes:
                data = {
                    name: _from_json(model, name, v) for name, v in (change.before or {}).items()
                }
                obj = model._default_manager.get(pk=change.object_id)
                try:
                    owner.restore(label, obj, data, actor=actor)
                except (ValidationError, PermissionDenied) as exc:
                    raise UndoRefused(
                        _("不能撤销：恢复原值失败（%(e)s）。")
                        % {"e": "；".join(engine.error_messages(exc))}
                    ) from exc
                _stamp(label, change.object_id, reason, actor)
        for h in reversed(hooks):
            for label in h.delete_order:
                model = apps.get_model(label)
                pks = h.deletable(label, created.get(label, set()))
                for chunk in chunked(pks):
                    for obj in model._default_manager.filter(pk__in=chunk):
                        obj._history_user = actor
                        obj._change_reason = reason
                        try:
                            obj.delete()
                        except locks.YearLocked as exc:
                            raise UndoRefused(_("不能撤销：") + "；".join(exc.messages)) from exc
        for h in hooks:
            h.after_undo()
        batch.status = Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.undo_message = ""
        batch.save(update_fields=["status", "undone_at", "undone_by", "undo_message"])


def batch_undo_or_explain(batch: ImportBatch, *, actor: User | None) -> bool:
    """Undo, or store why not on the batch (for the page); True when undone."""
    try:
        batch_undo(batch, actor=actor)
    except UndoRefused as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.UNDOING).update(
            status=Status.IMPORTED
        )
        ImportBatch.objects.filter(pk=batch.pk).update(undo_message=str(exc))
        return False
    return True
