from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HEADQUARTERS = "headquarters", _("指挥部")
    COUNTY_TEAM = "county_team", _("前方工作组")
    LIAISON = "liaison", _("单位联络员")
    AID_STAFF = "aid_staff", _("援青人员")
    VIEWER = "viewer", _("领导/观察员")


class User(AbstractUser):
    """A person who signs in. Role and scope decide what every queryset shows (scopes.py)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("单位联络员、援青人员：其所在单位"),
    )
    counties = models.ManyToManyField(
        "core.Division",
        verbose_name=_("负责县市"),
        blank=True,
        related_name="county_users",
        help_text=_("前方工作组：其负责的海西县级单位"),
    )
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("由管理员设置或重置的密码：下次登录后须先修改密码才能使用平台"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_headquarters(self) -> bool:
        return self.role == Role.HEADQUARTERS

    @property
    def reads_everything(self) -> bool:
        """Headquarters and viewers read every record (templates: "only your scope" notes)."""
        return self.role in {Role.HEADQUARTERS, Role.VIEWER}

    @property
    def is_viewer(self) -> bool:
        return self.role == Role.VIEWER

    @property
    def is_aid_staff(self) -> bool:
        return self.role == Role.AID_STAFF

    @property
    def records_programme_data(self) -> bool:
        """Headquarters and county teams record projects, postings, imports."""
        return self.role in {Role.HEADQUARTERS, Role.COUNTY_TEAM}

    @property
    def sees_personal_data(self) -> bool:
        return self.role != Role.VIEWER


class SecurityEvent(models.Model):
    """One security-relevant event: a sign-in (success or failure), a lock, an unlock, a
    password change, a second factor enrolled or removed. Written beside the 'duikou.security'
    log line, so headquarters can read them on /accounts/security/ and in the admin."""

    class Kind(models.TextChoices):
        SIGNIN_OK = "signin_ok", _("登录成功")
        SIGNIN_FAILED = "signin_failed", _("登录失败")
        TOKEN_FAILED = "token_failed", _("动态口令错误")
        LOCKED = "locked", _("锁定")
        UNLOCKED = "unlocked", _("解锁")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_SET = "password_set", _("管理员设置密码")
        TOTP_ENROLLED = "totp_enrolled", _("启用动态口令")
        TOTP_REMOVED = "totp_removed", _("停用动态口令")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    # The username as typed (it may name no account: failures are kept all the same).
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"
