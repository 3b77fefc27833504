"""Forms of the demand and visit pages. They collect and pre-check; the services decide."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from duikou.accounts.models import Role, User
from duikou.core.forms import DateInput
from duikou.core.models import Division
from duikou.core.viewutils import PK_MAX
from duikou.orders import scopes, skills
from duikou.orders.models import DemandStatus, ServiceKind, SkillField, Visit, VisitStatus
from duikou.orders.services import EXPERT_FIELDS, MAX_DAYS, WITHDRAW_REASON_MAX
from duikou.people.models import Achievement, Person, Posting


def _int_messages(what: str) -> dict:
    # format_lazy: the message is put together when shown, in the user's language
    return {
        "required": format_lazy(_("请填写{}。"), what),
        "invalid": format_lazy(_("{}应为整数。"), what),
    }


def _date_messages(what: str) -> dict:
    return {
        "required": format_lazy(_("请填写{}。"), what),
        "invalid": format_lazy(_("{}不是有效日期，请按 年-月-日 填写。"), what),
    }


# Preferred experts -----------------------------------------------------------------------------


def expert_people() -> QuerySet[Person]:
    """People who may be named as preferred experts: posted in the medical or education field."""
    return (
        Person.objects.filter(postings__field__in=EXPERT_FIELDS)
        .distinct()
        .select_related("employer")
        .prefetch_related(
            Prefetch("postings", queryset=Posting.objects.only("person_id", "field", "start_date"))
        )
        .order_by("name", "pk")
    )


def _expert_label(p: Person) -> str:
    parts = [p.name]
    if p.specialty:
        parts.append(p.specialty)
    parts.append(p.employer.display_short)
    return " · ".join(parts)


def expert_groups(skill: str, selected: set[int] | None = None) -> list[tuple[str, list[Person]]]:
    """The experts grouped for a skill: those whose specialty is the skill first, then the rest
    of its field.

    With no skill chosen yet, every medical and education expert, by field. Experts already
    selected always stay in the list, so changing the skill never drops them silently.
    """
    selected = selected or set()
    field = skills.field_of(skill) if skill else None
    people = list(expert_people())
    fields_of = {p.pk: {post.field for post in p.postings.all()} for p in people}
    if field is None:
        groups = [
            (str(label), [p for p in people if value in fields_of[p.pk] or p.pk in selected])
            for value, label in SkillField.choices
        ]
        return [g for g in groups if g[1]]
    core = skill.split(" (")[0]
    match = [p for p in people if p.specialty and (p.specialty == skill or p.specialty == core)]
    match_ids = {p.pk for p in match}
    rest = [
        p
        for p in people
        if p.pk not in match_ids and (field in fields_of[p.pk] or p.pk in selected)
    ]
    groups = [
        (str(_("专业相符：%(skill)s") % {"skill": skill}), match),
        (str(_("其他%(field)s人才") % {"field": SkillField(field).label}), rest),
    ]
    return [g for g in groups if g[1]]


def expert_choices(skill: str, selected: set[int] | None = None) -> list:
    """`expert_groups` as the grouped choices of a form field."""
    return [
        (label, [(p.pk, _expert_label(p)) for p in people])
        for label, people in expert_groups(skill, selected)
    ]


def expert_picker(skill: str, selected: set[int] | None = None) -> dict:
    """The preferred-experts picker of the demand form (orders/_expert_picker.html): a
    searchable checkbox list, grouped with the skill's specialists first."""
    selected = selected or set()
    groups = []
    chosen = []
    for label, people in expert_groups(skill, selected):
        options = []
        for p in people:
            sub = " · ".join(x for x in (p.specialty, p.employer.display_short) if x)
            options.append({"pk": p.pk, "name": p.name, "sub": sub, "checked": p.pk in selected})
            if p.pk in selected and p.name not in chosen:
                chosen.append(p.name)
        groups.append({"label": label, "options": options})
    return {"groups": groups, "chosen": chosen}  # in the list's order, as the page updates it


# Demands ---------------------------------------------------------------------------------------


class DemandForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("需求单位"),
        queryset=None,
        empty_label=_("请选择单位"),
        error_messages={
            "required": _("请选择需求单位。"),
            "invalid_choice": _("所选单位不在您的范围内。"),
        },
    )
    skill = forms.ChoiceField(
        label=_("所需专业"),
        choices=skills.skill_choices,
        help_text=_("医院科室或学校学科"),
        error_messages={
            "required": _("请选择所需专业。"),
            "invalid_choice": _("“%(value)s”不在科室/学科目录中，请从列表中选择。"),
        },
    )
    service_kind = forms.ChoiceField(
        label=_("服务方式"),
        choices=[("", _("请选择服务方式")), *ServiceKind.choices],
        error_messages={"required": _("请选择服务方式。")},
    )
    days = forms.IntegerField(
        label=_("所需天数"),
        help_text=format_lazy(_("1–{} 天，专家在院服务的天数"), MAX_DAYS),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_DAYS}),
        error_messages=_int_messages(_("所需天数")),
    )
    earliest_start = forms.DateField(
        label=_("最早开始"), widget=DateInput(), error_messages=_date_messages(_("最早开始日期"))
    )
    latest_end = forms.DateField(
        label=_("最晚结束"),
        widget=DateInput(),
        help_text=_("服务最后一天不晚于此日"),
        error_messages=_date_messages(_("最晚结束日期")),
    )
    priority = forms.IntegerField(
        label=_("优先级"),
        help_text=_("1–10，越大越优先"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 10}),
        error_messages=_int_messages(_("优先级")),
    )
    preferred_experts = forms.ModelMultipleChoiceField(
        label=_("希望的专家"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "选填。延续帮扶（以院包科）：希望原来的专家再来。可按姓名、专业或单位搜索，勾选一位或多位。"
        ),
        error_messages={"invalid_choice": _("所选专家不存在或不在列表中。")},
    )
    title = forms.CharField(
        label=_("需求摘要"),
        max_length=100,
        required=False,
        help_text=_("选填，如 “卒中规范化诊疗带教”"),
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填：具体要求、紧急原因、联系人等"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, demand=None, **kwargs):
        if demand is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": demand.organisation_id,
                "skill": demand.skill,
                "service_kind": demand.service_kind,
                "days": demand.days,
                "earliest_start": demand.earliest_start,
                "latest_end": demand.latest_end,
                "priority": demand.priority,
                "preferred_experts": list(demand.preferred_experts.values_list("pk", flat=True)),
                "title": demand.title,
                "note": demand.note,
                "version": demand.version,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        orgs = scopes.demand_orgs_for_user(user).order_by("division__code", "name")
        self.fields["organisation"].queryset = orgs
        self.fields["organisation"].label_from_instance = (
            lambda o: f"{o.name}（{o.division.short_name or o.division.name}）"
        )
        if user.role == Role.LIAISON and orgs.count() == 1:
            # A liaison posts for their own institution: no choice to make.
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = orgs.first().pk
        self.can_set_priority = scopes.can_set_priority(user)
        if not self.can_set_priority:
            del self.fields["priority"]
        else:
            self.fields["priority"].initial = self.initial.get("priority", 5)
        self.fields["preferred_experts"].queryset = expert_people()
        skill = self.data.get("skill") if self.is_bound else self.initial.get("skill", "")
        selected = self._selected_experts()
        self.fields["preferred_experts"].widget.choices = expert_choices(skill or "", selected)
        self.preferred_picker = expert_picker(skill or "", selected)
        # Changing the skill reloads the expert list with the matching specialists first.
        self.fields["skill"].widget.attrs.update(
            {
                "hx-get": reverse("orders:demand_experts"),
                "hx-target": "#expert-picker",
                "hx-swap": "outerHTML",
                "hx-include": "[name=preferred_experts]",
                "hx-trigger": "change",
            }
        )

    def _selected_experts(self) -> set[int]:
        raw = (
            self.data.getlist("preferred_experts")
            if self.is_bound and hasattr(self.data, "getlist")
            else self.initial.get("preferred_experts", [])
        )
        out = set()
        for value in raw or []:
            try:
                out.add(int(getattr(value, "pk", value)))
            except (TypeError, ValueError):
                continue
        return out

    def _visible(self, names: tuple[str, ...]) -> list:
        return [self[n] for n in names if n in self.fields and not self[n].is_hidden]

    @property
    def need_fields(self) -> list:
        return self._visible(("organisation", "skill", "service_kind", "days"))

    @property
    def when_fields(self) -> list:
        return self._visible(("earliest_start", "latest_end", "priority"))

    @property
    def more_fields(self) -> list:
        """The optional fields after the preferred experts (which have their own picker)."""
        return self._visible(("title", "note"))

    @property
    def organisation_fixed(self) -> bool:
        return isinstance(self.fields["organisation"].widget, forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end, days = data.get("earliest_start"), data.get("latest_end"), data.get("days")
        if days is not None and not 1 <= days <= MAX_DAYS:
            self.add_error("days", _("所需天数应为 1 到 %(max)s 天。") % {"max": MAX_DAYS})
            days = None
        if "priority" in self.fields and data.get("priority") is not None:
            if not 1 <= data["priority"] <= 10:
                self.add_error("priority", _("优先级应在 1 到 10 之间。"))
        if start and end:
            window = (end - start).days + 1
            if end < start:
                self.add_error(
                    "latest_end",
                    _("最晚结束（%(end)s）早于最早开始（%(start)s）。")
                    % {"end": end.isoformat(), "start": start.isoformat()},
                )
            elif days and window < days:
                self.add_error(
                    "latest_end",
                    _(
                        "服务窗口 %(start)s 至 %(end)s 只有 %(window)s 天，少于所需 %(days)s 天。"
                        "请放宽日期或减少天数。"
                    )
                    % {
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "window": window,
                        "days": days,
                    },
                )
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["preferred_experts"] = list(data["preferred_experts"])
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=WITHDRAW_REASON_MAX,
        error_messages={
            "required": _("请填写撤回原因。"),
            "max_length": _("撤回原因最多 %(limit_value)d 字。"),
        },
    )


class PriorityForm(forms.Form):
    priority = forms.IntegerField(
        label=_("优先级"),
        min_value=1,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            **_int_messages(_("优先级")),
            "min_value": _("优先级应在 1 到 10 之间。"),
            "max_value": _("优先级应在 1 到 10 之间。"),
        },
    )
    reason = forms.CharField(label=_("调整原因"), max_length=80, required=False)


class DemandFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *DemandStatus.choices]
    )
    county = forms.ChoiceField(label=_("所在地"), required=False)
    field = forms.ChoiceField(
        label=_("领域"), required=False, choices=[("", _("全部领域")), *SkillField.choices]
    )
    kind = forms.ChoiceField(
        label=_("服务方式"), required=False, choices=[("", _("全部方式")), *ServiceKind.choices]
    )
    skill = forms.ChoiceField(
        label=_("所需专业"),
        required=False,
        widget=forms.Select(attrs={"aria-label": _("所需专业")}),
    )
    year = forms.TypedChoiceField(label=_("提交年份"), required=False, coerce=int, empty_value=None)
    org = forms.IntegerField(
        required=False, min_value=1, max_value=PK_MAX, widget=forms.HiddenInput
    )

    def __init__(self, *args, counties: list[Division], years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("全部专业")), *skills.skill_choices(blank=False)]
        self.fields["year"].choices = [("", _("全部年份")), *((y, str(y)) for y in years)]
        self.fields["county"].choices = [
            ("", _("全部地区")),
            *((d.code, d.short_name or d.name) for d in counties),
        ]


# Visits ----------------------------------------------------------------------------------------


class DeliveryForm(forms.Form):
    delivered_days = forms.IntegerField(
        label=_("实际服务天数"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages=_int_messages(_("实际服务天数")),
    )
    rating = forms.TypedChoiceField(
        label=_("评价"),
        coerce=int,
        choices=[
            (5, format_lazy("★★★★★ {}", _("很满意"))),
            (4, format_lazy("★★★★ {}", _("满意"))),
            (3, format_lazy("★★★ {}", _("一般"))),
            (2, format_lazy("★★ {}", _("不太满意"))),
            (1, format_lazy("★ {}", _("不满意"))),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请评价本次服务（1–5 星）。"),
            "invalid_choice": _("评价应为 1 到 5 星。"),
        },
    )
    feedback = forms.CharField(
        label=_("评价意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填：服务效果、建议"),
    )


class VisitLogForm(forms.Form):
    expert_log = forms.CharField(
        label=_("工作记录"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("本次服务做了什么：门诊人次、手术、讲座、带教等"),
        error_messages={"required": _("请填写本次服务做了什么（门诊、手术、讲座、带教等）。")},
    )
    achievements = forms.ModelMultipleChoiceField(
        label=_("相关成效"),
        queryset=Achievement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("选填：在“我的”页面记录的成效，可关联到本次服务"),
        error_messages={"invalid_choice": _("只能关联专家本人的成效记录。")},
    )

    def __init__(self, *args, visit: Visit, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "expert_log": visit.expert_log,
                "achievements": list(visit.achievements.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["achievements"].queryset = Achievement.objects.filter(
            person=visit.expert_id
        ).select_related("host_org")
        self.fields["achievements"].label_from_instance = lambda a: (
            f"{a.date:%Y-%m-%d} · {a.get_kind_display()} · {a.title}"
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=200,
        error_messages={
            "required": _("请填写取消原因。"),
            "max_length": _("取消原因最多 %(limit_value)d 字。"),
        },
    )


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class VisitFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *VisitStatus.choices]
    )
    county = forms.ChoiceField(label=_("所在地"), required=False)
    month = forms.CharField(label=_("月份"), required=False)
    when = forms.ChoiceField(
        label=_("时间"),
        required=False,
        choices=[
            ("", _("全部时间")),
            ("due", _("待确认（已开始）")),
            ("upcoming", _("尚未结束")),
            ("past", _("已结束")),
        ],
    )
    org = forms.IntegerField(
        required=False, min_value=1, max_value=PK_MAX, widget=forms.HiddenInput
    )
    run = forms.IntegerField(
        required=False, min_value=1, max_value=PK_MAX, widget=forms.HiddenInput
    )

    def __init__(self, *args, counties: list[Division], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [
            ("", _("全部地区")),
            *((d.code, d.short_name or d.name) for d in counties),
        ]

    def clean_month(self) -> tuple[dt.date, dt.date] | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        m = MONTH_RE.match(value)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise forms.ValidationError(_("月份请按 年-月 填写，如 2026-05。"))
        year, month = int(m.group(1)), int(m.group(2))
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        return first, last
