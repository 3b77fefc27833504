"""Forms of the planning pages: start a run, edit its plan."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.orders.models import EditAction

TIME_LIMITS = [(10, _("10 秒")), (30, _("30 秒")), (60, _("1 分钟")), (120, _("2 分钟"))]


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    nxt = dt.date(day.year + (first_month + 3 > 12), (first_month + 3 - 1) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def next_quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    _start, end = quarter_of(day)
    return quarter_of(end + dt.timedelta(days=1))


class RunForm(forms.Form):
    period_start = forms.DateField(
        label=_("计划期开始"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("计划期结束"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("含当天；最长一年"),
    )
    time_limit = forms.TypedChoiceField(
        label=_("计算时限"), choices=TIME_LIMITS, coerce=int, initial=30
    )
    max_days = forms.IntegerField(
        label=_("每位专家本期最多服务天数"), min_value=1, max_value=366, initial=20
    )

    def clean(self):
        data = super().clean()
        a, b = data.get("period_start"), data.get("period_end")
        if a and b and b < a:
            self.add_error("period_end", _("计划期结束不能早于开始。"))
        return data


class EditForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=EditAction.choices)
    demand_id = forms.CharField(label=_("需求"), max_length=20)
    expert_id = forms.CharField(label=_("专家"), max_length=20, required=False)
    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    other_demand_id = forms.CharField(label=_("另一项需求"), max_length=20, required=False)
