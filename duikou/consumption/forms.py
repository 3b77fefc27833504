"""Forms of the consumption pages. Amounts are typed in 万元 (converted to yuan by the views);
every field error is in Chinese and names the field (the services' messages land on it). The
sale form is the one a shop's liaison fills in on a phone: few fields, a month picker."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.consumption.models import Channel, Product, Supplier
from duikou.consumption.vocab import ChannelKind
from duikou.core.forms import DateInput, MonthInput
from duikou.core.models import Division, Organisation
from duikou.core.vocab import DivisionLevel, Side

DATE = DateInput()
MONTH = MonthInput()
MONTH_ROW, DAY_ROW = "month", "day"


def _wan(label, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=16,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        error_messages={
            "min_value": _("金额不能为负数。"),
            "invalid": _("请填写数字金额（万元）。"),
            "max_decimal_places": _("以万元为单位时最多 6 位小数（精确到分）。"),
        },
    )


def zhejiang_cities():
    return Division.objects.filter(level=DivisionLevel.PREFECTURE, parent__code="330000")


class MonthField(forms.DateField):
    """A month typed as 2023-06 (the phone's month picker), 2023/6 or 2023年6月 → its 1st day."""

    input_formats = ["%Y-%m", "%Y/%m", "%Y年%m月", "%Y-%m-%d"]

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("份")
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("渠道名称"), max_length=100)
    kind = forms.ChoiceField(label=_("渠道类型"), choices=ChannelKind.choices)
    city = forms.ModelChoiceField(label=_("城市"), queryset=Division.objects.none(), required=False)
    operator = forms.ModelChoiceField(
        label=_("运营单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("浙江方运营单位；其联络员可填报本渠道的销售"),
    )
    opened_on = forms.DateField(label=_("开业日期"), required=False, widget=DATE)
    closed_on = forms.DateField(label=_("关闭日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = zhejiang_cities()
        self.fields["operator"].queryset = Organisation.objects.filter(side=Side.SUPPORTING)


class SaleForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("渠道"), queryset=Channel.objects.none())
    period = forms.ChoiceField(
        label=_("填报方式"),
        choices=[(MONTH_ROW, _("月度合计")), (DAY_ROW, _("单日"))],
        initial=MONTH_ROW,
        widget=forms.RadioSelect,
    )
    month = MonthField(
        label=_("月份"),
        required=False,
        widget=MONTH,
        help_text=_("如 2026-11；月度合计时填写"),
    )
    day = forms.DateField(label=_("日期"), required=False, widget=DATE, help_text=_("单日时填写"))
    product = forms.ModelChoiceField(label=_("产品"), queryset=Product.objects.all())
    sold = _wan(_("销售额（万元）"), required=True)
    ordered = _wan(_("订单额（万元）"))
    supplier = forms.ModelChoiceField(
        label=_("供应商"), queryset=Supplier.objects.none(), required=False
    )

    def __init__(self, *args, channels=None, suppliers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if channels is not None:
            self.fields["channel"].queryset = channels
            if channels.count() == 1 and not self.is_bound:
                self.initial.setdefault("channel", channels.first())
        if suppliers is not None:
            self.fields["supplier"].queryset = suppliers
        self.fields["product"].queryset = Product.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("period") == DAY_ROW:
            if not data.get("day"):
                self.add_error("day", _("单日填报须填写日期。"))
            data["date"], data["is_month"] = data.get("day"), False
        else:
            if not data.get("month"):
                self.add_error("month", _("月度合计须填写月份。"))
            data["date"], data["is_month"] = data.get("month"), True
        return data


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = _wan(_("目标销售额（万元）"), required=True)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
