"""Import pages: upload → dry-run preview → confirm; history and undo; blank templates."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.accounts.models import Role
from duikou.core.viewutils import is_htmx, page_of, xlsx_response
from duikou.exchange_io import blanks, changes, reader, services, specs, tasks
from duikou.exchange_io.exports import XLSX
from duikou.exchange_io.forms import UploadForm
from duikou.exchange_io.models import ImportBatch

Status = ImportBatch.Status
SHOWN_PROBLEMS = 100
SHOWN_CHANGES = 20  # on the batch page; the change list page pages through all
CHANGES_PAGE = 50
PREVIEWED = {Status.CHECKED, Status.IMPORTED, Status.UNDONE}


def _require_importer(request: HttpRequest) -> None:
    if not services.can_import(request.user):
        raise PermissionDenied


def _get_batch_for_user(request: HttpRequest, pk: int) -> ImportBatch:
    _require_importer(request)
    batch = get_object_or_404(services.batches_for_user(request.user), pk=pk)
    # A batch left running by a worker that died is marked failed when it is looked at.
    return services.batch_mark_if_stale(batch)


def _enqueue(task, batch: ImportBatch, *args) -> None:
    result = task.enqueue(batch.pk, *args)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])


def _may_undo(request: HttpRequest, batch: ImportBatch) -> bool:
    return batch.user_id == request.user.pk or request.user.role == Role.HEADQUARTERS


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.batch_create(user=request.user, file=upload, filename=upload.name)
        _enqueue(tasks.check_batch, batch)
        return redirect(batch)
    return render(
        request,
        "exchange_io/upload.html",
        {
            "form": form,
            "sheets": specs.ordered(),
            "recent": services.batches_for_user(request.user)[:5],
            "max_size": reader.human_size(reader.max_bytes()),
        },
    )


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    qs = services.batches_for_user(request.user)
    page = page_of(request, qs)
    for batch in page.object_list:  # running ones whose worker died show as failed
        services.batch_mark_if_stale(batch)
    partial = is_htmx(request)
    return render(
        request,
        "exchange_io/_batch_page.html" if partial else "exchange_io/batch_list.html",
        {"page": page, "all_users": request.user.role == Role.HEADQUARTERS},
    )


def _preview(batch: ImportBatch) -> dict:
    """The stored change list (loaded only for a batch whose run finished cleanly)."""
    if batch.status not in PREVIEWED:
        return {}
    return batch.preview or {}


def _ordered(items: list[dict]) -> list[dict]:
    """Risky updates first, then the other updates, then the records created."""
    return sorted(
        items,
        key=lambda c: (
            c["action"] != changes.UPDATE,
            not c.get("risks"),
            c["sheet"],
            c["row"] or 0,
        ),
    )


def _with_labels(items: list[dict]) -> list[dict]:
    for c in items:
        c["risk_labels"] = [changes.risk_label(r) for r in c.get("risks", [])]
    return items


def _status_context(request: HttpRequest, batch: ImportBatch) -> dict:
    preview = _preview(batch)
    # The first of the list: the updates (risky first), then created records; only those
    # few are expanded (a workbook may create a hundred thousand).
    updated = _ordered(preview.get("updated", []))
    first = updated[:SHOWN_CHANGES]
    if len(first) < SHOWN_CHANGES:
        created = {"created": preview.get("created", [])[: SHOWN_CHANGES - len(first)]}
        first += changes.stored_items(created)
    total = len(updated) + len(preview.get("created", []))
    return {
        "preview": preview,
        "changes": _with_labels(first),
        "changes_total": total,
        "changes_more": max(total - SHOWN_CHANGES, 0),
        "risky": preview.get("risky", 0),
        "batch": batch,
        "errors": batch.errors[:SHOWN_PROBLEMS],
        "warnings": batch.warnings[:SHOWN_PROBLEMS],
        "more_errors": max(batch.error_count - min(len(batch.errors), SHOWN_PROBLEMS), 0),
        "more_warnings": max(batch.warning_count - min(len(batch.warnings), SHOWN_PROBLEMS), 0),
        "counts": batch.counts(),
        "may_confirm": batch.status == Status.CHECKED and batch.user_id == request.user.pk,
        "may_undo": batch.status == Status.IMPORTED and _may_undo(request, batch),
        "may_retry": services.can_retry(request.user, batch),
    }


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    return render(request, "exchange_io/batch_detail.html", _status_context(request, batch))


@login_required
@require_GET
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the batch page that the page polls (htmx) while the batch runs."""
    batch = _get_batch_for_user(request, pk)
    return render(request, "exchange_io/_batch_status.html", _status_context(request, batch))


@login_required
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if batch.user_id != request.user.pk:
        raise PermissionDenied
    # Risky updates (another county's record, an amount halved, a status going back) are
    # written only when the uploader ticked that they checked them.
    preview = _preview(batch)
    accepted = []
    if preview.get("risky"):
        if request.POST.get("accept_risks") != "1":
            messages.error(
                request,
                _("有 %(n)s 条需注意的更新：请逐条核对，勾选“我已核对”后再确认导入。")
                % {"n": preview["risky"]},
            )
            return redirect(batch)
        accepted = [
            [c["sheet"], c["key"], sorted(c["risks"])]
            for c in preview.get("updated", [])
            if c.get("risks")
        ]
    # Claim the batch so that a double click imports once.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=Status.CHECKED).update(
        status=Status.IMPORTING, phase="queued", rows_done=0, accepted_risks=accepted
    )
    if not claimed:
        messages.error(request, _("该批次不在待确认状态，不能导入。"))
        return redirect(batch)
    # The import runs again from the stored file; the preview is not trusted.
    _enqueue(tasks.import_batch, batch)
    return redirect(batch)


@login_required
@require_POST
def batch_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if not _may_undo(request, batch):
        raise PermissionDenied
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=Status.IMPORTED).update(
        status=Status.UNDOING, phase="queued", undo_message=""
    )
    if not claimed:
        messages.error(request, _("只能撤销已导入的批次。"))
        return redirect(batch)
    _enqueue(tasks.undo_batch, batch, request.user.pk)
    batch.refresh_from_db()
    if batch.status == Status.UNDONE:
        messages.success(request, _("已撤销该批次导入。"))
    return redirect(batch)


@login_required
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again the dry run or import of a batch whose background task was interrupted."""
    batch = _get_batch_for_user(request, pk)
    try:
        services.batch_retry(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(batch)


def _file_response(field, filename: str) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if handle.read(len(services.SEALED)) == services.SEALED:
        # Stored encrypted (a workbook with personal data): decrypted for this download only.
        handle.seek(0)
        with handle:
            content = services.unseal(handle.read())
        return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
@require_GET
def batch_errors(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    stem = batch.filename.rsplit(".", 1)[0] or "book"
    return _file_response(batch.error_file, _("%(name)s-错误标注.xlsx") % {"name": stem})


@login_required
@require_GET
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    return _file_response(batch.file, batch.filename or "book.xlsx")


# The change list ---------------------------------------------------------------------------

ACTIONS = {"create": changes.CREATE, "update": changes.UPDATE}


def _filtered(request: HttpRequest, items: list[dict]) -> tuple[list[dict], dict]:
    """The change list narrowed by the page's filters: sheet, action, risky only, a word."""
    sheet = request.GET.get("sheet", "")[:20]
    action = ACTIONS.get(request.GET.get("action", ""), "")
    risky = request.GET.get("risky") == "1"
    q = request.GET.get("q", "").strip()[:50]
    if sheet:
        items = [c for c in items if c["sheet"] == sheet]
    if action:
        items = [c for c in items if c["action"] == action]
    if risky:
        items = [c for c in items if c.get("risks")]
    if q:
        items = [
            c
            for c in items
            if q in c["key"]
            or q in c.get("label", "")
            or any(q in " ".join(f) for f in c.get("fields", []))
        ]
    return items, {"sheet": sheet, "action": request.GET.get("action", ""), "risky": risky, "q": q}


@login_required
@require_GET
def batch_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Every record the batch creates (or created) and updates, old → new: paged, filtered."""
    batch = _get_batch_for_user(request, pk)
    preview = _preview(batch)
    every = changes.stored_items(preview)
    items, filters = _filtered(request, _ordered(every))
    page = page_of(request, items, size=CHANGES_PAGE)
    _with_labels(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exchange_io/_changes_page.html" if is_htmx(request) else "exchange_io/changes.html",
        {
            "batch": batch,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "sheets": sorted((preview.get("sheets") or {}).items()),
            "total": len(every),
            "risky": preview.get("risky", 0),
        },
    )


CHANGE_HEADERS = [
    gettext_noop("工作表"),
    gettext_noop("行"),
    gettext_noop("操作"),
    gettext_noop("记录"),
    gettext_noop("名称"),
    gettext_noop("字段"),
    gettext_noop("原值"),
    gettext_noop("新值"),
    gettext_noop("需注意"),
]


@login_required
@require_GET
def batch_changes_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The change list as a workbook: one line per changed field, one per record created."""
    batch = _get_batch_for_user(request, pk)
    stored = changes.stored_items(_preview(batch))
    items, _filters = _filtered(request, _ordered(stored))

    def rows():
        for c in items:
            action = _("更新") if c["action"] == changes.UPDATE else _("新建")
            notes = "；".join(c.get("notes", []))
            head = [c["sheet"], c["row"], action, c["key"], c.get("label", "")]
            fields = c.get("fields") or [["", "", ""]]
            for name, old, new in fields:
                yield [*head, name, old, new, notes]

    from duikou.lib.xlsx import list_workbook

    content = list_workbook(
        _("变化清单"),
        [_(h) for h in CHANGE_HEADERS],
        rows(),
        note=_("导入批次 #%(n)s（%(f)s）的变化清单。") % {"n": batch.pk, "f": batch.filename},
    )
    return xlsx_response(_("导入变化清单-%(n)s") % {"n": batch.pk}, content)


# Templates -------------------------------------------------------------------------------


def _template_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange_io/templates.html",
        {"sheets": specs.ordered(), "can_import": services.can_import(request.user)},
    )


@login_required
@require_GET
def template_all(request: HttpRequest) -> HttpResponse:
    return _template_response(blanks.template_workbook(), _("对口支援数据模板.xlsx"))


@login_required
@require_GET
def template_sheet(request: HttpRequest, sheet: str) -> HttpResponse:
    if sheet not in {s.name for s in specs.ordered()}:
        raise Http404
    return _template_response(
        blanks.template_workbook([sheet]), _("%(sheet)s模板.xlsx") % {"sheet": sheet}
    )
