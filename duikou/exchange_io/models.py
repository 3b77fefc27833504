"""Import batches: who imported which workbook when, what it found, and what it changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        CHECKING = "checking", _("检查中")
        CHECKED = "checked", _("待确认")
        REJECTED = "rejected", _("有错误")
        IMPORTING = "importing", _("导入中")
        IMPORTED = "imported", _("已导入")
        FAILED = "failed", _("导入失败")
        UNDOING = "undoing", _("撤销中")
        UNDONE = "undone", _("已撤销")

    class Via(models.TextChoices):
        WEB = "web", _("网页")
        CLI = "cli", _("命令行")

    RUNNING = {Status.QUEUED, Status.CHECKING, Status.IMPORTING, Status.UNDOING}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    username = models.CharField(
        _("操作人"), max_length=150, blank=True, help_text=_("命令行 --user 给出的用户名")
    )
    via = models.CharField(_("方式"), max_length=10, choices=Via.choices, default=Via.WEB)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    phase = models.CharField(_("阶段"), max_length=20, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    summary = models.JSONField(_("各表统计"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warning_count = models.PositiveIntegerField(_("提示数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    error_file = models.FileField(
        _("错误标注工作簿"), upload_to="imports/errors/%Y/%m/", blank=True
    )
    history_marks = models.JSONField(default=dict, blank=True)
    # The change list of the last run (changes.Changes.as_json): every record the workbook
    # creates or updates, old → new, with the risky updates flagged. Large: deferred by
    # services.batches_for_user, read by the preview page and its workbook.
    preview = models.JSONField(_("变化清单"), default=dict, blank=True)
    # The risky updates (their signatures) the uploader ticked to accept when confirming.
    accepted_risks = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Liveness of the background task (duikou.core.heartbeat): written while it runs; a batch
    # whose worker died is marked failed, remembering which step to run again.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    interrupted_status = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undo_message = models.TextField(_("撤销说明"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("exchange_io:batch_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def retryable(self) -> bool:
        """Failed because its worker died: its dry run or import can be run again."""
        return self.status == self.Status.FAILED and bool(self.interrupted_status)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def who(self) -> str:
        if self.username and self.via == self.Via.CLI:
            return self.username
        return str(self.user) if self.user else (self.username or "—")

    def accepted_signatures(self) -> set[tuple]:
        return {(s, k, tuple(r)) for s, k, r in self.accepted_risks or []}

    def counts(self) -> dict[str, int]:
        total = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": 0}
        for sheet in self.summary or []:
            for key in total:
                total[key] += sheet.get(key, 0)
        return total


class ImportChange(models.Model):
    """One record an import created or updated, with its values before (for undo)."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("更新")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=60)  # app_label.modelname
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.model}#{self.object_id}"


class ExportJob(models.Model):
    """A large export built in the background: who asked for which list with which filters,
    its progress, and the private file its user downloads until it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("可下载")
        FAILED = "failed", _("生成失败")
        EXPIRED = "expired", _("已过期")

    RUNNING = {Status.QUEUED, Status.RUNNING}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导出人"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    export = models.CharField(_("导出内容"), max_length=60)
    title = models.CharField(_("名称"), max_length=100)
    fmt = models.CharField(_("格式"), max_length=10, default="xlsx")
    # The list's filters (a query string): the task rebuilds the user's list with them.
    params = models.TextField(_("筛选条件"), blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True, max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sealed = models.BooleanField(_("加密存放"), default=False)
    message = models.TextField(_("说明"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("下载次数"), default=0)
    history = HistoricalRecords(excluded_fields=["rows_done", "heartbeat_at", "task_id"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("exchange_io:export_job", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
