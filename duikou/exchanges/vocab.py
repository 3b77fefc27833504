"""The exchanges ledger's vocabularies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CAMP = "夏令营", _("夏令营")
    EXHIBITION = "展览", _("展览")
    TRAINING_CAMP = "培训营", _("培训营")
    TOURISM = "文旅推介", _("文旅推介")
    CONTEST = "比赛", _("比赛")
    RETREAT = "疗休养", _("疗休养")
    FLIGHT = "航线开通", _("航线开通")
    OTHER = "其他", _("其他")


class ParticipantSide(models.TextChoices):
    HAIXI = "海西", _("海西")
    ZHEJIANG = "浙江", _("浙江")


#: Names an indicator may not take: they are (or read like) figures the platform computes from
#: its records (duikou figures keys and their Chinese names). tests/test_exchanges_figures.py
#: checks that every key of reports.figures.compute() is here, so a new figure cannot be shadowed.
COMPUTED_NAMES = frozenset(
    {
        "year",
        "projects",
        "flows",
        "flows_by_month",
        "projects_by_county",
        "project_indicators",
        "postings",
        "trainings",
        "achievements",
        "pairings",
        "orders",
        "deals",
        "organisations",
        "sales",
        "outlets",
        "events",
        "offsite_classes",
        "indicators",
        "项目数",
        "项目个数",
        "援助资金",
        "下达",
        "拨付",
        "支出",
        "援派人数",
        "培训人数",
        "结对数",
        "点单数",
        "签约项目数",
        "签约金额",
        "销售额",
        "订单额",
        "门店数",
        "活动数",
        "异地班数",
        "异地班学生数",
    }
)


def is_computed_name(name: str) -> bool:
    return name.strip().lower() in {n.lower() for n in COMPUTED_NAMES}
