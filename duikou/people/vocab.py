"""Vocabularies of the people module (the shared ones live in duikou.core.vocab).

As there, the stored value is the Chinese name the templates and figures use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.vocab import PersonnelKind


class AchievementKind(models.TextChoices):
    NEW_TECHNIQUE = "新技术", _("新技术")
    SURGERY = "手术", _("手术")
    OUTPATIENTS = "门诊", _("门诊")
    LECTURE = "讲座", _("讲座")
    MENTORING = "带教", _("带教")
    OTHER = "其他", _("其他")


class AccessAction(models.TextChoices):
    REVEAL = "查看", _("查看完整个人信息")
    EXPORT = "导出", _("导出未脱敏名单")
    # A person's request under the personal information protection law (PIPL art. 45, 47).
    COPY = "副本", _("导出本人个人信息副本")
    ERASE = "删除", _("删除个人信息")


# Long-term postings hold a post: their end leaves the host department to a successor.
LONG_TERM_KINDS = frozenset({PersonnelKind.CADRE, PersonnelKind.PROFESSIONAL})
# A short-term (短期支援) posting lasts at least this many calendar months.
SHORT_TERM_MIN_MONTHS = 3
