"""The registry: administrative divisions, organisations, departments and pairings (结对)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duikou.core.validators import credit_code_messages
from duikou.core.vocab import PAIRING_ORG_KINDS, DivisionLevel, OrgKind, PairingKind, Side
from duikou.lib.checkdigits import check_uscc, normalise_code


class Recorded(models.Model):
    """Who recorded a row and when: the stamp every ledger record carries (its history holds
    what changed since). A model without an update stamp sets `updated_at = None`."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Division(models.Model):
    """An administrative division with its GB/T 2260 code (or the NBS code where MCA has none)."""

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    level = models.CharField(_("级别"), max_length=20, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    seat = models.CharField(_("驻地"), max_length=50, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    non_mca = models.BooleanField(
        _("非民政部区划代码"),
        default=False,
        help_text=_("如大柴旦行委：国家统计局统计用代码，并非民政部 GB/T 2260 代码"),
    )
    alt_code = models.CharField(_("其他代码"), max_length=12, blank=True)
    paired_city = models.ForeignKey(
        "self",
        verbose_name=_("浙江结对城市"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paired_counties",
        help_text=_("海西县级单位的浙江结对城市"),
    )
    note = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.short_name or self.name

    def province_code(self) -> str:
        # GB/T 2260: the first two digits name the province.
        return self.code[:2] + "0000"

    def county_level(self) -> "Division | None":
        """The county-level unit this division is or lies in (None above county level)."""
        node: Division | None = self
        while node is not None and node.level != DivisionLevel.COUNTY:
            node = node.parent
        return node


class Organisation(models.Model):
    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("单位类型"), max_length=10, choices=OrgKind.choices)
    side = models.CharField(_("所属方"), max_length=10, choices=Side.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在地"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        help_text=_("18 位，选填；填写时校验其校验码"),
    )
    credit_code_override = models.BooleanField(
        _("确认保留校验不通过的代码"),
        default=False,
        help_text=_("仅用于登记机关已核发、但校验码不符的真实代码；须填写理由"),
    )
    credit_code_override_reason = models.CharField(_("保留理由"), max_length=200, blank=True)
    members = models.ManyToManyField(
        "self",
        verbose_name=_("成员单位"),
        symmetrical=False,
        blank=True,
        related_name="alliances",
        help_text=_("联盟、集团的成员单位，如海西州医疗专科联盟的成员医院"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        ordering = ["side", "division__code", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organisation_credit_code_unique",
                violation_error_message=_("该统一社会信用代码已被其他单位使用"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:organisation_detail", args=[self.pk])

    @property
    def display_short(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.name = (self.name or "").strip().replace("\u3000", " ")
        self.short_name = (self.short_name or "").strip()
        if self.credit_code:
            self.credit_code = normalise_code(self.credit_code)
            result = check_uscc(self.credit_code)
            if not result.ok:
                overridable = result.check_digit_error and len(result.errors) == 1
                if not (overridable and self.credit_code_override):
                    messages = credit_code_messages(result.errors)
                    if overridable:
                        messages.append(
                            _(
                                "如确属登记机关核发的真实代码，请勾选“确认保留校验不通过的代码”并填写理由。"
                            )
                        )
                    errors["credit_code"] = messages
                elif not self.credit_code_override_reason.strip():
                    errors["credit_code_override_reason"] = [
                        _("保留校验不通过的代码时必须填写理由。")
                    ]
            elif self.credit_code_override:
                # A valid code needs no override; keep the record honest.
                self.credit_code_override = False
                self.credit_code_override_reason = ""
        else:
            self.credit_code_override = False
            self.credit_code_override_reason = ""
        if self.division_id and self.side:
            province = self.division.province_code()
            if self.side == Side.SUPPORTING and province != "330000":
                errors.setdefault("division", []).append(
                    _("支援方（浙江）单位的所在地应在浙江省内。")
                )
            if self.side == Side.AIDED and province != "630000":
                errors.setdefault("division", []).append(
                    _("受援方（海西）单位的所在地应在青海省内。")
                )
        if errors:
            raise ValidationError(errors)

    def credit_code_warnings(self) -> list[str]:
        if not self.credit_code:
            return []
        return credit_code_messages(check_uscc(self.credit_code).warnings)


class Department(models.Model):
    """A department (科室) of an organisation, named from the hospital-department catalogue."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.CASCADE,
        related_name="departments",
    )
    name = models.CharField(_("科室名称"), max_length=50)
    catalogue_code = models.CharField(
        _("诊疗科目代码"), max_length=10, blank=True, help_text=_("《医疗机构诊疗科目名录》代码")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["organisation", "catalogue_code", "name"]
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="department_unique_per_organisation",
                violation_error_message=_("该单位已有同名科室"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = (self.name or "").strip()


class PairingQuerySet(models.QuerySet):
    def overlapping_year(self, year: int) -> "PairingQuerySet":
        import datetime as dt

        return self.filter(start_date__lte=dt.date(year, 12, 31)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=dt.date(year, 1, 1))
        )

    def active_on(self, day) -> "PairingQuerySet":
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Pairing(Recorded):
    """A pairing (结对) between a Zhejiang organisation and a Haixi one, for a period."""

    kind = models.CharField(_("结对类型"), max_length=10, choices=PairingKind.choices)
    zhejiang_org = models.ForeignKey(
        Organisation,
        verbose_name=_("支援方单位"),
        on_delete=models.PROTECT,
        related_name="pairings_as_supporter",
    )
    haixi_org = models.ForeignKey(
        Organisation,
        verbose_name=_("受援方单位"),
        on_delete=models.PROTECT,
        related_name="pairings_as_aided",
    )
    haixi_department = models.ForeignKey(
        Department,
        verbose_name=_("受援科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    agreement_title = models.CharField(_("协议名称"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = PairingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at", "created_by"])

    class Meta:
        ordering = ["kind", "haixi_org__division__code", "haixi_org__name", "zhejiang_org__name"]
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="pairing_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
            models.UniqueConstraint(
                fields=["kind", "zhejiang_org", "haixi_org", "haixi_department"],
                name="pairing_unique_with_department",
                condition=Q(haixi_department__isnull=False),
                violation_error_message=_("相同的结对已经存在"),
            ),
            models.UniqueConstraint(
                fields=["kind", "zhejiang_org", "haixi_org"],
                name="pairing_unique_without_department",
                condition=Q(haixi_department__isnull=True),
                violation_error_message=_("相同的结对已经存在"),
            ),
        ]

    def __str__(self) -> str:
        target = self.haixi_org.display_short
        if self.haixi_department_id:
            target = f"{target}·{self.haixi_department.name}"
        return f"{self.zhejiang_org.display_short} → {target}"

    def get_absolute_url(self) -> str:
        return reverse("core:pairing_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = [
                _("结束日期（%(end)s）不能早于开始日期（%(start)s）。")
                % {"end": self.end_date.isoformat(), "start": self.start_date.isoformat()}
            ]
        zj = self.zhejiang_org if self.zhejiang_org_id else None
        hx = self.haixi_org if self.haixi_org_id else None
        if zj and zj.side != Side.SUPPORTING:
            errors["zhejiang_org"] = [
                _("“%(name)s”是受援方单位，不能作为支援方。") % {"name": zj.name}
            ]
        if hx and hx.side != Side.AIDED:
            errors["haixi_org"] = [
                _("“%(name)s”是支援方单位，不能作为受援方。") % {"name": hx.name}
            ]
        allowed = PAIRING_ORG_KINDS.get(self.kind)
        if allowed and zj and "zhejiang_org" not in errors and zj.kind not in allowed[0]:
            errors["zhejiang_org"] = [
                _("%(kind)s结对的支援方应为%(allowed)s，“%(name)s”是%(actual)s。")
                % {
                    "kind": PairingKind(self.kind).label,
                    "allowed": "、".join(str(OrgKind(k).label) for k in sorted(allowed[0])),
                    "name": zj.name,
                    "actual": OrgKind(zj.kind).label,
                }
            ]
        if allowed and hx and "haixi_org" not in errors and hx.kind not in allowed[1]:
            errors["haixi_org"] = [
                _("%(kind)s结对的受援方应为%(allowed)s，“%(name)s”是%(actual)s。")
                % {
                    "kind": PairingKind(self.kind).label,
                    "allowed": "、".join(str(OrgKind(k).label) for k in sorted(allowed[1])),
                    "name": hx.name,
                    "actual": OrgKind(hx.kind).label,
                }
            ]
        if self.kind == PairingKind.HOSPITAL_DEPARTMENT and not self.haixi_department_id:
            errors["haixi_department"] = [_("医院-科室结对必须选择受援科室。")]
        if self.haixi_department_id:
            if self.kind != PairingKind.HOSPITAL_DEPARTMENT:
                errors["haixi_department"] = [_("只有医院-科室结对才填写受援科室。")]
            elif hx and self.haixi_department.organisation_id != hx.pk:
                errors["haixi_department"] = [
                    _("科室“%(dept)s”不属于“%(org)s”。")
                    % {"dept": self.haixi_department.name, "org": hx.name}
                ]
        if errors:
            raise ValidationError(errors)


class YearLock(models.Model):
    """A year whose figures are published: its records are locked while `locked` is set.

    Headquarters locks a year by publishing its summary and may unlock it with a reason; the
    history holds every lock and unlock (who, when, why). See duikou/core/locks.py."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    locked = models.BooleanField(_("已锁定"), default=True)
    reason = models.TextField(_("原因"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("操作时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度锁定")
        verbose_name_plural = _("年度锁定")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"
