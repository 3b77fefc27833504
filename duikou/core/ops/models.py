from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """One row per running `duikou db_worker`, its `beat_at` rewritten every few seconds.

    /healthz reads the freshest beat: no fresh row means no worker is taking tasks. Rows of
    workers stopped cleanly are deleted; those of killed workers age and are pruned.
    """

    worker_id = models.CharField(_("工作进程"), max_length=64, unique=True)
    host = models.CharField(_("主机"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), default=0)
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("工作进程心跳")
        verbose_name_plural = _("工作进程心跳")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
