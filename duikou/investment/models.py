"""Investment (精准招商): the two lists (Zhejiang enterprises, Haixi policies), the deals that
come of matching them, their stage changes, and promotion events (推介会)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.core import crypto
from duikou.core.fields import MoneyField
from duikou.core.models import Division, Organisation, Recorded
from duikou.core.vocab import DivisionLevel, Side
from duikou.investment.vocab import (
    DealStage,
    EnterpriseSize,
    IncentiveKind,
    industry_label,
    section_of,
    sections,
)
from duikou.lib.masking import mask_phone

NON_NEGATIVE = [MinValueValidator(0, message=_("金额不能为负数。"))]
# Ciphertext columns: history keeps ciphertext only.
SECRET_FIELDS = ("phone_cipher",)


def industry_errors(section: str, division: str) -> dict[str, list]:
    """A section letter that exists, and a division inside it (messages name the field)."""
    if section not in sections():
        return {
            "industry_section": [_("行业门类“%(s)s”不是 GB/T 4754-2017 的门类。") % {"s": section}]
        }
    if division and section_of(division) != section:
        return {
            "industry_division": [
                _("行业大类 %(d)s 不属于门类 %(s)s（%(name)s，大类 %(range)s）。")
                % {
                    "d": division,
                    "s": section,
                    "name": sections()[section]["name"],
                    "range": "、".join(sections()[section]["divisions"][:1])
                    + "–"
                    + sections()[section]["divisions"][-1],
                }
            ]
        }
    return {}


class Enterprise(Recorded):
    """A Zhejiang enterprise on the list (企业): its credit code is its organisation's."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("企业名称"),
        on_delete=models.PROTECT,
        related_name="enterprise",
    )
    industry_section = models.CharField(_("行业门类"), max_length=1)
    industry_division = models.CharField(_("行业大类"), max_length=2, blank=True)
    products = models.TextField(_("主营产品"), blank=True)
    size = models.CharField(_("规模"), max_length=4, choices=EnterpriseSize.choices, blank=True)
    zero_carbon = models.BooleanField(_("零碳标签"), default=False)
    intentions = models.TextField(_("投资意向"), blank=True)
    intended_investment = MoneyField(
        _("意向投资额（元）"), null=True, blank=True, validators=NON_NEGATIVE
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone_cipher = models.TextField(_("联系电话"), blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "created_by"])

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("招商企业")
        verbose_name_plural = _("招商企业")
        constraints = [
            models.CheckConstraint(
                condition=Q(intended_investment__isnull=True) | Q(intended_investment__gte=0),
                name="enterprise_investment_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name

    def get_absolute_url(self) -> str:
        return reverse("investment:enterprise_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def code(self) -> str:
        return self.organisation.credit_code

    @property
    def industry(self) -> str:
        return industry_label(self.industry_section, self.industry_division)

    def clean(self) -> None:
        errors = industry_errors(self.industry_section, self.industry_division)
        if self.organisation_id and self.organisation.side != Side.SUPPORTING:
            errors["organisation"] = [_("招商企业应为支援方（浙江）单位。")]
        if self.organisation_id and not self.organisation.credit_code:
            errors.setdefault("organisation", []).append(_("企业须有统一社会信用代码。"))
        if errors:
            raise ValidationError(errors)

    def clear_phone(self) -> str:
        return crypto.decrypt(self.phone_cipher)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.clear_phone())


class Policy(Recorded):
    """A Haixi investment policy (政策): validity, industries, incentives, thresholds, region."""

    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=100)
    doc_no = models.CharField(_("文号"), max_length=60, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    # Section letters and/or two-digit divisions; empty: every industry.
    industries = models.JSONField(_("适用行业"), default=list, blank=True)
    incentives = models.JSONField(_("优惠类型"), default=list)
    min_investment = MoneyField(
        _("最低投资额（元）"), null=True, blank=True, validators=NON_NEGATIVE
    )
    min_jobs = models.PositiveIntegerField(_("最低就业人数"), null=True, blank=True)
    # A county-level unit; empty: all of 海西州.
    region = models.ForeignKey(
        Division,
        verbose_name=_("适用地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": DivisionLevel.COUNTY},
    )
    text = models.TextField(_("政策内容"), blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "created_by"])

    class Meta:
        ordering = ["-valid_from", "title"]
        verbose_name = _("招商政策")
        verbose_name_plural = _("招商政策")
        constraints = [
            models.UniqueConstraint(
                fields=["doc_no"],
                condition=~Q(doc_no=""),
                name="policy_doc_no_unique",
                violation_error_message=_("该文号的政策已经存在"),
            ),
            models.UniqueConstraint(
                fields=["title"],
                condition=Q(doc_no=""),
                name="policy_title_unique_without_doc_no",
                violation_error_message=_("没有文号的同名政策已经存在"),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="policy_valid_to_after_from",
                violation_error_message=_("失效日期不能早于生效日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("investment:policy_detail", args=[self.pk])

    @property
    def region_name(self) -> str:
        return self.region.name if self.region_id else "海西州"

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self) -> None:
        from duikou.investment.vocab import division_section

        self.title = (self.title or "").strip()
        self.doc_no = (self.doc_no or "").strip()
        errors: dict[str, list] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = [
                _("失效日期（%(to)s）不能早于生效日期（%(from)s）。")
                % {"to": self.valid_to.isoformat(), "from": self.valid_from.isoformat()}
            ]
        industries = list(self.industries or [])
        bad = [c for c in industries if c not in sections() and c not in division_section()]
        if bad:
            errors["industries"] = [
                _("适用行业“%(v)s”不是 GB/T 4754-2017 的门类字母或两位大类代码。")
                % {"v": "、".join(map(str, bad))}
            ]
        kinds = list(self.incentives or [])
        unknown = [k for k in kinds if k not in IncentiveKind.values]
        if unknown:
            errors["incentives"] = [
                _("优惠类型“%(v)s”未知，可选：%(allowed)s。")
                % {"v": "、".join(map(str, unknown)), "allowed": "、".join(IncentiveKind.values)}
            ]
        elif not kinds:
            errors["incentives"] = [_("请至少选择一种优惠类型。")]
        if self.region_id and self.region.level != DivisionLevel.COUNTY:
            errors["region"] = [_("适用地区应为海西的县级行政区，或留空表示全州。")]
        if errors:
            raise ValidationError(errors)


class PromotionEvent(Recorded):
    """A promotion meeting (推介会) where deals are signed."""

    name = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("参会人数"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "created_by"])

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("推介会")
        verbose_name_plural = _("推介会")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "date"],
                name="event_unique_name_date",
                violation_error_message=_("同一天已有同名活动"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("investment:event_detail", args=[self.pk])


class Deal(Recorded):
    """An investment project (招商项目) of an enterprise in a Haixi county, through the pipeline."""

    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="deals"
    )
    county = models.ForeignKey(
        Division,
        verbose_name=_("落地县市"),
        on_delete=models.PROTECT,
        related_name="deals",
        limit_choices_to={"level": DivisionLevel.COUNTY},
    )
    industry_section = models.CharField(_("行业门类"), max_length=1)
    industry_division = models.CharField(_("行业大类"), max_length=2, blank=True)
    stage = models.CharField(
        _("阶段"), max_length=4, choices=DealStage.choices, default=DealStage.LEAD
    )
    end_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    signed_amount = MoneyField(_("签约金额（元）"), null=True, blank=True, validators=NON_NEGATIVE)
    invested = MoneyField(_("已到位资金（元）"), default=0, validators=NON_NEGATIVE)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    policies = models.ManyToManyField(
        Policy, verbose_name=_("适用政策"), blank=True, related_name="deals"
    )
    event = models.ForeignKey(
        PromotionEvent,
        verbose_name=_("签约活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)

    # The applied policies are not tracked field by field: a change of them is a history
    # row with its reason (services.deal_update), as the history page reads plain fields only.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "created_by"])

    class Meta:
        ordering = ["-signed_on", "name"]
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "enterprise"],
                name="deal_unique_name_enterprise",
                violation_error_message=_("该企业已有同名招商项目"),
            ),
            models.CheckConstraint(
                condition=(Q(signed_amount__isnull=True) | Q(signed_amount__gte=0))
                & Q(invested__gte=0),
                name="deal_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["signed_on"]), models.Index(fields=["stage"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("investment:deal_detail", args=[self.pk])

    @property
    def industry(self) -> str:
        return industry_label(self.industry_section, self.industry_division)

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        errors = industry_errors(self.industry_section, self.industry_division)
        if self.county_id and (
            self.county.level != DivisionLevel.COUNTY or self.county.province_code() != "630000"
        ):
            errors["county"] = [_("落地县市应为海西的县级行政区（如都兰县、德令哈市）。")]
        if self.stage == DealStage.ENDED and not self.end_reason.strip():
            errors["end_reason"] = [_("终止的项目须填写终止原因。")]
        if self.signed_on and self.signed_amount is None:
            errors["signed_amount"] = [_("已签约的项目须填写签约金额。")]
        if errors:
            raise ValidationError(errors)


class DealStageChange(models.Model):
    """A deal entering a stage on a date (the timeline); moving back carries its reason."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("招商项目"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("原阶段"), max_length=4, choices=DealStage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=4, choices=DealStage.choices)
    date = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")

    def __str__(self) -> str:
        return f"{self.date} {self.from_stage or '—'} → {self.to_stage}"
