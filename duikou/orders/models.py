"""Orders (点单) and visit planning: demands, planning runs, their manual edits, visits.

The flow: an institution liaison posts a `Demand`; the headquarters starts a `PlanningRun`
over a period (its instance — demands, experts, availability, travel — is frozen as JSON in
the contract of docs/contracts/visit-planning.md, and the planner's plan is stored beside it);
manual edits (`PlanEdit`) are checked against the five rules; confirming the run turns
its assignments into `Visit`s; the institution confirms delivery and rates the visit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.core.models import Organisation
from duikou.people.models import Person


class ServiceKind(models.TextChoices):
    CLINIC = "坐诊", _("坐诊")
    SURGERY = "手术", _("手术")
    LECTURE = "讲座", _("讲座")
    MENTORING = "带教", _("带教")
    TRAINING = "培训", _("培训")


class SkillField(models.TextChoices):
    MEDICAL = "医疗", _("医疗")
    EDUCATION = "教育", _("教育")


class DemandStatus(models.TextChoices):
    OPEN = "待安排", _("待安排")
    SCHEDULED = "已安排", _("已安排")
    DELIVERED = "已服务", _("已服务")
    WITHDRAWN = "已撤回", _("已撤回")


class RunStatus(models.TextChoices):
    QUEUED = "排队中", _("排队中")
    RUNNING = "计算中", _("计算中")
    DONE = "已完成", _("已完成")
    STOPPED = "已停止", _("已停止")
    FAILED = "失败", _("失败")
    CONFIRMED = "已确认", _("已确认")


class VisitStatus(models.TextChoices):
    SCHEDULED = "已安排", _("已安排")
    DELIVERED = "已服务", _("已服务")
    CANCELLED = "已取消", _("已取消")


class Demand(models.Model):
    """A need posted by a Haixi institution: a skill, for so many days, within a window."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("需求单位"),
        on_delete=models.PROTECT,
        related_name="demands",
        help_text=_("服务地点：提出需求的海西单位"),
    )
    skill = models.CharField(
        _("所需专业"), max_length=50, help_text=_("医院科室（诊疗科目）或学校学科")
    )
    skill_field = models.CharField(
        _("领域"), max_length=10, choices=SkillField.choices, default=SkillField.MEDICAL
    )
    service_kind = models.CharField(_("服务方式"), max_length=10, choices=ServiceKind.choices)
    days = models.PositiveSmallIntegerField(
        _("所需天数"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    earliest_start = models.DateField(_("最早开始"))
    latest_end = models.DateField(_("最晚结束"), help_text=_("服务最后一天不晚于此日"))
    priority = models.PositiveSmallIntegerField(
        _("优先级"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1–10，越大越优先；指挥部可调整"),
    )
    preferred_experts = models.ManyToManyField(
        Person,
        verbose_name=_("希望的专家"),
        blank=True,
        related_name="preferred_in_demands",
        help_text=_("延续帮扶（以院包科）：希望原来的专家再来"),
    )
    title = models.CharField(_("需求摘要"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("服务需求")
        verbose_name_plural = _("服务需求")
        constraints = [
            models.CheckConstraint(
                condition=Q(latest_end__gte=F("earliest_start")),
                name="demand_window_ordered",
                violation_error_message=_("最晚结束不能早于最早开始"),
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=10),
                name="demand_priority_range",
                violation_error_message=_("优先级应在 1 到 10 之间"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.skill} · {self.get_service_kind_display()}"

    @property
    def window_days(self) -> int:
        """Days in the window, both ends included."""
        return (self.latest_end - self.earliest_start).days + 1


class PlanningRun(models.Model):
    """One run of the planner over a period: the frozen instance, progress, and its plan."""

    period_start = models.DateField(_("计划期开始"))
    period_end = models.DateField(_("计划期结束"))
    time_limit = models.PositiveIntegerField(_("计算时限（秒）"), default=30)
    max_days = models.PositiveSmallIntegerField(
        _("每位专家本期最多服务天数"), default=20, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    # The instance (docs/contracts/visit-planning.md), frozen when the run is created; the plan the
    # planner returned (`proposed_plan`) and the current plan after manual edits (`plan`).
    instance = models.JSONField(_("实例"), default=dict, editable=False)
    proposed_plan = models.JSONField(_("建议方案"), null=True, blank=True, editable=False)
    plan = models.JSONField(_("当前方案"), null=True, blank=True, editable=False)
    # Progress, written by the background task while it runs.
    progress_score = models.BigIntegerField(_("当前得分"), null=True, blank=True)
    progress_served = models.PositiveIntegerField(_("已排需求"), null=True, blank=True)
    bound = models.BigIntegerField(_("得分上界"), null=True, blank=True)
    optimal = models.BooleanField(_("已证明最优"), default=False)
    elapsed = models.FloatField(_("已用时间（秒）"), default=0.0)
    stop_requested = models.BooleanField(_("已请求停止"), default=False)
    message = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始计算"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束计算"), null=True, blank=True)
    # Written with the progress while the planner runs (duikou.core.heartbeat): a run whose
    # heartbeat stops has lost its worker and is marked failed.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["instance", "proposed_plan", "plan", "elapsed", "heartbeat_at"]
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("排班计算")
        verbose_name_plural = _("排班计算")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="run_period_ordered",
                violation_error_message=_("计划期结束不能早于开始"),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def horizon(self) -> int:
        return (self.period_end - self.period_start).days + 1


class EditAction(models.TextChoices):
    MOVE = "move", _("调整")
    SWAP = "swap", _("互换")
    ASSIGN = "assign", _("指派")
    UNASSIGN = "unassign", _("取消指派")


class PlanEdit(models.Model):
    """A manual edit of a run's plan that passed the five rules (the refused ones are not kept)."""

    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="edits")
    action = models.CharField(_("操作"), max_length=10, choices=EditAction.choices)
    detail = models.CharField(_("内容"), max_length=300)
    score_before = models.BigIntegerField(_("修改前得分"))
    score_after = models.BigIntegerField(_("修改后得分"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("方案调整")
        verbose_name_plural = _("方案调整")

    def __str__(self) -> str:
        return self.detail


class Visit(models.Model):
    """A scheduled visit: an expert serves a demand on site from `start_date` to `end_date`."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="visits")
    expert = models.ForeignKey(
        Person, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="visits"
    )
    run = models.ForeignKey(
        PlanningRun,
        verbose_name=_("排班计算"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), help_text=_("服务最后一天"))
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    delivered_days = models.PositiveSmallIntegerField(_("实际服务天数"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评价"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1–5 星"),
    )
    feedback = models.TextField(_("评价意见"), blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    expert_log = models.TextField(
        _("工作记录"), blank=True, help_text=_("专家记录本次服务做了什么（门诊、手术、讲座等）")
    )
    achievements = models.ManyToManyField(
        "people.Achievement", verbose_name=_("相关成效"), blank=True, related_name="visits"
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("专家服务")
        verbose_name_plural = _("专家服务")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="visit_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
            # A demand is served by at most one visit that is not cancelled: the last guard
            # against two confirmations booking the same demand twice.
            models.UniqueConstraint(
                fields=["demand"],
                condition=~Q(status="已取消"),
                name="one_live_visit_per_demand",
                violation_error_message=_("该需求已有安排的服务"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.demand.organisation} {self.start_date:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1
