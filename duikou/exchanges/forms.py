from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.forms import DateInput
from duikou.core.models import Organisation
from duikou.exchanges import scopes
from duikou.exchanges.models import Indicator
from duikou.exchanges.vocab import EventKind, ParticipantSide


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    places = forms.ModelMultipleChoiceField(
        label=_("地点"),
        queryset=scopes.event_places(),
        required=False,
        help_text=_("海西州的县市和/或浙江省的城市，可多选。"),
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("主办单位"), queryset=Organisation.objects.order_by("side", "name"), required=False
    )
    organiser_text = forms.CharField(label=_("其他主办单位"), max_length=300, required=False)
    haixi_count = forms.IntegerField(label=_("海西参与人数"), min_value=0, initial=0)
    zhejiang_count = forms.IntegerField(label=_("浙江参与人数"), min_value=0, initial=0)
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["places"].queryset = scopes.event_places()
        self.fields["places"].label_from_instance = lambda d: d.name  # 都兰县, 杭州市
        self.fields["places"].widget.attrs["size"] = 10
        self.fields["organisers"].widget.attrs["size"] = 10


class EventFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("活动类型"), choices=[("", _("全部")), *EventKind.choices], required=False
    )
    county = forms.ModelChoiceField(
        label=_("县市"), queryset=scopes.haixi_counties(), required=False, empty_label=_("全部")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = scopes.haixi_counties()


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    side = forms.ChoiceField(label=_("来自"), choices=ParticipantSide.choices)
    organisation = forms.CharField(label=_("单位"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos under one name; their content is checked by the service (core.uploads)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = forms.FileField()
        return [single.clean(f, initial) for f in files]


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(
        label=_("活动照片（可多张）"),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        required=False,
    )
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class OffsiteClassForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("浙江院校"),
        queryset=Organisation.objects.filter(side="支援方", kind__in=["学校", "院校"]),
    )
    haixi_org = forms.ModelChoiceField(
        label=_("海西合作单位"),
        queryset=Organisation.objects.filter(side="受援方"),
        help_text=_("如柴达木职业技术学院。"),
    )
    major = forms.CharField(label=_("专业"), max_length=100)
    intake_year = forms.IntegerField(label=_("招生年份"), min_value=2000, max_value=2100)
    students = forms.IntegerField(label=_("在读学生数"))
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Organisation.objects.filter(
            Q(side="支援方") & Q(kind__in=["学校", "院校"])
        ).order_by("name")
        self.fields["haixi_org"].queryset = Organisation.objects.filter(side="受援方").order_by(
            "name"
        )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("指标名称"), max_length=60)
    unit = forms.CharField(label=_("单位"), max_length=20)
    description = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class IndicatorValueForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    value = forms.CharField(label=_("数值"), max_length=30)
    source = forms.CharField(
        label=_("来源文件"),
        max_length=300,
        required=False,  # the service refuses it empty, naming the field
        help_text=_("数字出自的文件：文号或标题（必填）。"),
    )
    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False)


def indicator_choices():
    return Indicator.objects.order_by("name")
