from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoDatabase(models.Model):
    """One row, written when the demo is loaded into an empty database: this database is a demo
    one, where the public demo password may be set (`duikou demo` refuses others)."""

    first_loaded_at = models.DateTimeField(_("首次载入"), auto_now_add=True)
    last_loaded_at = models.DateTimeField(_("最近载入"), auto_now=True)

    class Meta:
        verbose_name = _("演示数据库标记")
        verbose_name_plural = _("演示数据库标记")

    def __str__(self) -> str:
        return f"demo database since {self.first_loaded_at:%Y-%m-%d}"
