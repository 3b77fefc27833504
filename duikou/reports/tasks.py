"""Background build of the year-end summary (django-tasks): figures, document, Word, PDF."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from duikou.reports import render, summary
from duikou.reports.models import SummaryReport, SummaryStatus

log = logging.getLogger(__name__)


def _step(pk: int, progress: int, phase: str) -> None:
    SummaryReport.objects.filter(pk=pk).update(
        status=SummaryStatus.RUNNING, progress=progress, phase=phase
    )


def document_of(report: SummaryReport) -> dict:
    """The document as exported: the generated one with headquarters' edits applied."""
    return summary.apply_edits(report.document or {}, report.edits or {})


@task()
def build_summary(report_id: int, regenerate: bool = True) -> None:
    report = SummaryReport.objects.get(pk=report_id)
    try:
        if regenerate or report.document is None:
            _step(report_id, 10, "汇总指标")
            document = summary.build(report.year)
            SummaryReport.objects.filter(pk=report_id).update(document=document)
            report.document = document
        _step(report_id, 50, "生成 Word 文档并转换 PDF")
        pdf: bytes | None
        try:
            pdf = render.render(document_of(report), "pdf")
        except render.RenderError as exc:  # Word, md and html stay available
            log.warning("summary %s: %s", report.year, exc)
            pdf = None
        SummaryReport.objects.filter(pk=report_id).update(
            status=SummaryStatus.DONE,
            progress=100,
            phase="",
            pdf=pdf,
            error="" if pdf else "PDF 未生成：服务器未安装 LibreOffice",
            finished_at=timezone.now(),
        )
    except Exception as exc:
        SummaryReport.objects.filter(pk=report_id).update(
            status=SummaryStatus.FAILED, phase="", error=str(exc)[:500]
        )
        raise
