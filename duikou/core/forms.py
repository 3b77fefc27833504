from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core import scopes
from duikou.core.models import Department, Organisation, Pairing
from duikou.core.reference import hospital_departments
from duikou.core.services import ORGANISATION_FIELDS, PAIRING_FIELDS
from duikou.core.vocab import OrgKind, PairingKind, Side


class DateInput(forms.DateInput):
    """The project's date widget: a browser date picker with its value in ISO yyyy-mm-dd.

    A `type=date` input accepts only ISO dates; Django's default format is the locale's
    first DATE_INPUT_FORMATS entry (“2027/01/01” in Chinese), which the browser drops as blank.
    """

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.pop("format", None)
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthInput(forms.DateInput):
    """A browser month picker, its value yyyy-mm."""

    input_type = "month"

    def __init__(self, **kwargs):
        kwargs.pop("format", None)
        super().__init__(format="%Y-%m", **kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "credit_code": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 24}
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = scopes.editable_divisions(user)
        self.fields["division"].label_from_instance = lambda d: f"{d.name}（{d.code}）"
        # The form field is wider than 18 so a pasted code with spaces reaches the checker,
        # which then names the real problem instead of "too long".
        self.fields["credit_code"].max_length = 24
        self.fields["credit_code"].validators = []


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    side = forms.ChoiceField(
        label=_("所属方"), required=False, choices=[("", _("全部")), *Side.choices]
    )
    kind = forms.ChoiceField(
        label=_("单位类型"), required=False, choices=[("", _("全部")), *OrgKind.choices]
    )
    division = forms.CharField(label=_("所在地"), required=False)


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "catalogue_code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["list"] = "department-vocabulary"
        self.vocabulary = hospital_departments()


class PairingForm(forms.ModelForm):
    class Meta:
        model = Pairing
        fields = PAIRING_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zhejiang_org"].queryset = scopes.zhejiang_orgs_for_pairing(user)
        self.fields["haixi_org"].queryset = scopes.haixi_orgs_for_pairing(user)
        haixi_id = self.data.get("haixi_org") or (
            self.instance.haixi_org_id if self.instance.pk else None
        )
        departments = Department.objects.none()
        if haixi_id and str(haixi_id).isdigit():
            departments = Department.objects.filter(organisation_id=haixi_id)
        self.fields["haixi_department"].queryset = departments
        self.fields["haixi_org"].widget.attrs.update(
            {
                "hx-get": reverse("core:pairing_departments"),
                "hx-target": "#id_haixi_department",
                "hx-trigger": "change",
            }
        )


class PairingFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    kind = forms.ChoiceField(
        label=_("结对类型"), required=False, choices=[("", _("全部")), *PairingKind.choices]
    )
    county = forms.CharField(label=_("县市"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
