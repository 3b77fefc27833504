"""Forms of the projects pages. Money is typed in 万元 and handed to the services in exact yuan."""

from __future__ import annotations

import copy
from decimal import Decimal

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import Model, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duikou.core import scopes as core_scopes
from duikou.core import uploads
from duikou.core.forms import DateInput
from duikou.core.models import Division, Organisation
from duikou.core.vocab import FlowType, FundingSource, ProjectCategory, ProjectStatus, Side
from duikou.lib.money import wan_plain, wan_to_yuan
from duikou.projects import scopes
from duikou.projects.alerts import KINDS
from duikou.projects.models import Project
from duikou.projects.services import PROJECT_FIELDS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class WanField(forms.DecimalField):
    """An amount typed in 万元; six decimals reach one 分, so the yuan it returns is exact."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)  # up to 99,999,999.999999 万元 (about 1 万亿元)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("min_value", Decimal(0))
        error_messages = {
            "max_decimal_places": _("以万元填写，最多 6 位小数（精确到分）。"),
            "max_digits": _("金额过大，请检查单位是否为万元。"),
            "max_whole_digits": _("金额过大，请检查单位是否为万元。"),
            "invalid": _("请输入数字金额（万元），如 86.5。"),
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(error_messages=error_messages, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # Any number of decimals up to the field's limit; the phone shows a decimal keypad.
        attrs.update({"step": "any", "inputmode": "decimal"})
        return attrs

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None if self.required else Decimal("0.00")
        return wan_to_yuan(amount)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked like a single FileField."""

    widget = MultipleFileInput

    kinds: tuple[str, ...] = (uploads.PDF, uploads.IMAGE)

    def __init__(self, *args, max_bytes: int = MAX_UPLOAD_BYTES, **kwargs):
        kwargs.setdefault("required", False)
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def single(self):
        return forms.FileField(validators=self.validators)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = self.single()
        cleaned = []
        for f in files:
            f = single.clean(f, initial)
            if f.size > self.max_bytes:
                raise forms.ValidationError(
                    _("文件“%(name)s”超过 %(max)s。")
                    % {"name": f.name, "max": filesizeformat(self.max_bytes)}
                )
            uploads.check_file(f, kinds=self.kinds)  # by content, not by name
            cleaned.append(f)
        uploads.check_caps([f.size for f in cleaned])
        return cleaned


class MultipleImageField(MultipleFileField):
    """Several photos; each must be an image Pillow can read."""

    kinds = (uploads.IMAGE,)

    def single(self):
        return forms.ImageField(validators=self.validators)


# Projects ----------------------------------------------------------------------------------


class ProjectForm(forms.ModelForm):
    aid_amount = WanField(label=_("援助资金（万元）"))
    local_amount = WanField(label=_("地方配套（万元）"), required=False)
    social_amount = WanField(label=_("社会资金（万元）"), required=False)
    # The version the form was opened at: a save over a newer version is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    MONEY = ("aid_amount", "local_amount", "social_amount")
    GROUPS = (
        (_("基本信息"), ("code", "name", "year", "category", "description")),
        (
            _("地点与单位"),
            ("county", "location_detail", "implementer", "pairing_city", "mode", "build_type"),
        ),
        (_("资金预算（万元）"), MONEY),
        (_("日期"), ("planned_start", "planned_finish", "actual_start", "actual_finish")),
        (_("英文信息（选填，用于 IATI 导出）"), ("name_en", "description_en")),
        (_("公开"), ("is_public",)),
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "planned_start": DateInput(),
            "planned_finish": DateInput(),
            "actual_start": DateInput(),
            "actual_finish": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "name_en": forms.TextInput(attrs={"lang": "en"}),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        instance = self.instance
        counties = scopes.project_counties(user)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = lambda d: d.name
        implementers = core_scopes.organisations_for_user(user).filter(side=Side.AIDED)
        keep = Q(pk__in=implementers.values("pk"))
        if instance.implementer_id:
            # A current implementer outside the user's list must not make the form unsavable.
            keep |= Q(pk=instance.implementer_id)
        self.fields["implementer"].queryset = (
            Organisation.objects.filter(keep).select_related("division").order_by("name")
        )
        self.fields["implementer"].label_from_instance = (
            lambda o: f"{o.name}（{o.division.short_name or o.division.name}）"
        )
        self.fields["pairing_city"].queryset = Division.objects.filter(parent__code="330000")
        self.fields["pairing_city"].label_from_instance = lambda d: d.name
        if scopes.can_publish_project(user):
            self.fields["is_public"] = forms.BooleanField(
                label=_("在公开门户上公开"),
                required=False,
                help_text=_("公开后，项目名称、地点、金额和状态显示在无需登录的公开门户上。"),
                initial=instance.is_public,
            )
        if instance.pk:
            self.initial["version"] = instance.version
            for name in self.MONEY:
                self.initial[name] = wan_plain(getattr(instance, name))
        else:
            # A new project is 储备: its actual dates come with its transitions.
            del self.fields["actual_start"], self.fields["actual_finish"]
            self.initial.setdefault("year", timezone.localdate().year)
            for name in self.MONEY[1:]:
                self.initial.setdefault(name, "0")
            if counties.count() == 1:
                self.initial.setdefault("county", counties.first().pk)

    def groups(self):
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.GROUPS
        ]

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in PROJECT_FIELDS if k in self.fields}
        if "is_public" in self.fields:  # headquarters only
            data["is_public"] = self.cleaned_data["is_public"]
        return data


def _comparable(value):
    return value.pk if isinstance(value, Model) else value


def merge_after_conflict(
    form: ProjectForm, current: Project, opened: Project | None
) -> tuple[ProjectForm, list[str]]:
    """Three-way merge after a concurrent edit; returns the fields both people changed.

    A field the user left as it was when the form opened takes the newer saved value; a field
    the user changed keeps the user's input. So saving again never undoes the other edit
    silently, and the user loses nothing typed. `opened` is the record as the form showed it.
    """
    data = form.data.copy()
    data["version"] = str(current.version)
    both = []
    fresh = ProjectForm(instance=current, user=form.user)
    for name in form.service_data():
        mine = _comparable(form.cleaned_data[name])
        now = _comparable(getattr(current, name))
        before = _comparable(getattr(opened, name)) if opened is not None else now
        if mine == before and now != before:
            value = fresh[name].value()
            data[name] = "" if value is None else str(value)
        elif mine != before and now != before and mine != now:
            both.append(name)
    merged = ProjectForm(data, instance=copy.copy(current), user=form.user)
    merged.is_valid()
    return merged, both


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *ProjectCategory.choices]
    )
    county = forms.ChoiceField(label=_("所在地"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ProjectStatus.choices]
    )
    alert = forms.ChoiceField(
        label=_("预警"),
        required=False,
        choices=[("", _("全部预警")), *((k, v) for k, v in KINDS.items())],
    )

    def __init__(self, *args, years, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *((y, y) for y in years)]
        self.fields["county"].choices = [
            ("", _("全部地区")),
            *((d.code, d.short_name or d.name) for d in counties),
        ]


# Status, money, progress ---------------------------------------------------------------------


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("变更为"), choices=ProjectStatus.choices)
    comment = forms.CharField(
        label=_("意见/原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    actual_start = forms.DateField(label=_("实际开工日期"), required=False, widget=DateInput())
    actual_finish = forms.DateField(label=_("实际完工日期"), required=False, widget=DateInput())


class FlowForm(forms.Form):
    # Own ids: the project page holds this form and the report form side by side.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "flow_%s")
        super().__init__(*args, **kwargs)

    date = forms.DateField(label=_("日期"), widget=DateInput())
    type = forms.ChoiceField(label=_("类型"), choices=FlowType.choices)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundingSource.choices)
    amount = WanField(label=_("金额（万元）"))
    voucher = forms.CharField(label=_("凭证号"), max_length=60)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
    evidence = MultipleFileField(
        label=_("凭证文件（PDF/JPG/PNG，可多选）"),
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,image/*,application/pdf"}),
    )

    def rows(self):
        names = [("date", "type"), ("source", "amount"), ("voucher", "note"), ("evidence",)]
        return [[self[n] for n in row] for row in names]

    def service_data(self) -> dict:
        keys = ("date", "type", "source", "amount", "voucher", "note")
        return {k: self.cleaned_data[k] for k in keys}


class ReportForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "report_%s")
        super().__init__(*args, **kwargs)

    date = forms.DateField(label=_("报告日期"), widget=DateInput())
    progress = forms.IntegerField(
        label=_("形象进度（%）"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    # Two inputs under one name: the camera for a new photo, the gallery for several old ones.
    photos = MultipleImageField(
        label=_("现场照片（可多张）"),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )

    def rows(self):
        return [[self["date"], self["progress"]], [self["text"]]]

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("date", "progress", "text", "photos")}
