"""The import engine: read a workbook, apply every sheet in one transaction, or nothing at all.

    result = run(path, actor=user, dry_run=True)

Reading and cell checks happen first, outside any transaction (progress is reported as rows are
parsed). Then one transaction applies the sheets in their registry order (项目 before 资金
before 结对), runs the whole-workbook checks (flow balances), and is rolled back when any error
was found or when this is a dry run. Handlers load what they need in bulk (a few queries per
sheet), compare unchanged rows in memory, and write through the owning ledger's services (new
records in bulk where speed needs it). The engine knows no ledger: the sheets come from the
registry (specs), filled by each ledger's AppConfig.ready().
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import bulk, locks
from duikou.core import services as core_services
from duikou.core.bulk import CHUNK, chunked  # noqa: F401  (the sheets' chunked)
from duikou.core.models import Department, Division, Organisation
from duikou.core.vocab import OrgKind, Side
from duikou.exchange_io import reader, specs
from duikou.exchange_io.changes import Changes
from duikou.exchange_io.report import ImportResult, Problem

if TYPE_CHECKING:
    from duikou.exchange_io.models import ImportBatch
    from duikou.exchange_io.reader import ParsedSheet, Row

log = logging.getLogger(__name__)
ProgressFn = Callable[[int, int, str], None]


def to_json(value: Any) -> Any:
    """A field value as stored in an ImportChange's before-values."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Organisations ---------------------------------------------------------------------------

KIND_RULES: list[tuple[tuple[str, ...], str]] = [
    (("医院",), OrgKind.HOSPITAL),
    (("合作社",), OrgKind.COOPERATIVE),
    (("学校", "中学", "小学", "职校"), OrgKind.SCHOOL),
    (("学院", "大学", "职业技术"), OrgKind.COLLEGE),
    (("村",), OrgKind.VILLAGE),
    (("公司", "企业"), OrgKind.ENTERPRISE),
    (("政府", "委员会", "局"), OrgKind.GOVERNMENT),
]


def infer_kind(name: str) -> str:
    for words, kind in KIND_RULES:
        if any(w in name for w in words):
            return kind
    return OrgKind.OTHER


class OrgResolver:
    """Organisations by exact name or unique short name; new names are created (with a warning)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        orgs = list(Organisation.objects.select_related("division"))
        self.by_name = {o.name: o for o in orgs}
        self.by_short: dict[str, list[Organisation]] = {}
        for o in orgs:
            if o.short_name and o.short_name != o.name:
                self.by_short.setdefault(o.short_name, []).append(o)
        self.failed: dict[str, list[str]] = {}
        self._departments: dict[tuple[int, str], Department] | None = None

    def resolve(
        self,
        sheet: ParsedSheet,
        row: Row,
        field: str,
        *,
        side: str,
        county: Division | None = None,
        city: Division | None = None,
    ) -> Organisation | None:
        name = row.values.get(field)
        if not name:
            return None
        org = self.by_name.get(name)
        if org is not None:
            return org
        shorts = self.by_short.get(name, [])
        if len(shorts) == 1:
            return shorts[0]
        if len(shorts) > 1:
            sheet.error(
                row,
                field,
                _("简称“%(n)s”对应多个单位（%(all)s），请填写单位全称。")
                % {"n": name, "all": "、".join(o.name for o in shorts)},
            )
            return None
        if name in self.failed:
            for message in self.failed[name]:
                sheet.error(row, field, message)
            return None
        return self._create(sheet, row, field, name, side=side, county=county, city=city)

    def _create(self, sheet, row, field, name, *, side, county, city) -> Organisation | None:
        ctx = self.ctx
        if side == Side.SUPPORTING:
            division = city or ctx.division("330000")
        else:
            division = county or ctx.division("632800")
        kind = infer_kind(name)
        try:
            org = core_services.organisation_create(
                actor=ctx.actor, name=name, kind=kind, side=side, division=division
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = [
                _("无法新建单位“%(n)s”：%(m)s") % {"n": name, "m": m} for m in error_messages(exc)
            ]
            self.failed[name] = messages
            for message in messages:
                sheet.error(row, field, message)
            return None
        self.by_name[name] = org
        ctx.created(org)
        ctx.stamp_history(Organisation, org.pk)
        sheet.warn(
            row,
            field,
            _("新建单位“%(n)s”（系统中没有该单位）：%(side)s，%(kind)s，所在地 %(div)s。")
            % {
                "n": name,
                "side": Side(side).label,
                "kind": OrgKind(kind).label,
                "div": division.name,
            },
        )
        return org

    def department(
        self, sheet: ParsedSheet, row: Row, field: str, org: Organisation
    ) -> Department | None:
        name = row.values.get(field)
        if not name:
            return None
        if self._departments is None:
            self._departments = {(d.organisation_id, d.name): d for d in Department.objects.all()}
        found = self._departments.get((org.pk, name))
        if found is not None:
            return found
        try:
            dept = core_services.department_get_or_create(
                actor=self.ctx.actor, organisation=org, name=name
            )
        except (ValidationError, PermissionDenied) as exc:
            for m in error_messages(exc):
                sheet.error(row, field, _("无法新增科室“%(n)s”：%(m)s") % {"n": name, "m": m})
            return None
        self._departments[(org.pk, name)] = dept
        self.ctx.created(dept)
        self.ctx.stamp_history(Department, dept.pk)
        sheet.warn(
            row,
            field,
            _("为“%(org)s”新增科室“%(n)s”（该单位还没有这个科室）。")
            % {"org": org.name, "n": name},
        )
        return dept


def error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc) or _("没有权限。")]


# Context ---------------------------------------------------------------------------------


class Context:
    """What the sheet handlers share during one run."""

    def __init__(
        self,
        *,
        actor: User | None,
        result: ImportResult,
        batch: ImportBatch | None,
        dry_run: bool,
    ):
        self.actor = actor
        self.result = result
        self.batch = batch
        self.dry_run = dry_run
        self.reason = _("导入（批次 #%(n)s）") % {"n": batch.pk} if batch is not None else _("导入")
        self._divisions: dict[str, Division] = {}
        self.orgs = OrgResolver(self)
        # What the sheets of one ledger share during the run, under keys they choose (the 项目
        # sheet's projects for the 资金 sheet, a ledger's data scope computed once …).
        self.shared: dict[str, Any] = {}
        self._changes: list = []
        self._history_models: set[type[models.Model]] = set()
        # Every record created, dry run or not: a locked year refuses them (duikou.core.locks).
        self.created_pks: dict[str, set[int]] = {}
        # What the rows create and update, for the preview (changes.py); the sheet being
        # applied names the updates a handler reports without its sheet.
        self.changes: Changes = result.changes
        self.sheet: ParsedSheet | None = None

    def division(self, code: str) -> Division:
        if code not in self._divisions:
            self._divisions[code] = Division.objects.get(code=code)
        return self._divisions[code]

    # Change log (for undo) -------------------------------------------------------------

    def created(self, obj: models.Model) -> None:
        self._log(obj.__class__, obj.pk, "create", None)

    def created_many(self, model: type[models.Model], pks: Iterable[int]) -> None:
        self._history_models.add(model)
        pks = list(pks)
        label = model._meta.label_lower
        self.created_pks.setdefault(label, set()).update(pks)
        if self.batch is not None and not self.dry_run:
            self._changes.extend((label, pk, "create", None) for pk in pks)

    def updated(
        self,
        obj: models.Model,
        before: dict[str, Any],
        *,
        sheet: ParsedSheet | None = None,
        row: Row | None = None,
        label: str | None = None,
    ) -> None:
        """A record the row updated, with its changed fields' former values (`before`, as
        `to_json` gives them): logged for undo and listed in the preview."""
        self._log(obj.__class__, obj.pk, "update", before)
        self.stamp_history(obj.__class__, obj.pk)
        sheet = sheet or self.sheet
        if sheet is None:
            return
        try:
            self.changes.update(sheet, row, obj, before, label=label)
        except Exception:  # the preview must not break an import: list the record, say so
            log.exception("import preview: cannot describe an update of %s", obj._meta.label)
            self.changes.unexplained(sheet, row, obj)

    def creates(self, sheet: ParsedSheet, row: Row | None, label: str = "") -> None:
        """A record the row creates, for the preview (the change log learns it from
        `created`/`created_many`)."""
        self.changes.create(sheet, row, label)

    def _log(self, model, pk, action, before) -> None:
        self._history_models.add(model)
        if action == "create":
            self.created_pks.setdefault(model._meta.label_lower, set()).add(pk)
        if self.batch is None or self.dry_run:
            return
        self._changes.append((model._meta.label_lower, pk, action, before))

    def stamp_history(self, model: type[models.Model], pk: int) -> None:
        """Name this import as the reason of the newest history record of an updated object."""
        history = model.history.model  # type: ignore[attr-defined]
        newest = history.objects.filter(id=pk).order_by("-history_id").values("history_id")[:1]
        history.objects.filter(history_id__in=newest).update(
            history_change_reason=self.reason, history_user=self.actor
        )

    def save_changes(self) -> None:
        from duikou.exchange_io.models import ImportBatch, ImportChange

        if self.batch is None:
            return
        connection = bulk.db_for(ImportChange)
        before = ImportChange._meta.get_field("before")
        bulk.insert(
            ImportChange,
            ["batch_id", "model", "object_id", "action", "before"],
            (
                (
                    self.batch.pk,
                    label,
                    pk,
                    action,
                    None if data is None else before.get_db_prep_save(data, connection),
                )
                for label, pk, action, data in self._changes
            ),
            returning=False,
        )
        marks = {}
        for model in self._history_models:
            history = model.history.model  # type: ignore[attr-defined]
            marks[model._meta.label_lower] = (
                history.objects.aggregate(m=Max("history_id"))["m"] or 0
            )
        ImportBatch.objects.filter(pk=self.batch.pk).update(history_marks=marks)

    # Errors from services ----------------------------------------------------------------

    def fail(
        self,
        sheet: ParsedSheet,
        row: Row,
        exc: Exception,
        *,
        fields: dict[str, str] | None = None,
        default: str | None = None,
    ) -> None:
        """Report a service's ValidationError/PermissionDenied on the row's matching columns."""
        fields = fields or {}
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                column = fields.get(name, name)
                if column == NON_FIELD_ERRORS or not sheet.has(column):
                    column = default
                for error in errors:
                    sheet.error(row, column, " ".join(str(m) for m in error.messages))
        else:
            for message in error_messages(exc):
                sheet.error(row, default, message)


# Running ---------------------------------------------------------------------------------


def run(
    source: reader.Source,
    *,
    actor: User | None,
    dry_run: bool,
    filename: str = "",
    batch: ImportBatch | None = None,
    progress: ProgressFn | None = None,
    accepted: set[tuple] | None = None,
) -> ImportResult:
    """Import a workbook all or nothing; the result says what was (or would be) written.

    `accepted`: the risky updates (their `Change.signature()`) the uploader confirmed after the
    dry run; given, a risky update not among them refuses the import (the records changed
    since the preview).
    """
    result = ImportResult(filename=filename, dry_run=dry_run)

    def read_progress(done: int, total: int) -> None:
        if progress:
            progress(done, total, "check")

    try:
        sheets = reader.read(source, result, progress=read_progress)
    except reader.WorkbookError as exc:
        result.fatal = str(exc)
        return result
    if any(s.broken for s in sheets):
        # A sheet without usable headers: its rows were not read, so later sheets would only
        # report follow-on errors (flows of projects "missing" from an unread 项目 sheet).
        mask_personal(result, sheets)
        return result
    if progress:
        progress(result.total_rows, result.total_rows, "write")
    ctx = Context(actor=actor, result=result, batch=batch, dry_run=dry_run)
    try:
        with transaction.atomic():
            handlers = []
            for sheet in sheets:
                handler = sheet.spec.handler()
                handlers.append(handler)
                ctx.sheet = sheet
                handler.apply(ctx, sheet)
            ctx.sheet = None
            for handler in handlers:
                handler.finish(ctx)
            result.changes.finish(actor)
            if not result.errors and accepted is not None:
                unseen = [c for c in result.changes.risky if c.signature() not in accepted]
                if unseen:
                    result.errors.append(Problem("", None, "", None, "", unseen_risks(unseen)))
            if not result.errors:
                # Rows created in bulk pass no save signal: ask the locks about them here.
                for message in locks.refused_created(ctx.created_pks):
                    result.errors.append(Problem("", None, "", None, "", message))
            if result.errors or dry_run:
                transaction.set_rollback(True)
            else:
                ctx.save_changes()
                result.written = True
    except locks.YearLocked as exc:
        # A service refused a record of a locked year outside a sheet's own row checks.
        result.written = False
        result.errors.extend(Problem("", None, "", None, "", str(m)) for m in exc.messages)
    except DatabaseError as exc:
        # A concurrent write or a lost connection: nothing of this import is kept.
        log.exception("import failed in the database")
        result.written = False
        result.errors.append(
            Problem("", None, "", None, "", _("写入数据库失败，未导入任何数据：%(e)s") % {"e": exc})
        )
    if not result.ok:
        # Counts of a rolled-back run describe what would have happened; keep them, but say so.
        result.written = False
    mask_personal(result, sheets)
    return result


def unseen_risks(unseen: list) -> str:
    shown = "；".join(f"{c.sheet} {c.key}（{'；'.join(c.notes)}）" for c in unseen[:5])
    return _(
        "数据在预览之后发生了变化：以下需注意的更新在确认时没有列出，未导入任何数据。"
        "请重新上传工作簿，核对预览后再确认：%(list)s"
    ) % {"list": shown}


def sheet_names() -> list[str]:
    return [s.name for s in specs.ordered()]


# Personal data ---------------------------------------------------------------------------

# Anything in a problem of a personal sheet that looks like an ID number or a mobile number:
# duikou.lib.masking's patterns (the log filter uses the same).


def personal(spec: specs.SheetSpec) -> bool:
    """Does the sheet hold personal data (a column whose values are masked when quoted)?"""
    return any(getattr(c, "mask", None) for c in spec.columns)


def personal_sheet_names() -> set[str]:
    return {s.name for s in specs.ordered() if personal(s)}


def mask_text(text: str) -> str:
    from duikou.lib.masking import mask_text as _mask_text

    return _mask_text(text)


def mask_personal(result: ImportResult, sheets: list[ParsedSheet]) -> None:
    """Quote personal data masked in every problem (page, command line, stored errors, error
    workbook): a personal column's values by its mask, and whatever else in a personal sheet's
    problems looks like an ID number or a mobile number."""
    masks: dict[tuple[str, str], Callable[[str], str]] = {}
    header_rows: dict[str, int] = {}
    for sheet in sheets:
        if not personal(sheet.spec):
            continue
        header_rows[sheet.title] = sheet.header_row
        for pos in sheet.columns.values():
            mask = getattr(pos.column, "mask", None)
            if mask is not None:
                masks[(sheet.title, pos.header)] = mask
    if not header_rows:
        return
    for problem in [*result.errors, *result.warnings]:
        if problem.sheet not in header_rows:
            continue
        mask = masks.get((problem.sheet, problem.column))
        if mask is not None and problem.value and (problem.row or 0) > header_rows[problem.sheet]:
            problem.value = mask(problem.value)
        problem.value = mask_text(problem.value)
        problem.message = mask_text(problem.message)


# Undo helpers ----------------------------------------------------------------------------


def elsewhere(qs: models.QuerySet, mine: set[int], limit: int = 5) -> list[models.Model]:
    """Objects of `qs` that are not among an import's created ones (the first few): what a
    ledger's undo hooks name as depending on the import's records."""
    found = []
    for obj in qs.iterator(chunk_size=2000):
        if obj.pk not in mine:
            found.append(obj)
            if len(found) >= limit:
                break
    return found
