"""Forms of the planning pages: start a run, edit its plan."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import DateInput
from duikou.core.viewutils import PK_MAX
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
    period_start = forms.DateField(label=_("计划期开始"), widget=DateInput())
    period_end = forms.DateField(
        label=_("计划期结束"),
        widget=DateInput(),
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
    """One manual edit. Demands and experts are named by their records' numbers (the page
    never shows the planner's ids); the view turns them into the plan's ids."""

    action = forms.ChoiceField(label=_("操作"), choices=EditAction.choices)
    demand = forms.IntegerField(label=_("需求"), min_value=1, max_value=PK_MAX)
    expert = forms.IntegerField(label=_("专家"), min_value=1, max_value=PK_MAX, required=False)
    start = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    other_demand = forms.IntegerField(
        label=_("另一项需求"), min_value=1, max_value=PK_MAX, required=False
    )
