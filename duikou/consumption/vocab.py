"""The consumption ledger's vocabularies: stored values are the Chinese names of templates.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    SHOP = "门店", _("门店")
    ONLINE = "电商", _("电商")
    EXPO = "展会", _("展会")
    CANTEEN = "食堂采购", _("食堂采购")
    OTHER = "其他", _("其他")


class CertificationKind(models.TextChoices):
    GREEN = "绿色食品", _("绿色食品")
    ORGANIC = "有机", _("有机")
    GEOGRAPHIC = "地理标志", _("地理标志")


#: channels expected to report every month (the reminder list): shops and platforms
REPORTING_KINDS = frozenset({ChannelKind.SHOP, ChannelKind.ONLINE, ChannelKind.CANTEEN})
