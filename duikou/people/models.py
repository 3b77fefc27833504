"""People: persons (personal data encrypted), batches, postings, training placements,
achievements, availability windows, and the log of every look at unmasked personal data."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.core import crypto
from duikou.core.models import Department, Division, Organisation, Recorded
from duikou.core.vocab import DivisionLevel, Field, Gender, PersonnelKind, Side
from duikou.lib.masking import mask_id_number, mask_phone
from duikou.people.identity import add_months
from duikou.people.vocab import SHORT_TERM_MIN_MONTHS, AccessAction, AchievementKind

# Ciphertext columns: in history they are kept as ciphertext and shown as "已修改" only.
SECRET_FIELDS = ("id_cipher", "phone_cipher")


def _period(start: dt.date | None, end: dt.date | None) -> str:
    return "{} — {}".format(
        start.isoformat() if start else "?",
        end.isoformat() if end else _("至今"),
    )


def photo_path(instance: Person, filename: str) -> str:
    # A random name: neither the person's name nor any number of theirs ends up in a path.
    suffix = Path(filename).suffix.lower()[:5] or ".jpg"
    return f"people/photos/{uuid.uuid4().hex}{suffix}"


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, id_number: str) -> PersonQuerySet:
        from duikou.people.identity import normalise_id_number

        return self.filter(id_hash=crypto.blind_index(normalise_id_number(id_number)))


class Person(Recorded):
    """Someone posted to Haixi, or Haixi staff trained in Zhejiang.

    The ID number and the phone are stored only as ciphertext; the ID number is found by its
    keyed hash (`id_hash`). `__str__` is the name: no number of theirs reaches a log line.
    """

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=2, choices=Gender.choices)
    id_cipher = models.TextField(_("身份证号"), editable=False)
    id_hash = models.CharField(_("身份证号检索码"), max_length=64, editable=False)
    phone_cipher = models.TextField(_("联系电话"), blank=True, editable=False)
    specialty = models.CharField(
        _("专业"), max_length=50, blank=True, help_text=_("专业或学科，如 神经内科、数学")
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("援青人员的浙江派出单位，或跟岗培训人员的海西单位"),
    )
    photo = models.ImageField(_("照片"), upload_to=photo_path, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("援青人员本人的账号：可在“我的”页面查看派驻、记录成效、申报可出诊时间"),
    )
    visit_days_budget = models.PositiveSmallIntegerField(
        _("每期最多出诊天数"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "每个排班计划期（一般为一季度）最多外出服务的天数；空白按指挥部排班时的统一上限"
        ),
    )
    note = models.TextField(_("备注"), blank=True)

    objects = PersonQuerySet.as_manager()
    # The hash is left out of history; the ciphertexts stay ciphertext there.
    history = HistoricalRecords(excluded_fields=["id_hash", "created_at", "updated_at"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                name="person_id_number_unique",
                violation_error_message=_("该身份证号已登记。"),
            )
        ]
        # The people list's order: its pages read the index (docs/performance.md).
        indexes = [models.Index(fields=["name", "id"], name="person_list_order")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    def clean(self) -> None:
        self.name = (self.name or "").strip().replace("\u3000", "")
        self.specialty = (self.specialty or "").strip()

    @property
    def side(self) -> str:
        return self.employer.side

    # Clear values: only services, the reveal and the unmasked export call these.
    def clear_id_number(self) -> str:
        return crypto.decrypt(self.id_cipher)

    def clear_phone(self) -> str:
        return crypto.decrypt(self.phone_cipher)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.clear_id_number())

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.clear_phone())


class Batch(models.Model):
    """A batch (批次) of the programme: cadres and professionals posted for about three years."""

    number = models.PositiveSmallIntegerField(
        _("批次序号"), unique=True, validators=[MinValueValidator(1)]
    )
    name = models.CharField(_("批次名称"), max_length=20, blank=True, help_text=_("如 第六批"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="batch_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return self.name or chinese_batch_name(self.number)

    def get_absolute_url(self) -> str:
        return reverse("people:batch_detail", args=[self.pk])

    def clean(self) -> None:
        if self.number and not (self.name or "").strip():
            self.name = chinese_batch_name(self.number)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})

    @property
    def period(self) -> str:
        return _period(self.start_date, self.end_date)


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals: 1 一, 10 十, 16 十六, 20 二十, 21 二十一."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十"
    return text + (CHINESE_DIGITS[ones] if ones else "")


def chinese_batch_name(n: int) -> str:
    return f"第{chinese_number(n) if 0 < n < 100 else n}批"


class PostingQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date, end: dt.date | None) -> PostingQuerySet:
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return qs if end is None else qs.filter(start_date__lte=end)

    def overlapping_year(self, year: int) -> PostingQuerySet:
        return self.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def active_on(self, day: dt.date) -> PostingQuerySet:
        return self.overlapping(day, day)


class Posting(Recorded):
    """A posting (派驻) of a person from a Zhejiang organisation to a Haixi one, for a period."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="postings"
    )
    kind = models.CharField(_("人员类别"), max_length=10, choices=PersonnelKind.choices)
    field = models.CharField(_("领域"), max_length=10, choices=Field.choices)
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    sending_org = models.ForeignKey(
        Organisation,
        verbose_name=_("派出单位"),
        on_delete=models.PROTECT,
        related_name="postings_sent",
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
    host_org = models.ForeignKey(
        Organisation,
        verbose_name=_("受援单位"),
        on_delete=models.PROTECT,
        related_name="postings_hosted",
    )
    host_department = models.ForeignKey(
        Department,
        verbose_name=_("受援科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    role = models.CharField(
        _("挂职职务"), max_length=100, blank=True, help_text=_("如 挂职副院长、县委常委、副县长")
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(
        _("结束日期"), null=True, blank=True, help_text=_("空白表示仍在派驻")
    )
    note = models.TextField(_("备注"), blank=True)

    objects = PostingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "created_by"])

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("派驻")
        verbose_name_plural = _("派驻")
        indexes = [
            models.Index(fields=["host_org", "host_department", "start_date"]),
            models.Index(fields=["start_date", "end_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "start_date"],
                name="posting_unique_person_start",
                violation_error_message=_("该人员在此开始日期已有派驻，不能重复登记。"),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="posting_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.host_label}"

    def get_absolute_url(self) -> str:
        return reverse("people:posting_detail", args=[self.pk])

    @property
    def host_label(self) -> str:
        label = self.host_org.display_short
        if self.host_department_id:
            label = f"{label}·{self.host_department.name}"
        return label

    @property
    def period(self) -> str:
        return _period(self.start_date, self.end_date)

    def is_current(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    def clean(self) -> None:
        self.role = (self.role or "").strip()
        errors: dict[str, list] = {}
        start, end = self.start_date, self.end_date
        if start and end and end < start:
            errors["end_date"] = [
                _("结束日期（%(end)s）不能早于开始日期（%(start)s）。")
                % {"end": end.isoformat(), "start": start.isoformat()}
            ]
        if self.kind == PersonnelKind.SHORT_TERM and start:
            minimum = add_months(start, SHORT_TERM_MIN_MONTHS)
            if end is None:
                errors.setdefault("end_date", []).append(
                    _("短期支援须填写结束日期（至少 3 个月）。")
                )
            elif end >= start and end < minimum:
                errors.setdefault("end_date", []).append(
                    _(
                        "短期支援至少 3 个月：开始于 %(start)s，结束日期不能早于 %(min)s"
                        "（现为 %(end)s）。"
                    )
                    % {
                        "start": start.isoformat(),
                        "min": minimum.isoformat(),
                        "end": end.isoformat(),
                    }
                )
        if self.sending_org_id and self.sending_org.side != Side.SUPPORTING:
            errors["sending_org"] = [
                _("派出单位应为浙江（支援方）单位，“%(name)s”是受援方单位。")
                % {"name": self.sending_org.name}
            ]
        if self.host_org_id and self.host_org.side != Side.AIDED:
            errors["host_org"] = [
                _("受援单位应为海西（受援方）单位，“%(name)s”是支援方单位。")
                % {"name": self.host_org.name}
            ]
        if (
            self.host_department_id
            and self.host_org_id
            and self.host_department.organisation_id != self.host_org_id
        ):
            errors["host_department"] = [
                _("科室“%(dept)s”不属于“%(org)s”。")
                % {"dept": self.host_department.name, "org": self.host_org.name}
            ]
        if self.pairing_city_id:
            city = self.pairing_city
            if city.level != DivisionLevel.PREFECTURE or city.province_code() != "330000":
                errors["pairing_city"] = [_("结对城市应为浙江省的地级市，如 嘉兴市。")]
        if self.person_id and start and "end_date" not in errors:
            errors.update(self._person_conflicts())
        if errors:
            raise ValidationError(errors)

    def _person_conflicts(self) -> dict[str, list]:
        others = Posting.objects.filter(person_id=self.person_id).exclude(pk=self.pk)
        same_start = others.filter(start_date=self.start_date).first()
        if same_start is not None:
            return {
                "start_date": [
                    _("重复登记：%(name)s 已有开始日期为 %(start)s 的派驻（%(host)s）。")
                    % {
                        "name": self.person.name,
                        "start": self.start_date.isoformat(),
                        "host": same_start.host_label,
                    }
                ]
            }
        clash = others.overlapping(self.start_date, self.end_date).order_by("start_date").first()
        if clash is not None:
            return {
                "start_date": [
                    _(
                        "派驻期间重叠：%(name)s 在 %(period)s 已派驻%(host)s，"
                        "同一人员不能同时有两段派驻。"
                    )
                    % {"name": self.person.name, "period": clash.period, "host": clash.host_label}
                ]
            }
        return {}


class TrainingPlacement(Recorded):
    """Haixi staff sent to a Zhejiang organisation for shadow training (跟岗培训)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="trainings"
    )
    home_org = models.ForeignKey(
        Organisation,
        verbose_name=_("所在单位（海西）"),
        on_delete=models.PROTECT,
        related_name="trainees_sent",
    )
    host_org = models.ForeignKey(
        Organisation,
        verbose_name=_("培训单位（浙江）"),
        on_delete=models.PROTECT,
        related_name="trainees_hosted",
    )
    host_unit = models.CharField(
        _("跟岗科室/岗位"), max_length=100, blank=True, help_text=_("如 神经内科、校长办公室")
    )
    programme = models.CharField(
        _("培训项目"), max_length=200, help_text=_("如 海西州骨干医师浙江跟岗培训（第一期）")
    )
    field = models.CharField(_("领域"), max_length=10, choices=Field.choices, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    note = models.TextField(_("备注"), blank=True)

    updated_at = None  # placements are corrected through history, no stamp kept
    history = HistoricalRecords(excluded_fields=["created_at", "created_by"])

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("跟岗培训")
        verbose_name_plural = _("跟岗培训")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "start_date"],
                name="training_unique_person_start",
                violation_error_message=_("该人员在此开始日期已有跟岗培训。"),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="training_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("people:training_edit", args=[self.pk])

    @property
    def period(self) -> str:
        return _period(self.start_date, self.end_date)

    def clean(self) -> None:
        self.programme = (self.programme or "").strip()
        errors: dict[str, list] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = [
                _("结束日期（%(end)s）不能早于开始日期（%(start)s）。")
                % {"end": self.end_date.isoformat(), "start": self.start_date.isoformat()}
            ]
        if self.home_org_id and self.home_org.side != Side.AIDED:
            errors["home_org"] = [_("所在单位应为海西（受援方）单位。")]
        if self.host_org_id and self.host_org.side != Side.SUPPORTING:
            errors["host_org"] = [_("培训单位应为浙江（支援方）单位。")]
        if self.person_id and self.start_date and self.end_date and not errors:
            others = TrainingPlacement.objects.filter(person_id=self.person_id).exclude(pk=self.pk)
            clash = others.filter(
                start_date__lte=self.end_date, end_date__gte=self.start_date
            ).first()
            if clash is not None:
                errors["start_date"] = [
                    _("培训期间重叠：该人员在 %(period)s 已有跟岗培训“%(name)s”。")
                    % {"period": clash.period, "name": clash.programme}
                ]
        if errors:
            raise ValidationError(errors)


class Achievement(models.Model):
    """A result of a posting (成效): a new technique, surgeries, patients seen, lectures …"""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="achievements"
    )
    posting = models.ForeignKey(
        Posting,
        verbose_name=_("派驻"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    host_org = models.ForeignKey(
        Organisation,
        verbose_name=_("受援单位"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    kind = models.CharField(_("成效类型"), max_length=10, choices=AchievementKind.choices)
    count = models.PositiveIntegerField(
        _("数量"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("如手术台数、门诊人次、讲座场次、带教人数；新技术每项记一条"),
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    date = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at", "recorded_by"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("成效")
        verbose_name_plural = _("成效")
        indexes = [models.Index(fields=["date", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def clean(self) -> None:
        self.title = (self.title or "").strip()
        errors: dict[str, list] = {}
        if self.posting_id:
            posting = self.posting
            if self.person_id and posting.person_id != self.person_id:
                errors["posting"] = [_("所选派驻不属于该人员。")]
            if not self.host_org_id:
                self.host_org = posting.host_org
            if self.date and not (
                posting.start_date <= self.date
                and (posting.end_date is None or self.date <= posting.end_date)
            ):
                errors["date"] = [
                    _("日期应在派驻期间（%(period)s）。") % {"period": posting.period}
                ]
        if self.host_org_id and self.host_org.side != Side.AIDED:
            errors["host_org"] = [_("受援单位应为海西（受援方）单位。")]
        if self.date and self.date > timezone.localdate():
            errors.setdefault("date", []).append(_("日期不能晚于今天。"))
        if self.kind == AchievementKind.NEW_TECHNIQUE and self.count != 1:
            errors["count"] = [_("新技术每项记一条，数量应为 1。")]
        if errors:
            raise ValidationError(errors)


class AvailabilityWindow(models.Model):
    """Dates an aid expert can travel for visits (the visit planner reads these)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="availability",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("可出诊时间")
        verbose_name_plural = _("可出诊时间")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="availability_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return _period(self.start_date, self.end_date)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def clean(self) -> None:
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
            if self.person_id:
                clash = (
                    AvailabilityWindow.objects.filter(
                        person_id=self.person_id,
                        start_date__lte=self.end_date,
                        end_date__gte=self.start_date,
                    )
                    .exclude(pk=self.pk)
                    .first()
                )
                if clash is not None:
                    raise ValidationError(
                        {
                            "start_date": _("与已申报的 %(period)s 重叠，请合并或调整日期。")
                            % {"period": str(clash)}
                        }
                    )


class AccessLog(models.Model):
    """Every look at unmasked personal data: who, when, whose, why. Append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("账号"), max_length=150)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=AccessAction.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_log",
    )
    reason = models.TextField(_("理由"))
    detail = models.CharField(_("内容"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.at.isoformat()}"
