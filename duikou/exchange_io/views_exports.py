"""A user's large exports built in the background: the progress page (polled with htmx while
the job runs), the download once ready, and the list of the user's recent export jobs.

A job is its user's alone: anybody else (headquarters too) gets 404 on all three URLs.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from duikou.exchange_io import exportjobs
from duikou.exchange_io.exports import XLSX
from duikou.exchange_io.models import ExportJob


def _job(request: HttpRequest, pk: int) -> ExportJob:
    return exportjobs.job_fresh(get_object_or_404(exportjobs.jobs_for_user(request.user), pk=pk))


def _context(job: ExportJob) -> dict:
    return {"job": job, "downloadable": exportjobs.downloadable(job)}


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = list(exportjobs.jobs_for_user(request.user)[:50])
    return render(request, "exchange_io/export_list.html", {"jobs": jobs})


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exchange_io/export_job.html", _context(_job(request, pk)))


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page polled every second while the job is queued or running."""
    job = _job(request, pk)
    return render(request, "exchange_io/_export_status.html", _context(job))


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not exportjobs.downloadable(job):
        raise Http404
    content = exportjobs.open_file(job)
    response: HttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=XLSX)
    else:
        response = FileResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    response["Cache-Control"] = "no-store"
    return response
