"""The reports page: the year-end summary built in the background (progress, downloads,
headquarters' edits, regenerate keeping or replacing them) and the statistical workbook.

Headquarters and viewers read (the summary is programme-wide); headquarters writes; anyone
else gets 404. The workbook's roster is masked for headquarters and has no personal column
for a viewer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duikou.core import locks
from duikou.core.history import history_entries
from duikou.core.models import YearLock
from duikou.core.viewutils import int_param, is_htmx
from duikou.reports import figures, scopes, services, summary, workbook
from duikou.reports import render as renderer
from duikou.reports.models import SummaryReport
from duikou.reports.tasks import document_of

CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_reader(request: HttpRequest) -> None:
    if not scopes.can_read_reports(request.user):
        raise Http404


def _require_writer(request: HttpRequest) -> None:
    _require_reader(request)
    if not scopes.can_write_summary(request.user):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    """The ?year= asked for; junk or a year out of range: last year, with a clear message."""
    year = int_param(request, "year", services.YEAR_MIN, services.YEAR_MAX, None)
    if year is None:
        if request.GET.get("year"):
            messages.error(
                request,
                _("年度须为 %(a)s–%(b)s 之间的数字，已显示上一年度。")
                % {"a": services.YEAR_MIN, "b": services.YEAR_MAX},
            )
        return figures.current_year() - 1
    return year


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _for_page(doc: dict) -> dict:
    """Paragraph segments as {text, ref} for the template (a number carries its ref)."""
    sections = []
    for sec in doc["sections"]:
        paragraphs = [
            [
                {"text": s, "ref": None}
                if isinstance(s, str)
                else {"text": s["t"], "ref": s["ref"]}
                for s in para
            ]
            for para in sec["paragraphs"]
        ]
        sections.append(dict(sec, paragraphs=paragraphs))
    return dict(doc, sections=sections)


@login_required
@require_GET
def summary_page(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    year = _year(request)
    report = SummaryReport.objects.filter(year=year).first()
    doc = _for_page(document_of(report)) if report and report.document else None
    lock = YearLock.objects.filter(year=year).first()
    published = report is not None and report.published_at is not None
    return render(
        request,
        "reports/summary.html",
        {
            "year": year,
            "lock": lock,
            "lock_history": history_entries(lock, limit=10) if lock else [],
            "published": published,
            "diffs": services.figures_diff(
                report.published_figures, services.figures_as_published(year)
            )
            if published
            else [],
            "changes": locks.changes_since(year, report.published_at, limit=100)
            if published
            else [],
            "years": range(figures.current_year() + 1, 2009, -1),
            "report": report,
            "doc": doc,
            "can_write": scopes.can_write_summary(request.user),
            "formats": renderer.FORMATS,
            "history": history_entries(report, limit=20) if report else [],
            "stale": report.stale_edits() if report and report.edits else [],
            "quarters": range(1, 5),
            "months": range(1, 13),
        },
    )


@login_required
@require_GET
def summary_progress(request: HttpRequest, year: int) -> HttpResponse:
    """The build's progress panel, polled every second while it is queued or running."""
    _require_reader(request)
    report = get_object_or_404(SummaryReport, year=year)
    response = render(request, "reports/_summary_progress.html", {"report": report})
    if not report.active and is_htmx(request):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def summary_generate(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    raw = request.POST.get("year", "").strip()
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
    keep = request.POST.get("edits", "keep") != "replace"
    try:
        services.summary_request(actor=request.user, year=year, keep_edits=keep)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return redirect(reverse("reports:summary"))
    messages.success(request, _("已开始生成 %(y)s 年工作综述。") % {"y": year})
    return redirect(f"{reverse('reports:summary')}?year={year}")


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request: HttpRequest, year: int) -> HttpResponse:
    _require_writer(request)
    report = get_object_or_404(SummaryReport, year=year)
    if report.document is None:
        raise Http404
    doc = report.document
    if request.method == "POST":
        edits = {sec["id"]: request.POST.get(f"section-{sec['id']}", "") for sec in doc["sections"]}
        # A section left as generated is not an edit.
        generated = {sec["id"]: summary.narrative(sec) for sec in doc["sections"]}
        edits = {k: v for k, v in edits.items() if v.strip() != generated[k].strip()}
        try:
            services.summary_edit(actor=request.user, report=report, edits=edits)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("正文已保存，正在重新生成 PDF。"))
            return redirect(f"{reverse('reports:summary')}?year={year}")
    edited = document_of(report)
    sections = [
        {
            "id": sec["id"],
            "heading": sec["heading"],
            "text": summary.narrative(sec),
            "edited": bool((report.edits or {}).get(sec["id"])),
        }
        for sec in edited["sections"]
    ]
    return render(
        request,
        "reports/summary_edit.html",
        {"report": report, "sections": sections, "sources": doc["sources"]},
    )


@login_required
@require_GET
def summary_download(request: HttpRequest, year: int) -> HttpResponse:
    """?format=md|html|docx|pdf (default docx)."""
    _require_reader(request)
    fmt = request.GET.get("format", "docx")
    if fmt not in renderer.FORMATS:
        raise Http404
    report = get_object_or_404(SummaryReport, year=year)
    if request.GET.get("version") == "published":
        if report.published_document is None:
            raise Http404
        name = f"{year}年工作综述（发布版）.{fmt}"
        try:
            content = renderer.render(
                report.published_document, fmt, request.build_absolute_uri("/")[:-1]
            )
        except renderer.RenderError as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('reports:summary')}?year={year}")
        return _download(content, name, CONTENT_TYPES[fmt])
    if report.document is None:
        raise Http404
    name = f"{year}年工作综述.{fmt}"
    if fmt == "pdf" and report.pdf:
        return _download(bytes(report.pdf), name, CONTENT_TYPES[fmt])
    try:
        content = renderer.render(document_of(report), fmt, request.build_absolute_uri("/")[:-1])
    except renderer.RenderError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('reports:summary')}?year={year}")
    return _download(content, name, CONTENT_TYPES[fmt])


@login_required
@require_POST
def summary_publish(request: HttpRequest, year: int) -> HttpResponse:
    """Publish the summary as it reads now and lock the year."""
    _require_writer(request)
    report = get_object_or_404(SummaryReport, year=year)
    try:
        services.summary_publish(actor=request.user, report=report)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(
            request,
            _("已发布 %(y)s 年度工作综述，该年度的记录已锁定。") % {"y": year},
        )
    return redirect(f"{reverse('reports:summary')}?year={year}")


@login_required
@require_POST
def summary_unlock(request: HttpRequest, year: int) -> HttpResponse:
    """Unlock a published year, with a reason."""
    _require_writer(request)
    report = get_object_or_404(SummaryReport, year=year)
    try:
        services.summary_unlock(
            actor=request.user, report=report, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("已解锁 %(y)s 年度，修改将记入历史。") % {"y": year})
    return redirect(f"{reverse('reports:summary')}?year={year}")


@login_required
@require_GET
def workbook_download(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    year = _year(request)
    quarter = int_param(request, "quarter", 1, 4, None)
    month = int_param(request, "month", 1, 12, None) if quarter is None else None
    try:
        _months, label = workbook.period(year, quarter, month)
    except workbook.PeriodError as exc:
        raise Http404 from exc
    content = workbook.build(
        year,
        quarter=quarter,
        month=month,
        user=request.user,
        personal=scopes.roster_personal_columns(request.user),
    )
    return _download(content, f"统计报表-{label}.xlsx", XLSX)
