"""A notification: one event told to one user, with a link to the record it is about.

Notifications are themselves the record of an event (who was told what, when, and when they
read it); they carry no history of their own. The source record is kept as content type + id
so a notification survives the deletion of what it pointed at (its link then answers 404).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    VISIT_SCHEDULED = "visit_scheduled", _("专家服务已安排")
    VISIT_CHANGED = "visit_changed", _("专家服务有变更")
    DEMAND_SERVED = "demand_served", _("需求已服务")
    APPROVAL_GIVEN = "approval_given", _("审批通过")
    APPROVAL_REFUSED = "approval_refused", _("审批未通过")
    ALERT_RAISED = "alert_raised", _("新预警")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("来源类型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    # A notification that must reach each user only once (an alert seen by the daily sweep)
    # names its event here; blank for one-off events.
    key = models.CharField(_("事件键"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
            models.Index(fields=["recipient", "key"], name="notice_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None
