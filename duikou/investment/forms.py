"""Forms of the investment pages. Amounts are typed in 万元 (converted to yuan by the views);
every field error is in Chinese and names the field (the services' messages land on it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import DateInput
from duikou.core.models import Division
from duikou.core.vocab import DivisionLevel
from duikou.investment.models import Enterprise, Policy, PromotionEvent
from duikou.investment.vocab import DealStage, EnterpriseSize, IncentiveKind, sections

DATE = DateInput()


def _wan(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=6,
        error_messages={"min_value": _("金额不能为负数。")},
    )


ALL_SECTIONS = _("全部门类")


def section_choices(blank=ALL_SECTIONS) -> list[tuple[str, str]]:
    return [("", blank)] + [(c, f"{c} {s['name']}") for c, s in sections().items()]


def zhejiang_cities():
    return Division.objects.filter(level=DivisionLevel.PREFECTURE, parent__code="330000")


def haixi_counties():
    return Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith="6328")


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    city = forms.ModelChoiceField(label=_("所在城市"), queryset=zhejiang_cities(), required=False)
    industry_section = forms.ChoiceField(label=_("行业门类"), choices=section_choices(""))
    industry_division = forms.CharField(
        label=_("行业大类"),
        max_length=2,
        required=False,
        help_text=_("两位代码，如 38；须属于所选门类"),
    )
    products = forms.CharField(label=_("主营产品"), required=False)
    size = forms.ChoiceField(
        label=_("规模"), choices=[("", "—"), *EnterpriseSize.choices], required=False
    )
    zero_carbon = forms.BooleanField(label=_("零碳标签"), required=False)
    intentions = forms.CharField(
        label=_("投资意向"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    intended_investment = _wan(_("意向投资额（万元）"))
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("加密保存；编辑时留空表示不修改。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = zhejiang_cities()
        if enterprise is not None:
            # The organisation (name, code) is the registry's: edited on its own page.
            for name in ("name", "credit_code", "city"):
                del self.fields[name]


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("政策名称"), max_length=200)
    issuer = forms.CharField(label=_("发文单位"), max_length=100)
    doc_no = forms.CharField(label=_("文号"), max_length=60, required=False)
    valid_from = forms.DateField(label=_("生效日期"), widget=DATE)
    valid_to = forms.DateField(
        label=_("失效日期"), required=False, widget=DATE, help_text=_("留空表示长期有效")
    )
    industries = forms.CharField(
        label=_("适用行业"),
        required=False,
        help_text=_("门类字母和/或两位大类代码，以“、”或空格分隔；留空表示所有行业"),
    )
    incentives = forms.MultipleChoiceField(
        label=_("优惠类型"), choices=IncentiveKind.choices, widget=forms.CheckboxSelectMultiple
    )
    min_investment = _wan(_("最低投资额（万元）"))
    min_jobs = forms.IntegerField(label=_("最低就业人数"), required=False, min_value=0)
    region = forms.ModelChoiceField(
        label=_("适用地区"),
        queryset=haixi_counties(),
        required=False,
        empty_label=_("海西州（全州）"),
    )
    text = forms.CharField(
        label=_("政策内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = haixi_counties()


class DealForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    county = forms.ModelChoiceField(label=_("落地县市"), queryset=Division.objects.none())
    stage = forms.ChoiceField(label=_("阶段"), choices=DealStage.choices, initial=DealStage.LEAD)
    on = forms.DateField(label=_("日期"), widget=DATE, help_text=_("进入该阶段的日期"))
    signed_amount = _wan(_("签约金额（万元）"))
    invested = _wan(_("已到位资金（万元）"))
    policies = forms.ModelMultipleChoiceField(
        label=_("适用政策"),
        queryset=Policy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event = forms.ModelChoiceField(
        label=_("签约活动"), queryset=PromotionEvent.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprises, counties, policies, events, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["county"].queryset = counties
        self.fields["policies"].queryset = policies
        self.fields["event"].queryset = events
        if editing:
            del self.fields["stage"], self.fields["on"], self.fields["enterprise"]


class DealMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("新阶段"), choices=DealStage.choices)
    on = forms.DateField(label=_("日期"), widget=DATE)
    signed_amount = _wan(_("签约金额（万元）"))
    reason = forms.CharField(
        label=_("原因"), max_length=300, required=False, help_text=_("退回或终止时必填")
    )


class EventForm(forms.ModelForm):
    class Meta:
        model = PromotionEvent
        fields = ("name", "date", "place", "organiser", "attendance", "note")
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(required=False)
    section = forms.ChoiceField(choices=section_choices(), required=False)
    zero_carbon = forms.ChoiceField(
        choices=[("", _("零碳标签：全部")), ("1", _("零碳企业")), ("0", _("非零碳企业"))],
        required=False,
    )


class PolicyFilterForm(forms.Form):
    q = forms.CharField(required=False)
    industry = forms.CharField(required=False, max_length=2)
    incentive = forms.ChoiceField(
        choices=[("", _("全部优惠类型")), *IncentiveKind.choices], required=False
    )
    on = forms.DateField(required=False, widget=DATE)
    region = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部地区")), ("all", _("海西州（全州）"))] + [
            (d.code, d.name) for d in haixi_counties()
        ]
