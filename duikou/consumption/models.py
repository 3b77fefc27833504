"""Consumption aid (消费帮扶): Haixi products, their Haixi suppliers (with certifications), the
Zhejiang channels that sell them (shops, platforms, expos, canteens), the sales rows (a day or a
month of one product at one channel) and the yearly target headquarters sets."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.consumption.vocab import CertificationKind, ChannelKind
from duikou.core.fields import MoneyField
from duikou.core.models import Division, Organisation, Recorded
from duikou.core.vocab import DivisionLevel, Side

NON_NEGATIVE = [MinValueValidator(0, message=_("金额不能为负数。"))]
HISTORY_EXCLUDED = ["created_at", "updated_at", "created_by"]


def is_zhejiang_city(division: Division | None) -> bool:
    return bool(
        division is not None
        and division.level == DivisionLevel.PREFECTURE
        and division.code.startswith("33")
    )


class Product(Recorded):
    """A Haixi product sold in Zhejiang (柴达木枸杞, 牦牛肉 …)."""

    name = models.CharField(_("产品"), max_length=100, unique=True)
    name_en = models.CharField(_("英文名"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["name"]
        verbose_name = _("产品")
        verbose_name_plural = _("产品")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": [_("请填写产品名称。")]})


class Supplier(Recorded):
    """A Haixi organisation supplying products (an enterprise, cooperative …)."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="supplier",
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("供应商")
        verbose_name_plural = _("供应商")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    def clean(self) -> None:
        if self.organisation_id and self.organisation.side != Side.AIDED:
            raise ValidationError({"organisation": [_("供应商应为受援方（海西）单位。")]})


class Certification(Recorded):
    """A certification a supplier holds (绿色食品 · 有机 · 地理标志) since a date."""

    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("供应商"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    kind = models.CharField(_("认证"), max_length=10, choices=CertificationKind.choices)
    certified_on = models.DateField(_("认证日期"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["supplier", "kind"]
        verbose_name = _("认证")
        verbose_name_plural = _("认证")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "kind"],
                name="certification_unique_kind",
                violation_error_message=_("该供应商已有这项认证"),
            )
        ]

    def __str__(self) -> str:
        when = self.certified_on.isoformat() if self.certified_on else "—"
        return f"{self.kind}（{when}）"


class Channel(Recorded):
    """Where Haixi products are sold in Zhejiang: a shop, a platform, an expo, a canteen."""

    name = models.CharField(_("渠道"), max_length=100, unique=True)
    kind = models.CharField(_("渠道类型"), max_length=6, choices=ChannelKind.choices)
    city = models.ForeignKey(
        Division,
        verbose_name=_("城市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": DivisionLevel.PREFECTURE, "code__startswith": "33"},
    )
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("运营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channels",
    )
    opened_on = models.DateField(_("开业日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("销售渠道")
        verbose_name_plural = _("销售渠道")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="channel_closed_after_opened",
                violation_error_message=_("关闭日期不能早于开业日期"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consumption:channel_detail", args=[self.pk])

    def open_on(self, day: dt.date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or day < self.closed_on
        )

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        errors: dict[str, list] = {}
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = [
                _("关闭日期（%(c)s）不能早于开业日期（%(o)s）。")
                % {"c": self.closed_on.isoformat(), "o": self.opened_on.isoformat()}
            ]
        if self.city_id and not is_zhejiang_city(self.city):
            errors["city"] = [_("城市应为浙江省的地级市（如 杭州市）。")]
        if self.operator_id and self.operator.side != Side.SUPPORTING:
            errors["operator"] = [_("运营单位应为支援方（浙江）单位。")]
        if errors:
            raise ValidationError(errors)


class Sale(Recorded):
    """What one channel sold (and had ordered) of one product on a day, or in a month.

    A month row (`is_month`) carries the first day of its month as its date; a day row and a
    month row of the same channel and product may both exist (different keys, templates.md).
    """

    date = models.DateField(_("日期"))
    is_month = models.BooleanField(_("月度合计"), default=False)
    channel = models.ForeignKey(
        Channel, verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="sales"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="sales"
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("供应商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales",
    )
    sold = MoneyField(_("销售额（元）"), default=0, validators=NON_NEGATIVE)
    ordered = MoneyField(_("订单额（元）"), default=0, validators=NON_NEGATIVE)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-date", "channel__name", "product__name"]
        verbose_name = _("销售记录")
        verbose_name_plural = _("销售记录")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "is_month", "channel", "product"],
                name="sale_unique_key",
                violation_error_message=_("该渠道该产品在这一日期（月份）已有销售记录"),
            ),
            models.CheckConstraint(
                condition=Q(sold__gte=0) & Q(ordered__gte=0), name="sale_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(is_month=False) | Q(date__day=1), name="sale_month_on_first_day"
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.period} {self.channel} {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("consumption:sale_edit", args=[self.pk])

    @property
    def period(self) -> str:
        """2023-06 for a month row, 2023-06-18 for a day row (as the sheet writes it)."""
        return self.date.strftime("%Y-%m") if self.is_month else self.date.isoformat()


class SalesTarget(Recorded):
    """The year's sales target headquarters sets."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    amount = MoneyField(_("目标销售额（元）"), validators=NON_NEGATIVE)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度销售目标")
        verbose_name_plural = _("年度销售目标")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.year}"
