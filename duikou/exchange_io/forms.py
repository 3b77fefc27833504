from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from duikou.exchange_io import reader


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("工作簿"),
        help_text=_(
            "按模板填写的工作簿（.xlsx、.xls 或 .ods，可含 项目、资金、结对 等工作表），"
            "或本系统导出的 CSV。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = reader.max_bytes()
        if upload.size > limit:
            raise ValidationError(
                _("文件过大：%(size)s，导入上限为 %(limit)s。请按年度或工作表拆分后分批导入。"),
                params={"size": reader.human_size(upload.size), "limit": reader.human_size(limit)},
            )
        return upload
