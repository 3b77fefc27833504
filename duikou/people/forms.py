"""Forms of the people pages. Writes go through duikou.people.services; these only collect."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import Role, User
from duikou.core import scopes as core_scopes
from duikou.core import uploads
from duikou.core.forms import DateInput
from duikou.core.models import Department, Division, Organisation
from duikou.core.vocab import DivisionLevel, Field, Gender, PersonnelKind, Side
from duikou.people import scopes
from duikou.people.identity import id_findings, id_messages, normalise_id_number
from duikou.people.models import (
    Achievement,
    AvailabilityWindow,
    Batch,
    Person,
    Posting,
    TrainingPlacement,
)
from duikou.people.services import (
    ACHIEVEMENT_FIELDS,
    BATCH_FIELDS,
    POSTING_FIELDS,
    TRAINING_FIELDS,
)
from duikou.people.vocab import AchievementKind

MAX_PHOTO_BYTES = 5 * 1024 * 1024


class SecretInput(forms.TextInput):
    """A text box that never writes its value back into the page (like a password box):
    an ID number or phone typed into a form that failed is not echoed in the HTML."""

    def format_value(self, value):
        return None


def _secret_field(label, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        strip=True,
        widget=SecretInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        **kwargs,
    )


def _org_label(org: Organisation) -> str:
    return org.name


def zhejiang_orgs():
    return Organisation.objects.filter(side=Side.SUPPORTING).select_related("division")


def zhejiang_cities():
    return Division.objects.filter(parent__code="330000", level=DivisionLevel.PREFECTURE)


class PersonForm(forms.ModelForm):
    id_number = _secret_field(_("身份证号"), required=True)
    phone = _secret_field(_("联系电话"), required=False)
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=DateInput(),
        help_text=_("选填；填写时与身份证号中的出生日期核对"),
    )

    class Meta:
        model = Person
        fields = ("name", "id_number", "gender", "birth_date", "phone", "specialty", "employer")
        fields += ("photo", "user", "visit_days_budget", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["gender"].required = False
        self.fields["gender"].choices = [("", _("按身份证号识别")), *Gender.choices]
        self.fields["gender"].help_text = _("与身份证号第 17 位核对")
        self.fields["employer"].queryset = core_scopes.organisations_for_user(user).order_by(
            "side", "name"
        )
        self.fields["employer"].label_from_instance = _org_label
        self.fields["photo"].help_text = _("选填；JPG 或 PNG，不超过 5 MB")
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"
        self.fields["id_number"].help_text = _(
            "18 位，末位可为 X；校验码、出生日期和性别将被核对。加密保存，页面只显示脱敏号码；"
            "提交未成功时需重新填写。"
        )
        self.fields["phone"].help_text = _("11 位手机号或带区号的固定电话；加密保存。")
        if editing:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "留空表示不修改（当前：%(masked)s）。填写新号码将重新核对。"
            ) % {"masked": self.instance.id_number_masked}
            self.fields["phone"].help_text = _("留空表示不修改（当前：%(masked)s）。") % {
                "masked": self.instance.phone_masked or "—"
            }
            self.fields["clear_phone"] = forms.BooleanField(label=_("清除联系电话"), required=False)
        if user.role == Role.HEADQUARTERS:
            linked = Person.objects.exclude(pk=self.instance.pk).exclude(user=None)
            self.fields["user"].queryset = User.objects.filter(role=Role.AID_STAFF).exclude(
                pk__in=linked.values("user")
            )
            self.fields["user"].label_from_instance = lambda u: f"{u}（{u.username}）"
        else:
            del self.fields["user"]

    def clean_id_number(self):
        # Checked here too (the service checks again) so that a wrong ID number is reported
        # together with the form's other errors, not only after they are fixed.
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        if value:
            findings = id_findings(value)
            if findings:
                raise forms.ValidationError(id_messages(findings))
        return value

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("照片不能超过 5 MB。"))
        if photo and hasattr(photo, "content_type"):  # a new upload: checked by its content
            uploads.check_file(photo, kinds=(uploads.IMAGE,))
        return photo

    def service_kwargs(self) -> dict:
        """The cleaned data as person_create / person_update take it."""
        data = dict(self.cleaned_data)
        photo = data.pop("photo", None)
        if photo is not None and photo is not False and not hasattr(photo, "content_type"):
            photo = None  # the stored file, unchanged
        data["photo"] = photo
        clear_phone = data.pop("clear_phone", False)
        if self.instance.pk:
            data["id_number"] = data.get("id_number") or None
            if clear_phone:
                data["phone"] = ""
            elif not data.get("phone"):
                data["phone"] = None
        return data


class PostingForm(forms.ModelForm):
    class Meta:
        model = Posting
        fields = POSTING_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = scopes.people_for_user(user).select_related(None)
        self.fields["sending_org"].queryset = zhejiang_orgs()
        self.fields["host_org"].queryset = scopes.host_orgs_for_posting(user)
        self.fields["pairing_city"].queryset = zhejiang_cities()
        for name in ("sending_org", "host_org"):
            self.fields[name].label_from_instance = _org_label
        self.fields["kind"].help_text = _("短期支援须至少 3 个月，并填写结束日期")
        host_id = (
            self.data.get("host_org")
            or self.initial.get("host_org")
            or (self.instance.host_org_id if self.instance.pk else None)
        )
        if isinstance(host_id, Organisation):
            host_id = host_id.pk
        departments = Department.objects.none()
        if host_id and str(host_id).isdigit():
            departments = Department.objects.filter(organisation_id=host_id)
        self.fields["host_department"].queryset = departments
        self.fields["host_org"].widget.attrs.update(
            {
                "hx-get": reverse("people:department_options"),
                "hx-target": "#id_host_department",
                "hx-trigger": "change",
            }
        )


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = BATCH_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingPlacement
        fields = TRAINING_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            scopes.people_for_user(user).filter(employer__side=Side.AIDED).select_related(None)
        )
        self.fields["person"].help_text = _("海西单位的人员；先在“人员”中登记")
        self.fields["home_org"].queryset = scopes.training_home_orgs(user)
        self.fields["host_org"].queryset = zhejiang_orgs()
        for name in ("home_org", "host_org"):
            self.fields[name].label_from_instance = _org_label


class AchievementForm(forms.ModelForm):
    posting = forms.ModelChoiceField(label=_("派驻"), queryset=Posting.objects.none())

    class Meta:
        model = Achievement
        fields = ("posting", *ACHIEVEMENT_FIELDS)
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, postings=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = postings if postings is not None else scopes.recordable_postings(user)
        self.fields["posting"].queryset = qs.order_by("-start_date")
        self.fields["posting"].label_from_instance = lambda p: (
            f"{p.person.name} · {p.host_label}（{p.period}）"
        )
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["kind"].choices = AchievementKind.choices


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = AvailabilityWindow
        fields = ("start_date", "end_date", "note")
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：办理机票报销需核对身份证号。查看将记入访问日志。"),
    )


class IdLookupForm(forms.Form):
    id_number = _secret_field(_("身份证号"), required=True)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("人员类别"), required=False, choices=[("", _("全部类别")), *PersonnelKind.choices]
    )
    field = forms.ChoiceField(
        label=_("领域"), required=False, choices=[("", _("全部领域")), *Field.choices]
    )
    county = forms.CharField(label=_("县市"), required=False)
    batch = forms.IntegerField(label=_("批次"), required=False, min_value=1, max_value=10_000)
    current = forms.ChoiceField(
        label=_("在岗"),
        required=False,
        choices=[("", _("在岗与离任")), ("1", _("目前在岗")), ("0", _("已离任"))],
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


def haixi_divisions():
    return Division.objects.filter(Q(code__startswith="6328")).order_by("code")


class VisitBudgetForm(forms.Form):
    visit_days_budget = forms.IntegerField(
        label=_("每期最多出诊天数"),
        required=False,
        min_value=1,
        max_value=90,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 90}),
        help_text=_(
            "每个排班计划期（一般为一季度）最多外出服务的天数；空白按指挥部排班时的统一上限"
        ),
    )
