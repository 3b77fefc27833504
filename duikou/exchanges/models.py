"""Exchanges (交往交流交融): events with their places, organisers, participants and photos;
off-site classes (异地班); and indicators entered by hand where no ledger holds the records."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.core import crypto
from duikou.core.models import Division, Organisation, Recorded
from duikou.exchanges.vocab import EventKind, ParticipantSide
from duikou.lib.masking import mask_id_number, mask_phone

HISTORY_EXCLUDED = ["created_at", "updated_at", "created_by"]


class Event(Recorded):
    """An exchange event (活动): a camp, an exhibition, a flight opened …, over one or more days."""

    kind = models.CharField(_("活动类型"), max_length=8, choices=EventKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    places = models.ManyToManyField(
        Division, verbose_name=_("地点"), related_name="exchange_events", blank=True
    )
    organisers = models.ManyToManyField(
        Organisation, verbose_name=_("主办单位"), related_name="exchange_events", blank=True
    )
    organiser_text = models.CharField(_("其他主办单位"), max_length=300, blank=True)
    haixi_count = models.PositiveIntegerField(_("海西参与人数"), default=0)
    zhejiang_count = models.PositiveIntegerField(_("浙江参与人数"), default=0)
    note = models.TextField(_("备注"), blank=True)

    # Places and organisers are many-to-many: their changes are history rows with a reason.
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("交流活动")
        verbose_name_plural = _("交流活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="exchange_event_end_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
            models.UniqueConstraint(
                fields=["title", "start_date"],
                name="exchange_event_unique_title_start",
                violation_error_message=_("同一天开始的同名活动已经存在"),
            ),
        ]
        indexes = [models.Index(fields=["start_date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchanges:event_detail", args=[self.pk])

    @property
    def participants_total(self) -> int:
        return self.haixi_count + self.zhejiang_count

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Participant(Recorded):
    """A named participant of an event: personal data, so the phone and ID number are
    encrypted at rest, masked wherever shown and never shown to the viewer."""

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("姓名"), max_length=50)
    side = models.CharField(_("来自"), max_length=4, choices=ParticipantSide.choices)
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    phone_cipher = models.TextField(_("联系电话"), blank=True, editable=False)
    id_cipher = models.TextField(_("身份证号"), blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["side", "name", "pk"]
        verbose_name = _("活动参与人")
        verbose_name_plural = _("活动参与人")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.phone_cipher)) if self.phone_cipher else ""

    @property
    def id_masked(self) -> str:
        return mask_id_number(crypto.decrypt(self.id_cipher)) if self.id_cipher else ""


def event_photo_path(instance: EventPhoto, filename: str) -> str:
    return f"exchanges/{instance.event_id}/{filename}"


class EventPhoto(models.Model):
    """A photo of an event: stored beside the uploads, served only through the event's scope."""

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=event_photo_path)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self) -> str:
        return self.caption or self.image.name


class OffsiteClass(Recorded):
    """An off-site class (异地班): Haixi students taught a major at a Zhejiang school."""

    school = models.ForeignKey(
        Organisation,
        verbose_name=_("浙江院校"),
        on_delete=models.PROTECT,
        related_name="offsite_classes",
    )
    haixi_org = models.ForeignKey(
        Organisation,
        verbose_name=_("海西合作单位"),
        on_delete=models.PROTECT,
        related_name="offsite_classes_sent",
    )
    major = models.CharField(_("专业"), max_length=100)
    intake_year = models.PositiveIntegerField(_("招生年份"))
    students = models.PositiveIntegerField(
        _("在读学生数"), validators=[MinValueValidator(0, message=_("学生数不能为负数。"))]
    )
    note = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-intake_year", "school__name", "major"]
        verbose_name = _("异地班")
        verbose_name_plural = _("异地班")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "major", "intake_year"],
                name="offsite_class_unique_school_major_year",
                violation_error_message=_("该院校同一年份已有同名专业的异地班"),
            ),
            models.CheckConstraint(
                condition=Q(students__gte=0), name="offsite_class_students_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.major}（{self.intake_year}）"


class Indicator(Recorded):
    """A programme indicator that no ledger records (Zhejiang tourists to Haixi, …): its
    definition. Its values, year by year, are IndicatorValue rows."""

    name = models.CharField(_("指标名称"), max_length=60, unique=True)
    unit = models.CharField(_("单位"), max_length=20)
    description = models.TextField(_("说明"), blank=True)

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["name"]
        verbose_name = _("填报指标")
        verbose_name_plural = _("填报指标")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(Recorded):
    """A hand-entered value of an indicator for a year, with the document it comes from."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveIntegerField(_("年度"))
    # Exact: 15 significant digits round-trip on every database (SQLite included).
    value = models.DecimalField(_("数值"), max_digits=15, decimal_places=4)
    source = models.CharField(_("来源文件"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("填报时间"))

    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED)

    class Meta:
        ordering = ["-year", "indicator__name"]
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="indicator_value_unique_year",
                violation_error_message=_("该指标本年度已有数值"),
            ),
            models.CheckConstraint(condition=~Q(source=""), name="indicator_value_source_required"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"

    @property
    def value_text(self) -> str:
        """The value without trailing zeros, never in exponent form ("1100000", "12.5")."""
        text = format(self.value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
