"""Projects and funds: five-year and annual plans, projects, budgets, money flows, progress."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.core.fields import MoneyField
from duikou.core.models import Division, Organisation, Recorded
from duikou.core.vocab import (
    BuildType,
    DivisionLevel,
    FlowType,
    FundingSource,
    ProjectCategory,
    ProjectMode,
    ProjectStatus,
)

NON_NEGATIVE = [MinValueValidator(0, message=_("金额不能为负数。"))]


class FiveYearPlan(models.Model):
    name = models.CharField(_("规划名称"), max_length=100, unique=True)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("结束年度"))
    note = models.TextField(_("说明"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_year"]
        verbose_name = _("五年规划")
        verbose_name_plural = _("五年规划")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("结束年度不能早于起始年度。")})


class AnnualPlan(models.Model):
    five_year_plan = models.ForeignKey(
        FiveYearPlan,
        verbose_name=_("五年规划"),
        on_delete=models.PROTECT,
        related_name="annual_plans",
    )
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("计划名称"), max_length=200)
    issued_on = models.DateField(_("下达日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        plan = self.five_year_plan if self.five_year_plan_id else None
        if plan and self.year and not plan.start_year <= self.year <= plan.end_year:
            raise ValidationError(
                {
                    "year": _("年度 %(year)s 不在%(plan)s（%(a)s–%(b)s）内。")
                    % {
                        "year": self.year,
                        "plan": plan.name,
                        "a": plan.start_year,
                        "b": plan.end_year,
                    }
                }
            )


class Project(Recorded):
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    # English title and description, optional: the IATI export states them beside the Chinese.
    name_en = models.CharField(
        _("英文名称"), max_length=300, blank=True, help_text=_("选填；用于 IATI 国际标准导出")
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    annual_plan = models.ForeignKey(
        AnnualPlan,
        verbose_name=_("年度计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    category = models.CharField(_("类别"), max_length=20, choices=ProjectCategory.choices)
    county = models.ForeignKey(
        Division,
        verbose_name=_("所在地"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"level": DivisionLevel.COUNTY},
    )
    location_detail = models.CharField(_("乡镇/村"), max_length=100, blank=True)
    implementer = models.ForeignKey(
        Organisation,
        verbose_name=_("实施单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    pairing_city = models.ForeignKey(
        Division,
        verbose_name=_("结对城市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__code": "330000"},
    )
    mode = models.CharField(_("实施方式"), max_length=10, choices=ProjectMode.choices, blank=True)
    build_type = models.CharField(
        _("新建/续建"), max_length=10, choices=BuildType.choices, blank=True
    )
    description = models.TextField(_("项目内容"), blank=True)
    description_en = models.TextField(
        _("英文项目内容"), blank=True, help_text=_("选填；用于 IATI 国际标准导出")
    )
    aid_amount = MoneyField(_("援助资金（元）"), default=0, validators=NON_NEGATIVE)
    local_amount = MoneyField(_("地方配套（元）"), default=0, validators=NON_NEGATIVE)
    social_amount = MoneyField(_("社会资金（元）"), default=0, validators=NON_NEGATIVE)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.RESERVE
    )
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_finish = models.DateField(_("计划完工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完工"), null=True, blank=True)
    # Shown on the public portal (/public/) and counted in its figures. Headquarters sets it;
    # a project is unpublished while in 储备 and published when it leaves 储备 (services).
    is_public = models.BooleanField(_("公开"), default=False)
    # Optimistic concurrency: every save bumps it; a save from a stale form is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "created_by"])

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        indexes = [
            models.Index(fields=["year", "category"]),
            models.Index(fields=["county", "year"]),
            models.Index(fields=["status"]),
            # The project list's order (-year, code): its pages read the index.
            models.Index(fields=["-year", "code"], name="project_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(aid_amount__gte=0) & Q(local_amount__gte=0) & Q(social_amount__gte=0),
                name="project_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def total_amount(self):
        return self.aid_amount + self.local_amount + self.social_amount

    def budget_for(self, source: str):
        return {
            FundingSource.AID: self.aid_amount,
            FundingSource.LOCAL: self.local_amount,
            FundingSource.SOCIAL: self.social_amount,
        }[source]

    def clean(self) -> None:
        self.code = (self.code or "").strip().upper()
        self.name = (self.name or "").strip()
        self.name_en = (self.name_en or "").strip()
        errors: dict[str, list] = {}
        if self.county_id and self.county.level != DivisionLevel.COUNTY:
            errors["county"] = [_("所在地应为县级行政区（如都兰县、德令哈市）。")]
        if (
            self.pairing_city_id
            and self.pairing_city.parent_id
            and (self.pairing_city.parent.code != "330000")
        ):
            errors["pairing_city"] = [_("结对城市应为浙江省的地级市。")]
        pairs = [
            ("planned_start", "planned_finish", _("计划完工不能早于计划开工。")),
            ("actual_start", "actual_finish", _("实际完工不能早于实际开工。")),
        ]
        for start, finish, message in pairs:
            a, b = getattr(self, start), getattr(self, finish)
            if a and b and b < a:
                errors.setdefault(finish, []).append(message)
        errors.update(status_consistency_errors(self))
        if errors:
            raise ValidationError(errors)


def status_consistency_errors(project: Project) -> dict[str, list]:
    """What a status needs of the record's dates (also checked for imported rows)."""
    errors: dict[str, list] = {}
    s = project.status
    if s in {ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED} and not (
        project.actual_start
    ):
        errors["actual_start"] = [_("状态为“%(status)s”的项目须填写实际开工日期。") % {"status": s}]
    if s in {ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED} and not project.actual_finish:
        errors["actual_finish"] = [
            _("状态为“%(status)s”的项目须填写实际完工日期。") % {"status": s}
        ]
    today = timezone.localdate()
    for name in ("actual_start", "actual_finish"):
        value = getattr(project, name)
        if value and value > today:
            errors.setdefault(name, []).append(_("实际日期不能晚于今天。"))
    return errors


class MoneyFlow(Recorded):
    """A commitment (下达), disbursement (拨付) or expenditure (支出) of one funding source."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="flows"
    )
    date = models.DateField(_("日期"))
    type = models.CharField(_("类型"), max_length=10, choices=FlowType.choices)
    source = models.CharField(_("资金来源"), max_length=10, choices=FundingSource.choices)
    amount = MoneyField(_("金额（元）"), validators=[MinValueValidator(0)])
    voucher = models.CharField(_("凭证号"), max_length=60)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = None  # a flow is corrected through history, no stamp kept
    history = HistoricalRecords(excluded_fields=["created_at", "created_by"])

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "voucher"],
                name="flow_voucher_unique_per_project",
                violation_error_message=_("该项目已有相同凭证号的资金记录"),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="flow_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["date", "type"]),
            # Per-project sums of one type (list columns, alerts, totals) from the index alone.
            models.Index(fields=["project", "type", "amount"], name="flow_project_type_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.type} {self.amount} ({self.voucher})"

    def clean(self) -> None:
        self.voucher = (self.voucher or "").strip()
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("金额必须大于 0。")})


def evidence_path(instance: FlowEvidence, filename: str) -> str:
    return f"evidence/{instance.flow.project_id}/{filename}"


class FlowEvidence(models.Model):
    flow = models.ForeignKey(
        MoneyFlow, verbose_name=_("资金流水"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("凭证文件"),
        upload_to=evidence_path,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("凭证文件")
        verbose_name_plural = _("凭证文件")

    def __str__(self) -> str:
        return self.file.name


class StatusTransition(models.Model):
    """An approval stamp: who moved a project from one status to another, when and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=10, choices=ProjectStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=ProjectStatus.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    via_import = models.BooleanField(_("经导入设置"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ProgressReport(Recorded):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="reports"
    )
    date = models.DateField(_("报告日期"))
    progress = models.PositiveSmallIntegerField(
        _("形象进度（%）"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("进展情况"))
    # The reporter and the time of the report, named as the report form names them.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = None

    history = HistoricalRecords(excluded_fields=["created_at", "created_by"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")

    def __str__(self) -> str:
        return f"{self.date} {self.progress}%"


def photo_path(instance: ProgressPhoto, filename: str) -> str:
    return f"progress/{instance.report.project_id}/{filename}"


class ProgressPhoto(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进度报告"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=photo_path)
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return self.caption or self.image.name
