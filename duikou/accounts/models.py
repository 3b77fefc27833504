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
