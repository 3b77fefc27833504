"""The year-end summary as generated and edited: one per year, kept with its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SummaryStatus(models.TextChoices):
    QUEUED = "排队中", _("排队中")
    RUNNING = "生成中", _("生成中")
    DONE = "已完成", _("已完成")
    FAILED = "失败", _("失败")


class SummaryReport(models.Model):
    """The year's summary: the generated document (summary.py), the narrative headquarters
    edited per section, and the PDF of both. History records each request and edit (who,
    when); the background task writes progress with plain updates, outside history."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    phase = models.CharField(_("阶段"), max_length=40, blank=True)
    error = models.TextField(_("错误"), blank=True)
    document = models.JSONField(_("生成的综述"), null=True, blank=True, editable=False)
    edits = models.JSONField(_("编辑后的正文"), default=dict, blank=True)
    # The generated text each edit was made over: a regeneration that changes it shows the
    # edit may state old numbers.
    edit_bases = models.JSONField(default=dict, blank=True, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编辑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("编辑时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    # Publishing keeps the summary and the figures as they were then and locks the year
    # (duikou.core.locks); the page compares them with today's records.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_document = models.JSONField(null=True, blank=True, editable=False)
    published_figures = models.JSONField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "document",
            "pdf",
            "progress",
            "phase",
            "error",
            "edit_bases",
            "published_document",
            "published_figures",
        ]
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度工作综述")
        verbose_name_plural = _("年度工作综述")

    def __str__(self) -> str:
        return f"{self.year}年工作综述"

    @property
    def active(self) -> bool:
        return self.status in (SummaryStatus.QUEUED, SummaryStatus.RUNNING)

    def waiting_long(self, seconds: int = 60) -> bool:
        """Queued for over a minute: the background worker (db_worker) may not be running."""
        import datetime as dt

        from django.utils import timezone

        return (
            self.status == SummaryStatus.QUEUED
            and self.requested_at is not None
            and timezone.now() - self.requested_at > dt.timedelta(seconds=seconds)
        )

    def stale_edits(self) -> list[str]:
        """Headings of the edited sections whose generated text changed since the edit."""
        from duikou.reports.summary import narrative

        bases = self.edit_bases or {}
        return [
            sec["heading"]
            for sec in (self.document or {}).get("sections", [])
            if sec["id"] in (self.edits or {}) and bases.get(sec["id"]) != narrative(sec)
        ]
